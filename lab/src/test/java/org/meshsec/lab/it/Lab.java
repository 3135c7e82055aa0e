package org.meshsec.lab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.meshsec.lab.netns.Jvm;
import org.meshsec.lab.netns.Netns;
import org.meshsec.lab.netns.TwoNodeTopology;
import org.meshsec.lab.tools.TcpSend;
import org.meshsec.lab.tools.TcpSink;
import org.meshsec.lab.tools.UdpEcho;
import org.meshsec.lab.tools.UdpSweep;
import org.meshsec.tun.exec.Background;
import org.meshsec.tun.exec.ExecResult;

/**
 * One integration-test setup: a {@link TwoNodeTopology} (namespaces named {@code
 * msit-<role>-<pid>-<hex>}, removed on close -- also when the test failed, and from a shutdown hook
 * if the JVM dies), a private directory with the nodes' configurations and a shared secrets file,
 * the manual SA keys (random per lab, so a test can forge packets with them), the daemons, and the
 * traffic helpers that run the {@code org.meshsec.lab.tools} in the namespaces as child JVMs.
 *
 * <p>Not thread-safe; one per test (class).
 */
final class Lab implements AutoCloseable {
  static final String PREFIX = "msit";
  static final Duration TOOL_TIMEOUT = Duration.ofSeconds(120);
  static final String A4 = "192.0.2.1";
  static final String B4 = "192.0.2.2";
  static final String A6 = "2001:db8:1::1";
  static final String B6 = "2001:db8:1::2";

  private static final SecureRandom RANDOM = new SecureRandom();

  final TwoNodeTopology topo;
  final Path dir;
  private final Map<String, String> keys = new LinkedHashMap<>();
  private final List<NamespaceDaemon> nodes = new ArrayList<>();
  private int nextSpi = 0x1000;

  /**
   * The SPIs and key names of a mirrored pair of SAs: A-to-B travels under {@code spiAb} with key
   * {@code keyAb} (A's outbound SA, B's inbound SA), B-to-A under {@code spiBa}.
   */
  record Pair(String name, int spiAb, int spiBa, String keyAb, String keyBa) {}

  private Lab(TwoNodeTopology topo, Path dir) {
    this.topo = topo;
    this.dir = dir;
  }

  /** Builds the topology (after removing what a killed earlier run left behind). */
  static Lab create(boolean withLans) throws IOException {
    Netns.cleanupStale(PREFIX);
    TwoNodeTopology t = TwoNodeTopology.builder().prefix(PREFIX).withLans(withLans).build();
    try {
      Path d =
          Files.createTempDirectory(
              "meshsec-it-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      return new Lab(t, d);
    } catch (IOException | RuntimeException e) {
      t.close();
      throw e;
    }
  }

  Netns a() {
    return topo.a();
  }

  Netns b() {
    return topo.b();
  }

  Netns aHost() {
    return topo.aHost();
  }

  Netns bHost() {
    return topo.bHost();
  }

  /** Adds a named key (hex) to the shared secrets file, e.g. a pre-shared key for IKE. */
  void secret(String name, String hex) {
    keys.put(name, hex);
  }

  /** The hex key material (20 bytes: AES-128-GCM key and salt) behind a key name. */
  byte[] key(String name) {
    return HexFormat.of().parseHex(keys.get(name));
  }

  /**
   * Adds a PROTECT policy (direction both) and its two manual SAs to {@code a} and the mirror image
   * to {@code b}, with fresh SPIs and keys.
   *
   * @param aSide A's side of the selector (src on A)
   * @param bSide B's side
   * @param mode "tunnel" or "transport"
   * @param v6Underlay whether the peers talk over the IPv6 underlay
   * @param policyExtra more TOML lines for both policies (e.g. "priority = 100"), or ""
   * @param inSaExtra more TOML lines for both inbound SAs (e.g. "replay_window = 0"), or ""
   */
  Pair protect(
      String name,
      NodeConf a,
      NodeConf b,
      String aSide,
      String bSide,
      String mode,
      boolean v6Underlay,
      String policyExtra,
      String inSaExtra) {
    int spiAb = nextSpi++;
    int spiBa = nextSpi++;
    Pair p = new Pair(name, spiAb, spiBa, name + "-ab", name + "-ba");
    keys.put(p.keyAb(), randomHex(20));
    keys.put(p.keyBa(), randomHex(20));
    String aAddr = v6Underlay ? A6 : A4;
    String bAddr = v6Underlay ? B6 : B4;
    a.raw(policy(name, aSide, bSide, mode, bAddr, aAddr, policyExtra));
    a.raw(sa(name + "-out", spiAb, "out", name, p.keyAb(), ""));
    a.raw(sa(name + "-in", spiBa, "in", name, p.keyBa(), inSaExtra));
    b.raw(policy(name, bSide, aSide, mode, aAddr, bAddr, policyExtra));
    b.raw(sa(name + "-out", spiBa, "out", name, p.keyBa(), ""));
    b.raw(sa(name + "-in", spiAb, "in", name, p.keyAb(), inSaExtra));
    return p;
  }

  private static String policy(
      String name, String src, String dst, String mode, String peer, String local, String extra) {
    return """
        [[policy]]
        name = "%s"
        direction = "both"
        src = "%s"
        dst = "%s"
        action = "protect"
        mode = "%s"
        peer = "%s"
        local = "%s"
        %s"""
        .formatted(name, src, dst, mode, peer, local, extra);
  }

  private static String sa(
      String name, int spi, String direction, String policy, String key, String extra) {
    return """
        [[sa]]
        name = "%s"
        spi = "0x%x"
        direction = "%s"
        policy = "%s"
        key = "%s"
        %s"""
        .formatted(name, spi, direction, policy, key, extra);
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** Writes {@code c} as {@code <name>.toml} and the shared secrets file (mode 0600). */
  Path write(NodeConf c) throws IOException {
    StringBuilder s = new StringBuilder("[keys]\n");
    keys.forEach((k, v) -> s.append(k).append(" = \"").append(v).append("\"\n"));
    Path secrets = dir.resolve("secrets.toml");
    Files.writeString(secrets, s);
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    Path file = dir.resolve(c.name + ".toml");
    // Write-then-rename, so a reload never reads a half-written file.
    Path tmp = dir.resolve(c.name + ".toml.tmp");
    Files.writeString(tmp, c.toml());
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  /** Writes both configurations and starts A and B in parallel. */
  NamespaceDaemon[] start(NodeConf ca, NodeConf cb) throws Exception {
    Path fa = write(ca);
    Path fb = write(cb);
    CompletableFuture<NamespaceDaemon> na = startAsync(ca.name, a(), fa);
    CompletableFuture<NamespaceDaemon> nb = startAsync(cb.name, b(), fb);
    try {
      return new NamespaceDaemon[] {na.get(), nb.get()};
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof Exception ex ? ex : e;
    }
  }

  /**
   * Writes {@code c} and starts it in {@code ns} with the control socket {@code socket} (a file in
   * the lab's directory when relative), waiting until it answers; stopped by {@link #close}.
   */
  NamespaceDaemon startIn(Netns ns, NodeConf c, String socket) throws Exception {
    return startIn(ns, c, socket, Map.of());
  }

  /** Like {@link #startIn(Netns, NodeConf, String)} with more environment variables. */
  NamespaceDaemon startIn(Netns ns, NodeConf c, String socket, Map<String, String> env)
      throws Exception {
    NamespaceDaemon n = NamespaceDaemon.start(c.name, ns, write(c), dir.resolve(socket), env);
    synchronized (nodes) {
      nodes.add(n);
    }
    return n;
  }

  /**
   * Writes {@code c} and runs it in {@code ns} with the control socket {@code socket}, expecting it
   * to refuse to start: returns what it printed, after checking that it exited non-zero.
   */
  String refusedIn(Netns ns, NodeConf c, String socket) throws Exception {
    org.meshsec.tun.exec.ExecResult r =
        NamespaceDaemon.runUntilExit(ns, write(c), dir.resolve(socket));
    String out = r.stdout() + r.stderr();
    assertTrue(r.exitCode() != 0, "exit " + r.exitCode() + ":\n" + out);
    return out;
  }

  private CompletableFuture<NamespaceDaemon> startAsync(String name, Netns ns, Path config) {
    Path socket = dir.resolve(name + ".sock");
    CompletableFuture<NamespaceDaemon> f =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return NamespaceDaemon.start(name, ns, config, socket);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
              }
            });
    return f.thenApply(
        n -> {
          synchronized (nodes) {
            nodes.add(n);
          }
          return n;
        });
  }

  // ---------------------------------------------------------------- traffic

  /** iputils ping: three echo requests, every one answered. */
  static void ping(Netns from, String to) throws IOException {
    ExecResult r =
        from.execAllowingFailure(
            Duration.ofSeconds(30), "ping", "-n", "-c", "3", "-i", "0.2", "-W", "5", to);
    assertEquals(
        0, r.exitCode(), "ping " + to + " from " + from.name() + ":\n" + r.stdout() + r.stderr());
    assertTrue(r.stdout().contains("3 received"), r.stdout());
  }

  /** What a TCP transfer reported. */
  record Transfer(long bytes, String sha256, String senderLine, String sinkLine) {}

  /**
   * Sends {@code size} bytes (K/M suffixes) over TCP from {@code from} to a sink on {@code
   * to}/{@code addr}:{@code port} and checks that the sink received them with the same SHA-256.
   */
  static Transfer tcp(Netns from, Netns to, String addr, int port, String size, long seed)
      throws IOException, InterruptedException {
    try (Background sink = startSink(to, addr, port)) {
      ExecResult send = send(from, addr, port, size, seed);
      return finish(sink, send);
    }
  }

  static Background startSink(Netns to, String addr, int port) throws IOException {
    return to.spawn(
        Jvm.tool(TcpSink.class, Integer.toString(port), "--bind", addr, "--timeout", "120000"));
  }

  /** Runs tcp-send (it retries a refused connect, so the sink may still be starting). */
  static ExecResult send(Netns from, String addr, int port, String size, long seed)
      throws IOException {
    return from.execAllowingFailure(
        TOOL_TIMEOUT,
        Jvm.tool(
            TcpSend.class,
            addr,
            Integer.toString(port),
            size,
            "--seed",
            Long.toString(seed),
            "--connect-timeout",
            "30000",
            "--timeout",
            "60000"));
  }

  static Transfer finish(Background sink, ExecResult send)
      throws IOException, InterruptedException {
    ExecResult got = sink.waitFor(TOOL_TIMEOUT);
    String all =
        "sender:\n" + send.stdout() + send.stderr() + "sink:\n" + got.stdout() + got.stderr();
    assertEquals(0, send.exitCode(), all);
    assertEquals(0, got.exitCode(), all);
    Matcher s = Pattern.compile("sent (\\d+) bytes sha256=([0-9a-f]{64}).*").matcher(send.stdout());
    Matcher r =
        Pattern.compile("received (\\d+) bytes sha256=([0-9a-f]{64}).*").matcher(got.stdout());
    assertTrue(s.find() && r.find(), all);
    assertEquals(s.group(1), r.group(1), all);
    assertEquals(s.group(2), r.group(2), "sha256 differs: " + all);
    System.out.println("[it] tcp " + s.group(0));
    return new Transfer(Long.parseLong(s.group(1)), s.group(2), s.group(0), r.group(0));
  }

  /** Sends every UDP payload size in [1, max] to an echo on {@code to} and checks each echo. */
  static String sweep(Netns from, Netns to, String addr, int port, int max)
      throws IOException, InterruptedException {
    try (Background echo =
        to.spawn(Jvm.tool(UdpEcho.class, Integer.toString(port), "--bind", addr))) {
      assertTrue(
          echo.awaitOutput("listening on", TOOL_TIMEOUT),
          "udp-echo: " + echo.stdout() + echo.stderr());
      ExecResult r =
          from.execAllowingFailure(
              TOOL_TIMEOUT,
              Jvm.tool(UdpSweep.class, addr, Integer.toString(port), "1", Integer.toString(max)));
      assertEquals(0, r.exitCode(), "udp-sweep to " + addr + ":\n" + r.stdout() + r.stderr());
      assertTrue(
          r.stdout().startsWith(max + " sizes ok (1.." + max + ")"), r.stdout() + r.stderr());
      System.out.println("[it] udp-sweep to " + addr + ": " + r.stdout().strip());
      return r.stdout().strip();
    }
  }

  @Override
  public void close() {
    synchronized (nodes) {
      for (NamespaceDaemon n : nodes) {
        n.close();
      }
    }
    topo.close();
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a leftover temp directory is harmless
    }
  }
}
