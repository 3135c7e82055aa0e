package org.meshsec.core.datapath;

import io.netty.channel.Channel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.unix.Errors;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.meshsec.tun.Errno;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule of {@link UdpTransport}'s send side under back-pressure, and its counters.
 *
 * <p>A datagram channel queues what the socket does not take: when sendmmsg returns EAGAIN (the
 * socket's SO_SNDBUF is full of datagrams still in a qdisc or a veth backlog) Netty keeps the rest
 * in the channel's outbound buffer, asks epoll for EPOLLOUT and writes on when the kernel frees
 * room; a partial sendmmsg keeps the datagrams it did not send the same way. The data path never
 * stops reading the TUN device for that: it keeps sealing and writing. What bounds the queue is
 * this gate: each channel has a {@link #WATER_MARK}; a datagram written while the channel is over
 * its high mark is first given a flush (on the channel's loop: the socket may have room now), and
 * if the channel is still over the mark it is dropped and counted ({@link
 * UdpTransport.SendStats#droppedFull}), like a full qdisc drops. The queue is thus at most the high
 * mark plus one message per channel, and sending resumes by itself once EPOLLOUT has drained it
 * below the low mark. Errors of a send (ENOBUFS, EMSGSIZE, ...) drop that message; Netty reports
 * them through the channel's exception event, where {@link #sendFailed} counts and logs them (the
 * first of each kind at WARN, the rest at DEBUG, so that a burst does not flood the log).
 *
 * <p>Thread-safety: thread-safe (counters are {@link LongAdder}s; a channel's writability may be
 * read from any thread).
 */
final class UdpSendGate {
  private static final Logger log = LoggerFactory.getLogger(UdpSendGate.class);

  /**
   * The outbound buffer bound of each UDP channel: over 2 MB queued (written, not yet taken by the
   * socket) the channel is unwritable and datagrams are dropped; below 1 MB it is writable again.
   * Between flushes a TUN batch may write more than this (64 reads of up to 64 KB): the gate's
   * flush on an unwritable channel hands that to the socket before it drops anything.
   */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(1 << 20, 2 << 20);

  private final LongAdder blocked = new LongAdder();
  private final LongAdder droppedFull = new LongAdder();
  private final LongAdder noBufs = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final AtomicBoolean warnedNoBufs = new AtomicBoolean();
  private final AtomicBoolean warnedFailed = new AtomicBoolean();

  UdpTransport.SendStats snapshot() {
    return new UdpTransport.SendStats(blocked.sum(), droppedFull.sum(), noBufs.sum(), failed.sum());
  }

  /**
   * Writes {@code msg} ({@code datagrams} datagrams: 1, or the segments of a UDP GSO send) to
   * {@code ch} without flushing, unless the channel's queue is over its bound: then it is released
   * and counted. Takes ownership of {@code msg}. Returns whether it was written.
   */
  boolean write(Channel ch, Object msg, int datagrams) {
    if (!ch.isWritable()) {
      if (!ch.isActive()) {
        ReferenceCountUtil.release(msg);
        failed.add(datagrams);
        return false;
      }
      if (ch.eventLoop().inEventLoop()) {
        ch.flush(); // what the socket takes now leaves the queue (a no-op while EPOLLOUT is
        // awaited)
      }
      if (!ch.isWritable()) {
        ReferenceCountUtil.release(msg);
        droppedFull.add(datagrams);
        return false;
      }
    }
    ch.write(msg, ch.voidPromise());
    return true;
  }

  /** A channel's writability changed (Netty's channelWritabilityChanged). */
  void writabilityChanged(Channel ch) {
    if (!ch.isWritable()) {
      blocked.increment();
    }
  }

  /**
   * An exception reached a UDP channel's pipeline: a send that failed (Netty drops the message and
   * goes on with the next), or a read error. Send failures are counted; everything is logged, the
   * first of each kind at WARN.
   *
   * @param where the channel's local endpoint, for the log
   */
  void sendFailed(Throwable cause, String where) {
    String what = String.valueOf(cause.getMessage());
    if (cause instanceof Errors.NativeIoException n && what.startsWith("recv")) {
      log.warn("UDP channel {}: {}", where, what); // a read error, not a send
      return;
    }
    boolean enobufs =
        cause instanceof Errors.NativeIoException n
            ? n.expectedErr() == -Errno.ENOBUFS
            : what.contains("No buffer space available"); // NIO: the strerror text
    LongAdder counter = enobufs ? noBufs : failed;
    AtomicBoolean warned = enobufs ? warnedNoBufs : warnedFailed;
    counter.increment();
    if (!warned.getAndSet(true)) {
      log.warn(
          "UDP channel {}: send failed: {}; the datagram was dropped; further such drops are"
              + " counted ({}) and logged at debug",
          where,
          cause.toString(),
          enobufs ? "UdpTxNoBufs" : "UdpTxFailed");
    } else {
      log.debug("UDP channel {}: send failed: {}", where, cause.toString());
    }
  }
}
