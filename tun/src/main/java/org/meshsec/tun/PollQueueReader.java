package org.meshsec.tun;

import io.netty.util.concurrent.FastThreadLocal;
import java.time.Duration;
import jnr.ffi.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one {@link TunQueue} on a dedicated thread that blocks in poll(2) with a timeout and runs
 * the handler itself: after each wake-up it reads batches until one comes back short (EAGAIN). The
 * fallback when Netty's native epoll is unavailable.
 *
 * <p>Thread-safety: the thread is the only reader of its queue; {@link #stop} may be called from
 * any thread (it sets a flag the loop checks at least every poll timeout, then joins).
 */
final class PollQueueReader implements QueueReader, Runnable {
  private static final Logger log = LoggerFactory.getLogger(PollQueueReader.class);

  private final TunQueue queue;
  private final TunHandler handler;
  private final FastThreadLocal<TunQueue> writeQueue;
  private final int timeoutMillis;
  private final Thread thread;
  private volatile boolean running = true;
  private boolean warnedReadFailure; // reader thread

  PollQueueReader(
      TunQueue queue,
      TunHandler handler,
      FastThreadLocal<TunQueue> writeQueue,
      int timeoutMillis,
      String threadName) {
    this.queue = queue;
    this.handler = handler;
    this.writeQueue = writeQueue;
    this.timeoutMillis = timeoutMillis;
    this.thread = new Thread(this, threadName);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  @Override
  public void run() {
    writeQueue.set(queue);
    Pointer pfd = Native.newPollfds(1);
    pfd.putInt(0, queue.fd());
    pfd.putShort(4, Native.POLLIN);
    try {
      while (running) {
        pfd.putShort(6, (short) 0);
        int r = Native.poll(pfd, 1, timeoutMillis);
        if (r < 0) {
          if (-r == Errno.EINTR) {
            continue;
          }
          throw Native.newIoException("poll(" + queue + ")", -r, null);
        }
        if (r == 0 || !running) {
          continue;
        }
        short revents = pfd.getShort(6);
        if ((revents & Native.POLLNVAL) != 0) {
          throw new NativeIoException("poll(" + queue + ")", Errno.EBADF, "POLLNVAL", null);
        }
        int n;
        int total = 0;
        do {
          try {
            n = queue.readAndDeliver(handler);
          } catch (RuntimeException | Error e) {
            // No read buffer (direct memory exhausted): the packets wait in the kernel; poll(2)
            // reports them again. Thrown on, this would end the thread and the queue's reading.
            readFailed(e);
            // the poll would answer at once: give the memory a millisecond to come back
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            break;
          }
          total += n;
        } while (n == queue.batchSize() && running);
        if (total == 0 && (revents & (Native.POLLERR | Native.POLLHUP)) != 0 && running) {
          throw new NativeIoException(
              "poll(" + queue + ")", Errno.EIO, "POLLERR/POLLHUP with nothing to read", null);
        }
      }
    } catch (NativeIoException e) {
      if (running) {
        log.error("reading {} stopped: {}", queue, e.getMessage());
        try {
          handler.onReadError(queue.index, e);
        } catch (RuntimeException t) {
          log.error("TUN handler's onReadError threw", t);
        }
      }
    } finally {
      writeQueue.remove();
    }
  }

  private void readFailed(Throwable e) {
    if (!warnedReadFailure) {
      warnedReadFailure = true;
      log.error(
          "reading {} failed; reading goes on, further failures are logged at debug", queue, e);
    } else {
      log.debug("reading {} failed: {}", queue, e.toString());
    }
  }

  @Override
  public void stop(Duration timeout) {
    running = false;
    if (Thread.currentThread() == thread) {
      return;
    }
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("{}: reader thread still running after {} (handler blocked?)", queue, timeout);
    }
  }
}
