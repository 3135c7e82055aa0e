package org.meshsec.tun;

/** How {@link TunDevice#start} reads its queues. */
public enum ReaderMode {
  /** {@link #EPOLL} when Netty's native epoll transport is available, else {@link #POLL_THREAD}. */
  AUTO,
  /**
   * Each queue's fd is registered for readability on a Netty epoll event loop (an {@code
   * EpollIoHandle}); the handler runs on that loop, next to the channels registered on it.
   */
  EPOLL,
  /** One dedicated thread per queue blocks in poll(2) and runs the handler itself. */
  POLL_THREAD
}
