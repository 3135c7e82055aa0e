package org.meshsec.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.meshsec.core.datapath.DataPath;
import org.meshsec.core.packet.Checksums;
import org.meshsec.core.spd.Spd;
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
 * The inbound path of one SA with and without the decrypt pool ({@code [datapath]
 * decrypt_workers}): one operation is one UDP read batch of {@code batch} ESP packets of {@code
 * size} bytes (AES-128-GCM, tunnel mode) through {@link DataPath#inbound} and {@link
 * DataPath#inboundReadComplete}, until every packet is delivered. With 1 worker the receiving
 * thread opens them all; with 2 one helper thread opens in parallel with it and the delivery keeps
 * the order. The SA's replay window is off so that the same packets can be opened again; the
 * receiving thread copies each into a pooled buffer as a socket read would. Packets per second =
 * ops/s x {@code batch}. Needs as many idle cores as workers to mean anything.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar DecryptPoolBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DecryptPoolBenchmark {
  static final InetSocketAddress FROM = new InetSocketAddress(BenchTunnel.A, 4500);

  @Param({"1", "2"})
  public int workers;

  @Param({"1400"})
  public int size;

  @Param({"32"})
  public int batch;

  private final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private final List<byte[]> sealed = new ArrayList<>();
  private final AtomicLong delivered = new AtomicLong();
  private DataPath b;
  private long expected;

  @Setup(Level.Trial)
  public void setup() {
    DaemonBuffers.require();
    BenchTunnel t = new BenchTunnel(0);
    DataPath a =
        DataPath.builder(t.spdA, t.sadA)
            .allocator(alloc)
            .espOut(
                (esp, peer, port) -> {
                  sealed.add(ByteBufUtil.getBytes(esp));
                  esp.release();
                })
            .innerOut(ByteBuf::release)
            .build();
    b =
        DataPath.builder(new Spd(), t.sadB)
            .allocator(alloc)
            .espOut((esp, peer, port) -> esp.release())
            .innerOut(
                ip -> {
                  ip.release();
                  delivered.incrementAndGet();
                })
            .decryptWorkers(workers)
            .build();
    Random rnd = new Random(1);
    for (int i = 0; i < batch; i++) {
      ByteBuf ip = alloc.directBuffer(DataPath.HEADROOM + size + DataPath.TAILROOM);
      ip.writerIndex(DataPath.HEADROOM).readerIndex(DataPath.HEADROOM);
      int at = ip.writerIndex();
      ip.writeInt(0x45000000 | size).writeInt(0x12344000).writeInt(0x40110000);
      ip.writeInt(0x0a00000a).writeInt(0x0a00010a);
      Checksums.setIpv4HeaderChecksum(ip, at);
      ip.writeInt((40000 << 16) | 5201).writeInt((size - 20) << 16); // UDP, checksum 0
      byte[] data = new byte[size - 28];
      rnd.nextBytes(data);
      ip.writeBytes(data);
      a.outbound(ip);
    }
    if (sealed.size() != batch) {
      throw new IllegalStateException("sealed " + sealed.size() + ": " + a.stats());
    }
    if (run() != batch) {
      throw new IllegalStateException("not every packet opened: " + b.stats());
    }
  }

  private long run() {
    long before = delivered.get();
    for (byte[] esp : sealed) {
      ByteBuf buf = alloc.directBuffer(esp.length);
      buf.writeBytes(esp);
      b.inbound(buf, FROM);
    }
    b.inboundReadComplete();
    expected = before + batch;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (delivered.get() < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("packets lost in the pool: " + b.stats());
      }
      Thread.onSpinWait();
    }
    return delivered.get() - before;
  }

  @Benchmark
  public long openBatch() {
    return run();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    b.close();
  }
}
