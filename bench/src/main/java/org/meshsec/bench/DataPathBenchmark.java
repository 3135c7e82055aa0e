package org.meshsec.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.meshsec.core.datapath.DataPath;
import org.meshsec.core.packet.Checksums;
import org.meshsec.core.spd.Spd;
import org.meshsec.tun.VirtioNetHdr;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole packet path with TUN offloads, both ends in one thread: a 64 KB TCP super-packet as
 * read from a TUN device with IFF_VNET_HDR goes through {@link DataPath#fromTun} on node A
 * (segmentation, SPD, SA, seal, ESP out), each ESP packet through {@link DataPath#inbound} on node
 * B (SAD, open, policy check, GRO) and the read batch ends ({@link DataPath#inboundBatchEnd}): one
 * operation is one super-packet of {@code 64000 / mss} segments. Run with {@code -prof gc}: {@code
 * gc.alloc.rate.norm} divided by the segments is the heap allocated per packet.
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar DataPathBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DataPathBenchmark {
  static final int PAYLOAD = 64_000;
  static final InetSocketAddress FROM_A = new InetSocketAddress(BenchTunnel.A, 4500);

  @Param({"1398"})
  public int mss;

  private final PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private ByteBuf superPacket;
  private DataPath a;
  private DataPath b;
  private final List<ByteBuf> wire = new ArrayList<>();
  private long delivered;

  @Setup(Level.Trial)
  public void setup() {
    DaemonBuffers.require();
    BenchTunnel t = new BenchTunnel(1024);
    a =
        DataPath.builder(t.spdA, t.sadA)
            .allocator(alloc)
            .espOut((esp, peer, port) -> wire.add(esp))
            .innerOut(ByteBuf::release)
            .build();
    b =
        DataPath.builder(new Spd(), t.sadB)
            .allocator(alloc)
            .espOut((esp, peer, port) -> esp.release())
            .innerOut(
                ip -> {
                  delivered++;
                  ip.release();
                })
            .build();
    a.tunVnetHdr(true);
    b.tunVnetHdr(true);

    int ipHdr = 20;
    int tcpHdr = 20;
    int length = ipHdr + tcpHdr + PAYLOAD;
    superPacket = alloc.directBuffer(VirtioNetHdr.LENGTH + length);
    superPacket.writeZero(VirtioNetHdr.LENGTH);
    VirtioNetHdr.set(
        superPacket,
        0,
        VirtioNetHdr.F_NEEDS_CSUM,
        VirtioNetHdr.GSO_TCPV4,
        ipHdr + tcpHdr,
        mss,
        ipHdr,
        16);
    int ip = VirtioNetHdr.LENGTH;
    superPacket.writeInt(0x45000000 | length).writeInt(0x12344000).writeInt(0x40060000);
    superPacket.writeInt(0x0a00000a).writeInt(0x0a00010a);
    Checksums.setIpv4HeaderChecksum(superPacket, ip);
    Random rnd = new Random(1);
    superPacket.writeInt((40000 << 16) | 5201).writeInt(rnd.nextInt()).writeInt(rnd.nextInt());
    superPacket.writeShort(0x5010).writeShort(512).writeShort(0).writeShort(0);
    byte[] data = new byte[PAYLOAD];
    rnd.nextBytes(data);
    superPacket.writeBytes(data);
    superPacket.setShort(
        ip + ipHdr + 16,
        Checksums.fold(Checksums.pseudoHeaderSum(superPacket, ip, 6, length - ipHdr)));
    if (run() != (PAYLOAD + mss - 1) / mss) {
      throw new IllegalStateException("not every segment crossed: " + a.stats() + b.stats());
    }
  }

  /** One super-packet through both nodes; returns the ESP packets it became. */
  private int run() {
    int len = superPacket.readableBytes();
    ByteBuf read = alloc.directBuffer(DataPath.HEADROOM + len + DataPath.TAILROOM);
    read.setIndex(DataPath.HEADROOM, DataPath.HEADROOM);
    read.writeBytes(superPacket, superPacket.readerIndex(), len);
    a.fromTun(read);
    a.flush();
    int n = wire.size();
    for (int i = 0; i < n; i++) {
      b.inbound(wire.get(i), FROM_A);
    }
    wire.clear();
    b.inboundBatchEnd();
    return n;
  }

  @Benchmark
  public int superPacket() {
    return run();
  }
}
