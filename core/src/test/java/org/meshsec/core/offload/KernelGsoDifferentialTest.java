package org.meshsec.core.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.meshsec.core.packet.Checksums;
import org.meshsec.core.packet.PacketInfo;
import org.meshsec.tun.TunDevice;
import org.meshsec.tun.TunOffload;
import org.meshsec.tun.TunOptions;
import org.meshsec.tun.VirtioNetHdr;
import org.meshsec.tun.exec.Commands;

/**
 * The segmenter against the kernel's own GSO. In a fresh network namespace with forwarding on, a
 * super-packet (virtio_net_hdr with NEEDS_CSUM and a partial pseudo-header checksum, exactly the
 * form a TUN read with offloads returns; {@code TunOffloadKernelTest} checks that form on real
 * reads) is written into TUN device A, opened with offloads; the kernel forwards it to TUN device
 * B, opened without offloads, so it must segment it in software ({@code tcp_gso_segment} and {@code
 * skb_checksum_help}) before B's queue; the segments read from B are compared byte for byte with
 * {@link GsoSegmenter}'s output for the same super-packet, after the one change forwarding makes
 * (TTL / hop limit minus one). This covers every field: IPv4 identification, lengths, header
 * checksum, sequence numbers, flags and TCP checksums. Needs root and iproute2; run with {@code
 * -Pfull}.
 */
@Tag("netns")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelGsoDifferentialTest {
  private static final Duration IP_TIMEOUT = Duration.ofSeconds(10);

  private String ns;
  private TunDevice a;
  private TunDevice b;
  private byte[] net4;

  @BeforeAll
  void setUp() throws IOException {
    String missing = missingPrecondition();
    if (missing != null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("kernel GSO test cannot run in CI: " + missing);
      }
      Assumptions.abort("kernel GSO test skipped: " + missing);
    }
    String id = HexFormat.of().formatHex(randomBytes(4));
    ns = "msg" + id;
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    net4 = new byte[] {10, (byte) (100 + rnd.nextInt(100)), (byte) rnd.nextInt(128), 0};
    ip("netns", "add", ns);
    a = TunDevice.open(TunOptions.builder("mga" + id).vnetHdr(true).build());
    b = TunDevice.open(TunOptions.builder("mgb" + id).build());
    assertTrue(a.offloads().contains(TunOffload.TSO4), a.offloads().toString());
    for (TunDevice d : List.of(a, b)) {
      ip("link", "set", d.name(), "netns", ns);
      ip("-n", ns, "link", "set", d.name(), "up");
    }
    // A carries the sources (x.y.z.0/25 and fd00::1:0/112), B the destinations (the upper half)
    ip("-n", ns, "addr", "add", addr4(1) + "/25", "dev", a.name());
    ip("-n", ns, "addr", "add", addr4(129) + "/25", "dev", b.name());
    ip("-n", ns, "-6", "addr", "add", addr6(1) + "/112", "dev", a.name(), "nodad");
    ip("-n", ns, "-6", "addr", "add", addr6(0x10001) + "/112", "dev", b.name(), "nodad");
    Commands.run(
        IP_TIMEOUT,
        List.of(
            "ip",
            "netns",
            "exec",
            ns,
            "sysctl",
            "-q",
            "-w",
            "net.ipv4.ip_forward=1",
            "net.ipv6.conf.all.forwarding=1",
            "net.ipv4.conf.all.rp_filter=0",
            "net.ipv4.conf." + a.name() + ".rp_filter=0"));
  }

  @AfterAll
  void tearDown() throws IOException {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
    if (ns != null) {
      Commands.runAllowingFailure(IP_TIMEOUT, List.of("ip", "netns", "del", ns));
    }
  }

  private static String missingPrecondition() {
    if (!Files.exists(Path.of("/dev/net/tun"))) {
      return "/dev/net/tun is missing";
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      return "not root";
    }
    return null;
  }

  private static byte[] randomBytes(int n) {
    byte[] r = new byte[n];
    ThreadLocalRandom.current().nextBytes(r);
    return r;
  }

  private String addr4(int host) {
    return (net4[0] & 0xFF) + "." + (net4[1] & 0xFF) + "." + (net4[2] & 0xFF) + "." + host;
  }

  private String addr6(int host) {
    return "fd00:"
        + Integer.toHexString(net4[1] & 0xFF)
        + ":"
        + Integer.toHexString(net4[2] & 0xFF)
        + "::"
        + Integer.toHexString(host >>> 16)
        + ":"
        + Integer.toHexString(host & 0xFFFF);
  }

  private static void ip(String... args) throws IOException {
    List<String> argv = new ArrayList<>(List.of("ip"));
    argv.addAll(List.of(args));
    Commands.run(IP_TIMEOUT, argv);
  }

  static Stream<SuperPackets.Spec> cases() {
    int ack = SuperPackets.ACK;
    int psh = GsoSegmenter.TCP_PSH;
    int fin = GsoSegmenter.TCP_FIN;
    int cwr = GsoSegmenter.TCP_CWR;
    return Stream.of(
        new SuperPackets.Spec(4, 0, 12, 1448, 14480, ack, 1),
        new SuperPackets.Spec(4, 0, 12, 1448, 10001, ack | psh, 2),
        new SuperPackets.Spec(4, 8, 0, 537, 4321, ack | psh | fin, 3),
        new SuperPackets.Spec(4, 0, 20, 1001, 60000, ack, 4),
        new SuperPackets.Spec(4, 0, 12, 1000, 3500, ack | cwr | psh, 5),
        new SuperPackets.Spec(6, 0, 12, 1428, 14280, ack, 6),
        new SuperPackets.Spec(6, 0, 12, 1001, 7777, ack | psh | fin, 7),
        new SuperPackets.Spec(6, 0, 0, 333, 3000, ack | cwr, 8),
        new SuperPackets.Spec(6, 0, 32, 1300, 63000, ack | psh, 9));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void segmentsEqualTheKernels(SuperPackets.Spec spec) throws Exception {
    ByteBuf sup = SuperPackets.build(spec);
    ByteBuf[] ours = null;
    List<ByteBuf> theirs = new ArrayList<>();
    try {
      retarget(sup, spec.version());
      int length = sup.readableBytes() - VirtioNetHdr.LENGTH;
      int n = (spec.payload() + spec.gsoSize() - 1) / spec.gsoSize();

      // the kernel's segments
      ByteBuf toWrite = Unpooled.directBuffer(sup.readableBytes());
      toWrite.writeBytes(sup, sup.readerIndex(), sup.readableBytes());
      assertEquals(org.meshsec.tun.WriteResult.WRITTEN, a.write(toWrite));
      int port = sup.getUnsignedShort(VirtioNetHdr.LENGTH + ipHeaderLength(spec));
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (theirs.size() < n && System.nanoTime() < deadline) {
        ByteBuf dst = Unpooled.directBuffer(2048);
        int r = b.read(0, dst);
        if (r > 0 && isOurs(dst, port)) {
          theirs.add(dst);
        } else {
          dst.release();
          if (r == 0) {
            Thread.sleep(2);
          }
        }
      }
      assertEquals(n, theirs.size(), "segments from the kernel for " + spec);

      // ours, for the packet as forwarded: TTL / hop limit one less
      int ip = VirtioNetHdr.LENGTH;
      if (spec.version() == 4) {
        sup.setByte(ip + 8, sup.getUnsignedByte(ip + 8) - 1);
      } else {
        sup.setByte(ip + 7, sup.getUnsignedByte(ip + 7) - 1);
      }
      ours = SuperPackets.outBuffers(n, 2048);
      assertEquals(n, GsoSegmenter.segment(sup, 0, length, ours, 0));
      for (int i = 0; i < n; i++) {
        ByteBuf kernel = theirs.get(i);
        ByteBuf mine = ours[i];
        if (!kernel.equals(mine)) {
          fail(
              "segment "
                  + i
                  + " of "
                  + n
                  + " for "
                  + spec
                  + " differs "
                  + firstDifference(kernel, mine));
        }
      }
    } finally {
      sup.release();
      if (ours != null) {
        SuperPackets.release(ours);
      }
      theirs.forEach(ByteBuf::release);
      while (true) {
        ByteBuf dst = Unpooled.directBuffer(2048);
        int r = b.read(0, dst);
        dst.release();
        if (r == 0) {
          break;
        }
      }
    }
  }

  /** Where two packets first differ, with the 16 bytes from there in each. */
  private static String firstDifference(ByteBuf kernel, ByteBuf mine) {
    int n = Math.min(kernel.readableBytes(), mine.readableBytes());
    int at = 0;
    while (at < n
        && kernel.getByte(kernel.readerIndex() + at) == mine.getByte(mine.readerIndex() + at)) {
      at++;
    }
    int k = Math.min(16, kernel.readableBytes() - at);
    int m = Math.min(16, mine.readableBytes() - at);
    return "at byte "
        + at
        + " (lengths "
        + kernel.readableBytes()
        + " / "
        + mine.readableBytes()
        + "): kernel "
        + ByteBufUtil.hexDump(kernel, kernel.readerIndex() + at, k)
        + ", ours "
        + ByteBufUtil.hexDump(mine, mine.readerIndex() + at, m);
  }

  private static int ipHeaderLength(SuperPackets.Spec spec) {
    return spec.version() == 4 ? 20 + spec.ipOptions() : 40;
  }

  /** Whether {@code p} is a TCP segment with source port {@code port}. */
  private static boolean isOurs(ByteBuf p, int port) {
    PacketInfo info = new PacketInfo();
    return info.parse(p) == org.meshsec.core.packet.ParseStatus.OK
        && info.protocol == PacketInfo.PROTO_TCP
        && p.getUnsignedShort(p.readerIndex() + info.l4Offset) == port;
  }

  /**
   * Puts the namespace's addresses (A's side as source, B's as destination) and a TTL of 64 into
   * the generated super-packet, fixing its IPv4 header checksum and the partial TCP checksum.
   */
  private void retarget(ByteBuf sup, int version) throws IOException {
    int ip = VirtioNetHdr.LENGTH;
    if (version == 4) {
      sup.setBytes(ip + 12, java.net.InetAddress.getByName(addr4(2)).getAddress());
      sup.setBytes(ip + 16, java.net.InetAddress.getByName(addr4(130)).getAddress());
      sup.setByte(ip + 8, 64);
      Checksums.setIpv4HeaderChecksum(sup, ip);
    } else {
      sup.setBytes(ip + 8, java.net.InetAddress.getByName(addr6(2)).getAddress());
      sup.setBytes(ip + 24, java.net.InetAddress.getByName(addr6(0x10002)).getAddress());
      sup.setByte(ip + 7, 64);
    }
    int ipHdr = VirtioNetHdr.csumStart(sup, 0);
    int l4Length = sup.readableBytes() - VirtioNetHdr.LENGTH - ipHdr;
    sup.setShort(
        ip + ipHdr + 16,
        Checksums.fold(Checksums.pseudoHeaderSum(sup, ip, PacketInfo.PROTO_TCP, l4Length)));
  }
}
