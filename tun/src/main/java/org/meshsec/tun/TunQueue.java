package org.meshsec.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One queue (one fd) of a {@link TunDevice}: batch reads into pooled buffers with headroom, and
 * writes.
 *
 * <p>Thread-safety: {@link #write} may be called from any thread. The read side ({@link
 * #readBatch}, {@link #readAndDeliver}, {@link #readOne}) is confined to one reader thread at a
 * time. The fd is protected against close-while-in-use by a use count: every read batch and every
 * write holds a use, and {@link #closeFd} marks the queue closed, waits for the uses to drain and
 * only then closes the fd, so a recycled fd number never receives our packets.
 */
final class TunQueue {
  private static final Logger log = LoggerFactory.getLogger(TunQueue.class);

  private static final int CLOSED = 1;
  private static final int ONE_USE = 2;

  final int index;
  private final int fd;
  private final String label;
  private final Counters counters;
  private final ByteBufAllocator allocator;
  private final int headroom;
  private final int tailroom;
  private final int batchSize;

  /** Uses * 2, plus {@link #CLOSED}. */
  private final AtomicInteger state = new AtomicInteger();

  private volatile boolean warnedWriteError;

  // Reader-thread state.
  private int readSize;
  private ByteBuf spare;
  private NativeIoException pendingError;
  private final ArrayList<ByteBuf> batch;
  private final List<ByteBuf> batchView;

  TunQueue(int index, int fd, String deviceName, Counters counters, TunOptions options) {
    this.index = index;
    this.fd = fd;
    this.label = deviceName + " queue " + index;
    this.counters = counters;
    this.allocator = options.allocator();
    this.headroom = options.headroom();
    this.tailroom = options.tailroom();
    this.batchSize = options.batchSize();
    this.batch = new ArrayList<>(batchSize);
    this.batchView = Collections.unmodifiableList(batch);
  }

  int fd() {
    return fd;
  }

  int batchSize() {
    return batchSize;
  }

  /** Sets the largest packet a read accepts. Call before reading starts. */
  void readSize(int readSize) {
    this.readSize = readSize;
  }

  boolean isOpen() {
    return (state.get() & CLOSED) == 0;
  }

  private boolean acquire() {
    if ((state.getAndAdd(ONE_USE) & CLOSED) != 0) {
      state.getAndAdd(-ONE_USE);
      return false;
    }
    return true;
  }

  private void release() {
    state.getAndAdd(-ONE_USE);
  }

  /**
   * Reads up to {@code max} packets into {@code out}, stopping at EAGAIN. Each buffer holds one
   * packet as its readable bytes, with {@code headroom} bytes before and at least {@code tailroom}
   * after. Packets longer than the read size are dropped and counted. Returns the number added (0
   * if closed or nothing was waiting). An error after some packets were read is reported by the
   * next call, so the packets already read are delivered first.
   */
  int readBatch(List<ByteBuf> out, int max) throws NativeIoException {
    if (pendingError != null) {
      NativeIoException e = pendingError;
      pendingError = null;
      throw e;
    }
    if (!acquire()) {
      return 0;
    }
    int count = 0;
    long bytes = 0;
    try {
      // One byte more than readSize is offered, so that a longer packet is detected: Linux
      // copies what fits, drops the rest, and returns the copied length.
      int offered = readSize + 1;
      int capacity = headroom + readSize + Math.max(tailroom, 1);
      while (count < max) {
        ByteBuf buf = spare;
        spare = null;
        if (buf == null) {
          try {
            buf = allocator.directBuffer(capacity);
          } catch (OutOfMemoryError e) {
            // The pool's direct memory limit (Netty's OutOfDirectMemoryError): the packets stay in
            // the kernel's queue for a later read; those read so far are delivered first.
            if (count == 0) {
              throw e;
            }
            break;
          }
        }
        long n = readInto(buf, headroom, offered);
        if (n < 0) {
          spare = buf;
          int err = (int) -n;
          if (err == Errno.EAGAIN) {
            break;
          }
          if (err == Errno.EINTR) {
            continue;
          }
          NativeIoException e = Native.newIoException("read(" + label + ")", err, readHint(err));
          if (count == 0) {
            throw e;
          }
          pendingError = e;
          break;
        }
        if (n == 0) {
          spare = buf;
          break;
        }
        if (n > readSize) {
          spare = buf;
          counters.rxTruncated.increment();
          continue;
        }
        buf.setIndex(headroom, headroom + (int) n);
        out.add(buf);
        count++;
        bytes += n;
      }
    } finally {
      release();
    }
    if (count > 0) {
      counters.rxPackets.add(count);
      counters.rxBytes.add(bytes);
    }
    return count;
  }

  /**
   * Reads one batch and hands it to {@code handler}. Returns the number of packets delivered;
   * {@link #batchSize()} means more may be waiting.
   */
  int readAndDeliver(TunHandler handler) throws NativeIoException {
    int n = readBatch(batch, batchSize);
    if (n > 0) {
      counters.rxBatches.increment();
      try {
        handler.onPackets(index, batchView);
      } catch (RuntimeException | Error e) {
        // An Error too (OutOfDirectMemoryError while the data path allocates): thrown on, it would
        // end the reader's thread, an event loop with every channel on it, for good.
        log.error("TUN handler threw on {}; the {} buffers were its own", label, n, e);
      } finally {
        batch.clear();
      }
      if (pendingError != null) {
        NativeIoException e = pendingError;
        pendingError = null;
        throw e;
      }
    }
    return n;
  }

  /**
   * Reads one packet into {@code dst} at its writer index: the packet length, 0 if none is waiting,
   * or -1 if the packet did not fit (dropped, counted). A packet that fills all of {@code
   * dst.writableBytes()} counts as not fitting, since the kernel truncates silently.
   */
  int readOne(ByteBuf dst) throws NativeIoException {
    if (!acquire()) {
      throw new NativeIoException("read(" + label + ")", Errno.EBADF, "device closed", null);
    }
    try {
      int room = dst.writableBytes();
      for (; ; ) {
        long n = readInto(dst, dst.writerIndex(), room);
        if (n < 0) {
          int err = (int) -n;
          if (err == Errno.EINTR) {
            continue;
          }
          if (err == Errno.EAGAIN) {
            return 0;
          }
          throw Native.newIoException("read(" + label + ")", err, readHint(err));
        }
        if (n >= room) {
          counters.rxTruncated.increment();
          return -1;
        }
        dst.writerIndex(dst.writerIndex() + (int) n);
        counters.rxPackets.increment();
        counters.rxBytes.add(n);
        return (int) n;
      }
    } finally {
      release();
    }
  }

  private long readInto(ByteBuf buf, int index, int length) {
    if (buf.hasMemoryAddress()) {
      return Native.read(fd, buf.memoryAddress() + index, length);
    }
    if (buf.isDirect() && buf.nioBufferCount() == 1) {
      ByteBuffer nio = buf.internalNioBuffer(index, length);
      return Native.read(fd, nio, length);
    }
    throw new IllegalArgumentException("TUN reads need a direct, contiguous buffer: " + buf);
  }

  private static String readHint(int err) {
    return switch (err) {
      case Errno.EBADFD, Errno.EIO, Errno.ENODEV -> "the interface was probably deleted";
      default -> null;
    };
  }

  /** See {@link TunInterface#write}. Releases {@code packet}. */
  WriteResult write(ByteBuf packet) {
    try {
      int len = packet.readableBytes();
      if (len == 0) {
        counters.txRejected.increment();
        return WriteResult.REJECTED;
      }
      if (!acquire()) {
        return WriteResult.CLOSED;
      }
      long n;
      try {
        do {
          n = writeFrom(packet, len);
        } while (n == -Errno.EINTR);
      } finally {
        release();
      }
      if (n == len) {
        counters.txPackets.increment();
        counters.txBytes.add(len);
        return WriteResult.WRITTEN;
      }
      int err = n < 0 ? (int) -n : 0;
      switch (err) {
        case Errno.EAGAIN:
          counters.txWouldBlock.increment();
          return WriteResult.WOULD_BLOCK;
        case Errno.EINVAL:
          counters.txRejected.increment();
          return WriteResult.REJECTED;
        default:
          counters.txFailed.increment();
          logWriteError(n, len);
          return WriteResult.FAILED;
      }
    } finally {
      packet.release();
    }
  }

  private long writeFrom(ByteBuf packet, int len) {
    if (packet.hasMemoryAddress()) {
      return Native.write(fd, packet.memoryAddress() + packet.readerIndex(), len);
    }
    if (packet.nioBufferCount() == 1) {
      return Native.write(fd, packet.nioBuffer(packet.readerIndex(), len), len);
    }
    // A composite buffer: one copy, since each write(2) must carry the whole packet.
    ByteBuf flat = allocator.directBuffer(len);
    try {
      flat.writeBytes(packet, packet.readerIndex(), len);
      return writeFrom(flat, len);
    } finally {
      flat.release();
    }
  }

  private void logWriteError(long n, int len) {
    String what =
        n < 0
            ? Errno.name((int) -n) + " (" + -n + "): " + Native.strerror((int) -n)
            : "short write " + n + " of " + len;
    if (!warnedWriteError) {
      warnedWriteError = true;
      log.warn(
          "write({}) failed: {}; further failures are counted and logged at debug", label, what);
    } else {
      log.debug("write({}) failed: {}", label, what);
    }
  }

  /**
   * Marks the queue closed, waits (bounded) for reads and writes in progress to finish, releases
   * the spare buffer and closes the fd. Call after the reader has stopped. Idempotent.
   */
  void closeFd() {
    int prev = state.getAndUpdate(s -> s | CLOSED);
    if ((prev & CLOSED) != 0) {
      return;
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (state.get() != CLOSED) {
      if (System.nanoTime() - deadline > 0) {
        log.error("{}: a read or write is still using the fd after 5 s; closing anyway", label);
        break;
      }
      Thread.yield();
    }
    if (spare != null) {
      spare.release();
      spare = null;
    }
    try {
      Native.close(fd);
    } catch (NativeIoException e) {
      log.warn("closing {}: {}", label, e.getMessage());
    }
  }

  @Override
  public String toString() {
    return label + " (fd " + fd + ")";
  }
}
