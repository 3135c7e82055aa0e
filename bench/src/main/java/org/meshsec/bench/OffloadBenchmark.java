package org.meshsec.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.meshsec.core.offload.GroCoalescer;
import org.meshsec.core.offload.GsoSegmenter;
import org.meshsec.core.packet.Checksums;
import org.meshsec.tun.VirtioNetHdr;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * TUN offload building blocks ({@code org.meshsec.core.offload}), on one thread:
 *
 * <ul>
 *   <li>{@code segment}: {@link GsoSegmenter#segment} of one TCP super-packet of {@value #PAYLOAD}
 *       payload bytes (as a TUN read with offloads returns it) into segments of {@code mss} bytes,
 *       written into pre-allocated buffers (headers copied, IP and TCP fields and both checksums
 *       computed);
 *   <li>{@code coalesce}: {@link GroCoalescer} merging those segments back into one super-packet
 *       (checksums of each segment verified, payload copied into a pooled 64 KB run buffer, which
 *       the sink releases).
 * </ul>
 *
 * The score is super-packets per second; the secondary result {@code bytes} is the payload rate in
 * bytes per second. With {@code -prof gc}, {@code gc.alloc.rate.norm} is the allocation per
 * super-packet: about zero for {@code segment}; about 104 bytes for {@code coalesce}, which is the
 * {@code PooledByteBuf} object of its run buffer: Netty 4.2 recycles those objects only on its own
 * {@code FastThreadLocalThread}s, and JMH's threads are plain ones (allocating and releasing a
 * pooled direct buffer costs 104 bytes on a plain thread and 0 on a FastThreadLocalThread, measured
 * with {@code ThreadMXBean.getCurrentThreadAllocatedBytes}). On the event loop that reads the TUN
 * device it is zero.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OffloadBenchmark {
  static final int PAYLOAD = 64_000;

  @Param({"4", "6"})
  public int version;

  @Param({"1448", "536"})
  public int mss;

  private ByteBuf superPacket;
  private int length;
  private ByteBuf[] out;
  private int outStart;
  private int segments;
  private GroCoalescer gro;
  private final Consumer<ByteBuf> sink = ByteBuf::release;

  /** Payload bytes processed, reported by JMH as a rate. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Bytes {
    public long bytes;
  }

  @Setup(Level.Trial)
  public void setup() {
    DaemonBuffers.require();
    PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    int ipHdr = version == 4 ? 20 : 40;
    int tcpHdr = 32;
    length = ipHdr + tcpHdr + PAYLOAD;
    superPacket = alloc.directBuffer(VirtioNetHdr.LENGTH + length);
    int gsoType = version == 4 ? VirtioNetHdr.GSO_TCPV4 : VirtioNetHdr.GSO_TCPV6;
    superPacket.writeZero(VirtioNetHdr.LENGTH);
    VirtioNetHdr.set(
        superPacket, 0, VirtioNetHdr.F_NEEDS_CSUM, gsoType, ipHdr + tcpHdr, mss, ipHdr, 16);
    Random rnd = new Random(1);
    int ip = VirtioNetHdr.LENGTH;
    if (version == 4) {
      superPacket.writeInt(0x45000000 | length).writeInt(0x12344000).writeInt(0x40060000);
      superPacket.writeInt(0x0a000001).writeInt(0x0a000002);
      Checksums.setIpv4HeaderChecksum(superPacket, ip);
    } else {
      superPacket.writeInt(0x60000000).writeShort(length - 40).writeByte(6).writeByte(64);
      for (int i = 0; i < 8; i++) {
        superPacket.writeInt(0xfd000000 + i);
      }
    }
    superPacket.writeInt((40000 << 16) | 5201).writeInt(rnd.nextInt()).writeInt(rnd.nextInt());
    superPacket.writeShort(0x8010).writeShort(512).writeShort(0).writeShort(0);
    superPacket.writeInt(0x0101080a).writeInt(rnd.nextInt()).writeInt(rnd.nextInt());
    byte[] data = new byte[PAYLOAD];
    rnd.nextBytes(data);
    superPacket.writeBytes(data);
    superPacket.setShort(
        ip + ipHdr + 16,
        Checksums.fold(Checksums.pseudoHeaderSum(superPacket, ip, 6, length - ipHdr)));

    segments = (PAYLOAD + mss - 1) / mss;
    outStart = 64; // headroom, as for ESP
    out = new ByteBuf[segments];
    for (int i = 0; i < segments; i++) {
      out[i] = alloc.directBuffer(outStart + ipHdr + tcpHdr + mss + 64);
    }
    gro = new GroCoalescer(alloc, 8);
    if (GsoSegmenter.segment(superPacket, 0, length, resetOut(), 0) != segments) {
      throw new IllegalStateException("segmenter refused the benchmark's super-packet");
    }
  }

  private ByteBuf[] resetOut() {
    for (ByteBuf b : out) {
      b.setIndex(outStart, outStart);
    }
    return out;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    superPacket.release();
    for (ByteBuf b : out) {
      b.release();
    }
    if (gro.passedThrough() != 0) {
      throw new IllegalStateException("coalescer passed " + gro.passedThrough() + " through");
    }
  }

  @Benchmark
  public int segment(Bytes bytes) {
    bytes.bytes += PAYLOAD;
    return GsoSegmenter.segment(superPacket, 0, length, resetOut(), 0);
  }

  /**
   * Coalesces the segments written in setup: each is retained first, since the coalescer releases
   * what it merges, and its reader index rewound.
   */
  @Benchmark
  public long coalesce(Bytes bytes) {
    bytes.bytes += PAYLOAD;
    for (ByteBuf b : out) {
      b.retain();
      b.readerIndex(outStart);
      gro.add(b, sink);
    }
    gro.flush(sink);
    return gro.superPackets();
  }
}
