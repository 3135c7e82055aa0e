package org.meshsec.tun.tuntest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.meshsec.tun.TunHandler;
import org.meshsec.tun.TunInterface;
import org.meshsec.tun.TunOptions;
import org.meshsec.tun.TunStats;
import org.meshsec.tun.WriteResult;

/**
 * An in-memory {@link TunInterface} for tests, in the manner of wireguard-go's {@code tun/tuntest}:
 * the test plays the kernel. {@link #inject} hands packets to the handler as if the kernel had
 * routed them into the device; packets the code under test {@link #write}s are collected for the
 * test to {@link #pollWritten take}.
 *
 * <p>It mirrors the real device where the daemon can tell the difference: injected packets arrive
 * in pooled direct buffers with the same headroom and tailroom, in batches of at most the batch
 * size; a write is refused like the kernel refuses it (empty, or IP version nibble neither 4 nor 6:
 * {@link WriteResult#REJECTED}); the written-packet queue is bounded and a full queue drops with
 * {@link WriteResult#WOULD_BLOCK}, like a full TUN queue; after {@link #close} writes return {@link
 * WriteResult#CLOSED}. Packets injected before {@link #start} wait, as in the kernel's queue.
 *
 * <p>Delivery runs on the thread calling {@link #inject}, or on the executor given to the
 * constructor (use a single-threaded one, e.g. a Netty event loop, to keep batches in order).
 *
 * <p>Ownership: {@link #inject} copies and never takes the caller's buffers; the handler owns each
 * delivered buffer; {@link #write} takes ownership and keeps the buffer until the test takes it
 * with {@link #pollWritten} (then the test owns and must release it) or {@link #close} releases it.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class TunFake implements TunInterface {

  private final String name;
  private final int mtu;
  private final int headroom;
  private final int tailroom;
  private final int batchSize;
  private final ByteBufAllocator allocator;
  private final Executor executor;
  private final BlockingQueue<ByteBuf> written;

  private final LongAdder rxPackets = new LongAdder();
  private final LongAdder rxBytes = new LongAdder();
  private final LongAdder rxBatches = new LongAdder();
  private final LongAdder truncated = new LongAdder();
  private final LongAdder txPackets = new LongAdder();
  private final LongAdder txBytes = new LongAdder();
  private final LongAdder txWouldBlock = new LongAdder();
  private final LongAdder txRejected = new LongAdder();

  private final Object lock = new Object();
  private TunHandler handler; // guarded by lock
  private final List<byte[]> pending = new ArrayList<>(); // guarded by lock
  private volatile boolean closed;

  /**
   * A fake named {@code name} with MTU {@code mtu}, the default headroom, tailroom and batch size,
   * room for 1024 unread written packets, delivering on the injecting thread.
   */
  public TunFake(String name, int mtu) {
    this(
        name,
        mtu,
        TunOptions.DEFAULT_HEADROOM,
        TunOptions.DEFAULT_TAILROOM,
        TunOptions.DEFAULT_BATCH_SIZE,
        1024,
        null);
  }

  /**
   * @param writeCapacity written packets kept until taken; further writes return WOULD_BLOCK
   * @param executor runs deliveries; null runs them on the thread calling {@link #inject}
   */
  public TunFake(
      String name,
      int mtu,
      int headroom,
      int tailroom,
      int batchSize,
      int writeCapacity,
      Executor executor) {
    this.name = Objects.requireNonNull(name, "name");
    if (mtu < 68 || headroom < 0 || tailroom < 0 || batchSize < 1 || writeCapacity < 1) {
      throw new IllegalArgumentException("bad TunFake parameters");
    }
    this.mtu = mtu;
    this.headroom = headroom;
    this.tailroom = tailroom;
    this.batchSize = batchSize;
    this.allocator = PooledByteBufAllocator.DEFAULT;
    this.executor = executor;
    this.written = new ArrayBlockingQueue<>(writeCapacity);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int mtu() {
    return mtu;
  }

  @Override
  public int headroom() {
    return headroom;
  }

  @Override
  public int tailroom() {
    return tailroom;
  }

  @Override
  public void start(TunHandler handler) {
    Objects.requireNonNull(handler, "handler");
    List<byte[]> backlog;
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("TunFake " + name + " is closed");
      }
      if (this.handler != null) {
        throw new IllegalStateException("TunFake " + name + " already started");
      }
      this.handler = handler;
      backlog = new ArrayList<>(pending);
      pending.clear();
    }
    if (!backlog.isEmpty()) {
      deliver(handler, backlog);
    }
  }

  /**
   * Plays the kernel sending {@code packets} into the device: copies each into a buffer laid out
   * like the real device's and delivers them, in batches of at most the batch size. Packets larger
   * than the MTU are dropped and counted as truncated, as the real device drops what does not fit
   * its read buffer. Before {@link #start} the packets wait; after {@link #close} they are ignored.
   */
  public void inject(byte[]... packets) {
    inject(List.of(packets));
  }

  /** See {@link #inject(byte[]...)}. */
  public void inject(List<byte[]> packets) {
    TunHandler h;
    synchronized (lock) {
      if (closed) {
        return;
      }
      h = handler;
      if (h == null) {
        for (byte[] p : packets) {
          pending.add(p.clone());
        }
        return;
      }
    }
    List<byte[]> copies = new ArrayList<>(packets.size());
    for (byte[] p : packets) {
      copies.add(p.clone());
    }
    deliver(h, copies);
  }

  /** Copies {@code packet}'s readable bytes and injects them; does not take ownership. */
  public void inject(ByteBuf packet) {
    byte[] bytes = new byte[packet.readableBytes()];
    packet.getBytes(packet.readerIndex(), bytes);
    inject(List.of(bytes));
  }

  private void deliver(TunHandler h, List<byte[]> packets) {
    Runnable task = () -> deliverNow(h, packets);
    if (executor == null) {
      task.run();
    } else {
      executor.execute(task);
    }
  }

  private void deliverNow(TunHandler h, List<byte[]> packets) {
    List<ByteBuf> batch = new ArrayList<>(batchSize);
    for (byte[] p : packets) {
      if (closed) {
        break;
      }
      if (p.length > mtu) {
        truncated.increment();
        continue;
      }
      ByteBuf buf = allocator.directBuffer(headroom + mtu + tailroom);
      buf.setIndex(headroom, headroom);
      buf.writeBytes(p);
      batch.add(buf);
      rxBytes.add(p.length);
      if (batch.size() == batchSize) {
        handOver(h, batch);
      }
    }
    if (!batch.isEmpty()) {
      handOver(h, batch);
    }
  }

  private void handOver(TunHandler h, List<ByteBuf> batch) {
    rxPackets.add(batch.size());
    rxBatches.increment();
    try {
      h.onPackets(0, Collections.unmodifiableList(batch));
    } finally {
      batch.clear();
    }
  }

  @Override
  public WriteResult write(ByteBuf packet) {
    boolean kept = false;
    try {
      if (closed) {
        return WriteResult.CLOSED;
      }
      int len = packet.readableBytes();
      int version = len == 0 ? 0 : (packet.getUnsignedByte(packet.readerIndex()) >>> 4);
      if (version != 4 && version != 6) {
        txRejected.increment();
        return WriteResult.REJECTED;
      }
      if (!written.offer(packet)) {
        txWouldBlock.increment();
        return WriteResult.WOULD_BLOCK;
      }
      kept = true;
      txPackets.increment();
      txBytes.add(len);
      if (closed) {
        // Raced with close(): close may have drained already, so drain again.
        releaseWritten();
      }
      return WriteResult.WRITTEN;
    } finally {
      if (!kept) {
        packet.release();
      }
    }
  }

  /**
   * The oldest packet written and not yet taken, waiting up to {@code timeout}; null if none came.
   * The caller owns (must release) the buffer.
   */
  public ByteBuf pollWritten(long timeout, TimeUnit unit) throws InterruptedException {
    return written.poll(timeout, unit);
  }

  /** Like {@link #pollWritten} but returns the packet's bytes and releases the buffer. */
  public byte[] pollWrittenBytes(long timeout, TimeUnit unit) throws InterruptedException {
    ByteBuf buf = written.poll(timeout, unit);
    if (buf == null) {
      return null;
    }
    try {
      byte[] out = new byte[buf.readableBytes()];
      buf.getBytes(buf.readerIndex(), out);
      return out;
    } finally {
      buf.release();
    }
  }

  /** All packets written and not yet taken, oldest first; the caller owns the buffers. */
  public List<ByteBuf> drainWritten() {
    List<ByteBuf> out = new ArrayList<>();
    written.drainTo(out);
    return out;
  }

  /** Number of written packets waiting to be taken. */
  public int writtenPending() {
    return written.size();
  }

  @Override
  public TunStats stats() {
    return new TunStats(
        rxPackets.sum(),
        rxBytes.sum(),
        truncated.sum(),
        rxBatches.sum(),
        txPackets.sum(),
        txBytes.sum(),
        txWouldBlock.sum(),
        txRejected.sum(),
        0);
  }

  /** Stops deliveries and writes and releases every written packet not taken. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      handler = null;
      pending.clear();
    }
    releaseWritten();
  }

  private void releaseWritten() {
    ByteBuf b;
    while ((b = written.poll()) != null) {
      b.release();
    }
  }

  @Override
  public String toString() {
    return "TunFake(" + name + ")";
  }
}
