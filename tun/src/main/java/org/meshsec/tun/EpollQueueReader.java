package org.meshsec.tun;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one {@link TunQueue} from a Netty epoll event loop: the queue's fd is registered on the
 * loop's epoll set as an {@link EpollIoHandle}, level-triggered for EPOLLIN, and every readiness
 * event reads one batch (up to the batch size, or until EAGAIN) and hands it to the handler on the
 * loop thread. Level triggering keeps the loop fair: a queue with more than one batch waiting is
 * simply reported ready again on the next loop iteration, after the loop's other channels and tasks
 * had their turn.
 *
 * <p>Thread-safety: {@link #handle} and the registration callbacks run on the loop thread only;
 * {@link #stop} may be called from any thread and cancels the registration on the loop; {@link
 * #close} may run on the loop thread or on the thread that completes the loop's termination, and
 * reports to the handler at most once.
 */
final class EpollQueueReader implements EpollIoHandle, QueueReader {
  private static final Logger log = LoggerFactory.getLogger(EpollQueueReader.class);

  private final TunQueue queue;
  private final TunHandler handler;
  private final IoEventLoop loop;
  private final FastThreadLocal<TunQueue> writeQueue;
  private final FileDescriptor fd;

  private IoRegistration registration; // set once registered; loop thread afterwards
  private volatile boolean stopped;
  private boolean warnedReadFailure; // loop thread
  private final AtomicBoolean loopGoneReported = new AtomicBoolean();

  EpollQueueReader(
      TunQueue queue, TunHandler handler, IoEventLoop loop, FastThreadLocal<TunQueue> writeQueue) {
    this.queue = queue;
    this.handler = handler;
    this.loop = loop;
    this.writeQueue = writeQueue;
    this.fd = new QueueFd(queue);
  }

  /** Registers the fd on the loop and turns on EPOLLIN; blocks until done. */
  void register() throws IOException {
    Future<IoRegistration> f = loop.register(this).awaitUninterruptibly();
    if (!f.isSuccess()) {
      throw new IOException("registering " + queue + " on " + loop + " failed", f.cause());
    }
    registration = f.getNow();
    try {
      registration.submit(EpollIoOps.EPOLLIN);
    } catch (RuntimeException e) {
      registration.cancel();
      throw new IOException("epoll_ctl(ADD) for " + queue + " failed", e);
    }
    // Netty calls close() for registrations it still holds when the loop shuts down, but only if
    // the loop sees the shutdown before its last confirmShutdown(): with a zero quiet period the
    // loop can exit without it (SingleThreadIoEventLoop.run checks isShuttingDown() once, before
    // running its tasks). The termination future is the guarantee; close() runs once either way.
    loop.terminationFuture().addListener(done -> close());
  }

  IoEventLoop loop() {
    return loop;
  }

  @Override
  public FileDescriptor fd() {
    return fd;
  }

  @Override
  public void registered() {
    writeQueue.set(queue);
  }

  @Override
  public void unregistered() {
    if (writeQueue.getIfExists() == queue) {
      writeQueue.remove();
    }
  }

  @Override
  public void handle(IoRegistration reg, IoEvent event) {
    if (stopped) {
      return;
    }
    EpollIoOps ops = ((EpollIoEvent) event).ops();
    try {
      int n = queue.readAndDeliver(handler);
      if (n == 0 && ops.contains(EpollIoOps.EPOLLERR) && queue.isOpen()) {
        throw new NativeIoException(
            "epoll_wait(" + queue + ")", Errno.EIO, "EPOLLERR with nothing to read", null);
      }
    } catch (NativeIoException e) {
      fail(reg, e);
    } catch (RuntimeException | Error e) {
      // No read buffer (the allocator's direct memory is exhausted): the packets wait in the
      // kernel and the level-triggered registration reports the queue again on the next loop
      // iteration. Thrown on, an Error would end the event loop thread, and Netty answers other
      // exceptions with a one-second sleep of the whole loop.
      readFailed(e);
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

  private void fail(IoRegistration reg, IOException e) {
    stopped = true;
    reg.cancel();
    log.error("reading {} stopped: {}", queue, e.getMessage());
    try {
      handler.onReadError(queue.index, e);
    } catch (RuntimeException t) {
      log.error("TUN handler's onReadError threw", t);
    }
  }

  @Override
  public void close() {
    // Called by Netty when the loop shuts down with the queue still registered, and by the loop's
    // termination future (register): a shared group was shut down before the device was closed.
    // Reading this queue ends here; the handler hears it once.
    if (!stopped && !loopGoneReported.getAndSet(true)) {
      stopped = true;
      IOException e = new IOException("the event loop shut down while reading " + queue);
      log.warn("{}", e.getMessage());
      try {
        handler.onReadError(queue.index, e);
      } catch (RuntimeException t) {
        log.error("TUN handler's onReadError threw", t);
      }
    }
  }

  @Override
  public void stop(Duration timeout) {
    stopped = true;
    IoRegistration reg = registration;
    if (reg == null) {
      return;
    }
    if (loop.inEventLoop()) {
      reg.cancel();
      return;
    }
    try {
      Future<?> f = loop.submit(reg::cancel);
      if (!f.awaitUninterruptibly(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn(
            "{}: event loop did not cancel the registration within {} ms",
            queue,
            timeout.toMillis());
      }
    } catch (RejectedExecutionException e) {
      // The loop is shutting down; it cancels every registration itself, and the queue's use
      // count keeps the fd open until a read in progress has finished.
      log.debug("{}: event loop already shutting down", queue);
    }
  }

  /**
   * Netty's view of the queue's fd. The device owns and closes the fd; {@link #isOpen()} follows
   * the queue so that Netty never issues epoll_ctl(DEL) on a closed (and possibly recycled) fd.
   */
  private static final class QueueFd extends FileDescriptor {
    private final TunQueue queue;

    QueueFd(TunQueue queue) {
      super(queue.fd());
      this.queue = queue;
    }

    @Override
    public boolean isOpen() {
      return queue.isOpen();
    }

    @Override
    public void close() {
      // The TunDevice closes the fd, after cancelling the registration.
    }
  }
}
