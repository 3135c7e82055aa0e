package org.meshsec.core.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.meshsec.tun.LinkConfigurator;
import org.meshsec.tun.TunDevice;
import org.meshsec.tun.TunOptions;
import org.meshsec.tun.VirtioNetHdr;
import org.meshsec.tun.exec.Background;
import org.meshsec.tun.exec.Commands;

/**
 * The offload building blocks between two real TCP stacks. TUN device B, opened with offloads, is
 * moved into a fresh network namespace; TUN device A, without offloads, stays in the test JVM's. A
 * relay in the test moves packets between them the way the data path will: from B, every packet
 * (real super-packets from the kernel's TSO among them) is cut by {@link GsoSegmenter} and the
 * segments written to A; from A, every packet goes through {@link GroCoalescer} and what it emits
 * (super-packets of real segments, and the rest behind a zero header) is written to B. A few
 * megabytes are sent each way with OpenBSD nc in the namespace; every byte must arrive, the
 * segmenter must have cut super-packets and the coalescer must have merged segments, so the kernel
 * accepted both. Needs root, iproute2 and nc; run with {@code -Pfull}.
 */
@Tag("netns")
class OffloadRelayKernelTest {
  private static final int BYTES = 3_000_000;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);
  private final AtomicLong superPacketsCut = new AtomicLong();
  private final AtomicLong segmentsWritten = new AtomicLong();
  private final AtomicReference<String> relayError = new AtomicReference<>();
  private GroCoalescer gro;

  @BeforeEach
  void preconditions() {
    if (!Files.exists(Path.of("/dev/net/tun")) || !"root".equals(System.getProperty("user.name"))) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("kernel offload test cannot run in CI: needs root and /dev/net/tun");
      }
      Assumptions.abort("kernel offload test skipped: needs root and /dev/net/tun");
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
    assertEquals(0, alloc.metric().usedDirectMemory(), "buffers leaked");
  }

  private static void ip(String... args) throws IOException {
    List<String> argv = new ArrayList<>(List.of("ip"));
    argv.addAll(List.of(args));
    Commands.run(Duration.ofSeconds(10), argv);
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 6})
  void tcpBothWaysThroughTheSegmenterAndTheCoalescer(int version) throws Exception {
    byte[] random = new byte[4];
    ThreadLocalRandom.current().nextBytes(random);
    String id = HexFormat.of().formatHex(random);
    String ns = "mso" + id;
    ip("netns", "add", ns);
    cleanup.add(
        () ->
            Commands.runAllowingFailure(Duration.ofSeconds(10), List.of("ip", "netns", "del", ns)));
    TunDevice a = TunDevice.open(TunOptions.builder("moa" + id).allocator(alloc).build());
    cleanup.add(a);
    TunDevice b =
        TunDevice.open(TunOptions.builder("mob" + id).allocator(alloc).vnetHdr(true).build());
    cleanup.add(b);
    int x = 100 + ThreadLocalRandom.current().nextInt(100);
    int y = ThreadLocalRandom.current().nextInt(256);
    InetAddress local;
    InetAddress remote;
    int prefix;
    if (version == 4) {
      local = InetAddress.getByName("10." + x + "." + y + ".1");
      remote = InetAddress.getByName("10." + x + "." + y + ".2");
      prefix = 24;
    } else {
      local = InetAddress.getByName("fd00:" + Integer.toHexString(x) + ":" + y + "::1");
      remote = InetAddress.getByName("fd00:" + Integer.toHexString(x) + ":" + y + "::2");
      prefix = 64;
    }
    LinkConfigurator link = new LinkConfigurator(a.name());
    cleanup.add(link);
    link.addAddress(local, prefix);
    link.up();
    ip("link", "set", b.name(), "netns", ns);
    List<String> addr = new ArrayList<>(List.of("-n", ns, "addr", "add"));
    addr.add(remote.getHostAddress() + "/" + prefix);
    addr.addAll(List.of("dev", b.name()));
    if (version == 6) {
      addr.add("nodad");
    }
    ip(addr.toArray(String[]::new));
    ip("-n", ns, "link", "set", b.name(), "up");

    gro = new GroCoalescer(alloc, 8);
    a.start(
        (queue, packets) -> {
          for (ByteBuf p : packets) {
            gro.add(p, b::write);
          }
          gro.flush(b::write);
        });
    b.start(
        (queue, packets) -> {
          for (ByteBuf p : packets) {
            cutAndWrite(p, a);
          }
        });

    // namespace -> JVM: super-packets from B's TSO, segmented on the way to A
    long received = 0;
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(local, 0));
      server.setSoTimeout((int) TIMEOUT.toMillis());
      String cmd =
          "head -c "
              + BYTES
              + " /dev/zero | nc -N "
              + local.getHostAddress()
              + " "
              + server.getLocalPort();
      try (Background client =
          Commands.start(List.of("ip", "netns", "exec", ns, "sh", "-c", cmd), true)) {
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
    assertEquals(BYTES, received, "bytes from the namespace");
    assertEquals(null, relayError.get());
    assertTrue(superPacketsCut.get() > 0, "no super-packet was cut");
    assertTrue(segmentsWritten.get() > superPacketsCut.get());

    // JVM -> namespace: segments from A, coalesced on the way to B
    int port = 20000 + ThreadLocalRandom.current().nextInt(20000);
    String listen = "nc -l " + remote.getHostAddress() + " " + port + " | wc -c";
    try (Background server =
        Commands.start(List.of("ip", "netns", "exec", ns, "sh", "-c", listen), true)) {
      try (Socket s = connectWithRetry(new InetSocketAddress(remote, port))) {
        OutputStream out = s.getOutputStream();
        byte[] chunk = new byte[100_000];
        for (int sent = 0; sent < BYTES; sent += chunk.length) {
          out.write(chunk);
        }
        s.shutdownOutput();
        s.setSoTimeout((int) TIMEOUT.toMillis());
        s.getInputStream().read();
      }
      server.waitFor(TIMEOUT);
      assertEquals(BYTES, Long.parseLong(server.stdout().trim()), "bytes into the namespace");
    }
    assertEquals(null, relayError.get());
    // the coalescer is confined to A's reader thread: read its counters there
    long[] counts =
        a.eventLoop(0) != null
            ? a.eventLoop(0)
                .submit(
                    () -> new long[] {gro.superPackets(), gro.passedThrough(), gro.badChecksums()})
                .get()
            : new long[] {gro.superPackets(), gro.passedThrough(), gro.badChecksums()};
    assertTrue(counts[0] > 0, "nothing was coalesced: " + counts[1] + " passed through");
    assertEquals(0, counts[2], "segments with bad checksums");
  }

  /** Segments one packet read from B (virtio_net_hdr + packet) and writes the result to A. */
  private void cutAndWrite(ByteBuf p, TunDevice a) {
    try {
      int h = p.readerIndex();
      int length = p.readableBytes() - VirtioNetHdr.LENGTH;
      int gsoSize = VirtioNetHdr.gsoSize(p, h);
      boolean gso = VirtioNetHdr.gsoType(p, h) != VirtioNetHdr.GSO_NONE;
      int n = gso ? length / gsoSize + 1 : 1;
      ByteBuf[] out = new ByteBuf[n];
      for (int i = 0; i < n; i++) {
        out[i] = alloc.directBuffer(gso ? gsoSize + 200 : length);
      }
      int r = GsoSegmenter.segment(p, h, length, out, 0);
      if (r < 0) {
        relayError.compareAndSet(null, OffloadError.of(r) + " for " + VirtioNetHdr.toString(p, h));
        r = 0;
      } else if (gso) {
        superPacketsCut.incrementAndGet();
      }
      for (int i = 0; i < n; i++) {
        if (i < r) {
          segmentsWritten.incrementAndGet();
          a.write(out[i]);
        } else {
          out[i].release();
        }
      }
    } finally {
      p.release();
    }
  }

  private static Socket connectWithRetry(InetSocketAddress to) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      Socket s = new Socket();
      try {
        s.connect(to, 2000);
        return s;
      } catch (ConnectException e) {
        s.close();
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }
}
