package org.meshsec.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.meshsec.tun.exec.Background;
import org.meshsec.tun.exec.Commands;

/**
 * TUN offloads against the real kernel. Two devices opened with {@link TunOptions#vnetHdr()}: A in
 * the test JVM's namespace, B moved into a fresh network namespace; a relay in the test copies
 * every packet, virtio_net_hdr included, from one to the other. A TCP client in the namespace sends
 * several megabytes to a server in the JVM: the packets read from B must include TCP super-packets
 * (gso_type TCPV4/TCPV6, gso_size the MSS, NEEDS_CSUM with the checksum field at csum_start +
 * csum_offset), and writing them unchanged into A must deliver every byte. Needs root, iproute2 and
 * OpenBSD nc; run with {@code -Pfull}.
 */
@Tag("netns")
class TunOffloadKernelTest {
  private static final int BYTES = 4_000_000;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);

  /** The virtio_net_hdr fields and length of one packet read from B. */
  record Read(
      int flags,
      int gsoType,
      int gsoSize,
      int csumStart,
      int csumOffset,
      int length,
      int ipVersion) {}

  @BeforeEach
  void preconditions() {
    KernelTestSupport.requireTunAndNetAdmin();
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
    assertEquals(0, alloc.metric().usedDirectMemory(), "read buffers leaked");
  }

  private TunDevice open(String name) throws IOException {
    TunDevice dev = TunDevice.open(TunOptions.builder(name).allocator(alloc).vnetHdr(true).build());
    cleanup.add(dev);
    return dev;
  }

  private static void ip(String... args) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add("ip");
    argv.addAll(List.of(args));
    Commands.run(Duration.ofSeconds(10), argv);
  }

  private String netns() throws IOException {
    String ns = KernelTestSupport.uniqueName();
    ip("netns", "add", ns);
    cleanup.add(
        () ->
            Commands.runAllowingFailure(Duration.ofSeconds(10), List.of("ip", "netns", "del", ns)));
    return ns;
  }

  /** Whether the running kernel's release (os.version, e.g. 6.18.4-...) is at least major.minor. */
  private static boolean kernelAtLeast(int major, int minor) {
    String[] v = System.getProperty("os.version", "0.0").split("[.-]");
    try {
      int ma = Integer.parseInt(v[0]);
      int mi = v.length > 1 ? Integer.parseInt(v[1]) : 0;
      return ma > major || (ma == major && mi >= minor);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  @Test
  void kernelGrantsChecksumAndTsoOffloads() throws Exception {
    TunDevice dev = open(KernelTestSupport.uniqueName());
    Set<TunOffload> granted = dev.offloads();
    assertTrue(
        granted.containsAll(Set.of(TunOffload.CSUM, TunOffload.TSO4, TunOffload.TSO6)),
        granted.toString());
    if (kernelAtLeast(6, 2)) {
      assertTrue(
          granted.containsAll(Set.of(TunOffload.USO4, TunOffload.USO6)),
          "USO is in Linux 6.2 and later: " + granted);
    }
    TunDevice plain =
        TunDevice.open(TunOptions.builder(KernelTestSupport.uniqueName()).allocator(alloc).build());
    cleanup.add(plain);
    assertEquals(Set.of(), plain.offloads());
  }

  @Test
  void ipv4TcpTransferComesOutAsSuperPackets() throws Exception {
    byte[] net = KernelTestSupport.randomNet4();
    transfer(
        KernelTestSupport.host4(net, 1),
        KernelTestSupport.host4(net, 2),
        24,
        VirtioNetHdr.GSO_TCPV4);
  }

  @Test
  void ipv6TcpTransferComesOutAsSuperPackets() throws Exception {
    byte[] net = KernelTestSupport.randomNet6();
    transfer(
        KernelTestSupport.host6(net, 1),
        KernelTestSupport.host6(net, 2),
        64,
        VirtioNetHdr.GSO_TCPV6);
  }

  private void transfer(InetAddress local, InetAddress remote, int prefix, int gsoType)
      throws Exception {
    String ns = netns(); // deleted after the devices are closed
    TunDevice a = open(KernelTestSupport.uniqueName());
    TunDevice b = open(KernelTestSupport.uniqueName());
    LinkConfigurator link = new LinkConfigurator(a.name());
    cleanup.add(link);
    link.addAddress(local, prefix);
    link.up();
    ip("link", "set", b.name(), "netns", ns);
    String family = local.getAddress().length == 4 ? "-4" : "-6";
    List<String> addr =
        new ArrayList<>(
            List.of(
                "-n",
                ns,
                family,
                "addr",
                "add",
                remote.getHostAddress() + "/" + prefix,
                "dev",
                b.name()));
    if (family.equals("-6")) {
      addr.add("nodad");
    }
    ip(addr.toArray(String[]::new));
    ip("-n", ns, "link", "set", b.name(), "up");

    ConcurrentLinkedQueue<Read> fromB = new ConcurrentLinkedQueue<>();
    a.start(
        (queue, packets) -> {
          for (ByteBuf p : packets) {
            b.write(p);
          }
        });
    b.start(
        (queue, packets) -> {
          for (ByteBuf p : packets) {
            int h = p.readerIndex();
            fromB.add(
                new Read(
                    VirtioNetHdr.flags(p, h),
                    VirtioNetHdr.gsoType(p, h),
                    VirtioNetHdr.gsoSize(p, h),
                    VirtioNetHdr.csumStart(p, h),
                    VirtioNetHdr.csumOffset(p, h),
                    p.readableBytes() - VirtioNetHdr.LENGTH,
                    p.getUnsignedByte(h + VirtioNetHdr.LENGTH) >>> 4));
            a.write(p);
          }
        });

    long received = 0;
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(local, 0));
      server.setSoTimeout((int) TIMEOUT.toMillis());
      String target = local.getHostAddress();
      try (Background client =
          Commands.start(
              List.of(
                  "ip",
                  "netns",
                  "exec",
                  ns,
                  "sh",
                  "-c",
                  "head -c "
                      + BYTES
                      + " /dev/zero | nc -N "
                      + target
                      + " "
                      + server.getLocalPort()),
              true)) {
        try (Socket s = server.accept()) {
          s.setSoTimeout((int) TIMEOUT.toMillis());
          InputStream in = s.getInputStream();
          byte[] buf = new byte[65536];
          for (int n; (n = in.read(buf)) > 0; ) {
            received += n;
          }
        }
        client.waitFor(TIMEOUT);
      }
    }
    assertEquals(BYTES, received, "bytes delivered through the relay");

    int mtu = 1500;
    List<Read> supers = fromB.stream().filter(r -> r.gsoType() != VirtioNetHdr.GSO_NONE).toList();
    assertTrue(!supers.isEmpty(), "no super-packet among " + fromB.size() + " reads");
    int ipHeader = gsoType == VirtioNetHdr.GSO_TCPV4 ? 20 : 40;
    for (Read r : supers) {
      assertEquals(gsoType, r.gsoType(), r.toString());
      assertEquals(ipHeader == 20 ? 4 : 6, r.ipVersion(), r.toString());
      assertTrue(r.gsoSize() > 0 && r.gsoSize() <= mtu - ipHeader - 20, r.toString());
      assertEquals(VirtioNetHdr.F_NEEDS_CSUM, r.flags() & VirtioNetHdr.F_NEEDS_CSUM, r.toString());
      assertEquals(ipHeader, r.csumStart(), r.toString());
      assertEquals(16, r.csumOffset(), r.toString());
    }
    assertTrue(
        supers.stream().anyMatch(r -> r.length() > mtu),
        "no read longer than the MTU: " + supers.get(0));
  }
}
