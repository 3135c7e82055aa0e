package org.meshsec.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.meshsec.esp.EspContext;
import org.meshsec.esp.EspSaParams;
import org.meshsec.esp.EspStatus;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.crypto.CryptoEngines;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The copy that {@link EspBenchmark#open} does before each open, measured alone: one sealed
 * AES-128-GCM ESP packet of a {@code size}-byte payload ({@code size} + 34 to 37 bytes) copied from
 * a pooled direct buffer into another with {@code ByteBuf.writeBytes}, exactly as {@code open} does
 * it, cycling through the same ring of {@value EspBenchmark#RING} source packets. Subtracting this
 * time per operation from {@code open}'s gives the open proper (the AES-CBC suite's packets are up
 * to 20 bytes longer, which changes the copy by well under a nanosecond).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BufferCopyBenchmark {

  @Param({"64", "512", "1400", "8192"})
  public int size;

  private final ByteBuf[] sealed = new ByteBuf[EspBenchmark.RING];
  private ByteBuf work;
  private int next;

  @Setup(Level.Trial)
  public void setup() {
    EspSuite s = EspSuite.AES128_GCM16;
    byte[] key = new byte[s.keyMaterialLength()];
    new Random(1).nextBytes(key);
    byte[] payload = new byte[size];
    new Random(2).nextBytes(payload);
    try (EspContext sender =
        EspContext.outbound(new EspSaParams(0x1000, s, key, false, 0), CryptoEngines.jca())) {
      int capacity = sender.headroom() + size + sender.tailroom();
      for (int i = 0; i < sealed.length; i++) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
        b.setIndex(sender.headroom(), sender.headroom()).writeBytes(payload);
        if (sender.seal(b, 4) != EspStatus.OK) {
          throw new IllegalStateException("seal failed in setup");
        }
        sealed[i] = b;
      }
      work = PooledByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    work.release();
    for (ByteBuf b : sealed) {
      b.release();
    }
  }

  /** The copy of {@link EspBenchmark#open}, alone. Returns the bytes copied. */
  @Benchmark
  public int copy() {
    ByteBuf src = sealed[next];
    next = (next + 1) & (EspBenchmark.RING - 1);
    ByteBuf b = work;
    b.clear().writeBytes(src, src.readerIndex(), src.readableBytes());
    return b.writerIndex();
  }
}
