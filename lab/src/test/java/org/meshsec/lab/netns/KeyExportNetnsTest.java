package org.meshsec.lab.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.cli.Main;
import org.meshsec.lab.pcap.Tcpdump;
import org.meshsec.lab.tools.Ping;
import org.meshsec.tun.exec.ExecResult;

/**
 * Key export for packet captures, checked with Wireshark itself: two daemons negotiate IKEv2 (the
 * first ping traps) while tcpdump captures the underlay; {@code meshsec sa export-keys} writes the
 * key tables of node a, and node b keeps a {@code key_log}. {@code tshark} (4.0, Debian 12) given
 * either table set through {@code -o uat:...} decrypts the IKE_AUTH exchange (its AUTH payloads
 * become visible) and the ESP packets (the pings inside are dissected), with no malformed packet.
 * Both an AES-GCM and an AES-CBC + HMAC-SHA-256 configuration run, since the two tables lay the
 * keys out differently for them. Needs root and tshark (skipped without, failed when CI=true).
 */
@Tag("netns")
class KeyExportNetnsTest {
  private static final Duration JVM_RUN = Duration.ofSeconds(90);
  private static final String PSK =
      "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

  @TempDir Path dir;

  @BeforeEach
  void preconditions() {
    assumeTrue(Netns.requireRoot("key export namespace test"));
    boolean tshark =
        Files.isExecutable(Path.of("/usr/bin/tshark"))
            || Files.isExecutable(Path.of("/usr/local/bin/tshark"));
    if (!tshark && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("tshark is not installed (.ci/run installs it); CI=true");
    }
    assumeTrue(tshark, "tshark is not installed");
  }

  static String config(
      String name,
      String self,
      String peerName,
      String peer,
      String lan,
      String far,
      String ike,
      String esp,
      String extraNode) {
    return """
        [node]
        name = "%s"
        secrets = "secrets.toml"
        address = "%s"
        %s

        [tun]
        name = "ms0"
        addresses = ["%s.1/24"]
        routes = ["%s.0/24"]

        [listen]
        address = ["%s"]

        [[peer]]
        name = "%s"
        address = "%s"
        auth = "psk"
        psk = "shared"
        ike = ["%s"]
        esp = ["%s"]
        start_action = "trap"

        [[policy]]
        name = "lan"
        direction = "both"
        src = "%s.0/24"
        dst = "%s.0/24"
        action = "protect"
        ike = "%s"
        """
        .formatted(
            name, self, extraNode, lan, far, self, peerName, peer, ike, esp, lan, far, peerName);
  }

  @Test
  void aesGcmCaptureDecryptsWithExportedAndLoggedKeys() throws Exception {
    run("aes128gcm16-prfsha256-x25519", "aes128gcm16");
  }

  @Test
  void aesCbcHmacCaptureDecryptsWithExportedAndLoggedKeys() throws Exception {
    run("aes256-sha256-prfsha256-x25519", "aes128-sha256");
  }

  private void run(String ike, String esp) throws Exception {
    Path s = dir.resolve("secrets.toml");
    Files.writeString(s, "");
    Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(s, "[keys]\nshared = \"" + PSK + "\"\n");
    Files.writeString(
        dir.resolve("a.toml"),
        config("a", "192.0.2.1", "b", "192.0.2.2", "10.9.0", "10.9.1", ike, esp, ""));
    Files.writeString(
        dir.resolve("b.toml"),
        config(
            "b",
            "192.0.2.2",
            "a",
            "192.0.2.1",
            "10.9.1",
            "10.9.0",
            ike,
            esp,
            "key_log = \"keylog-b\""));
    Path pcap = dir.resolve("ul.pcap");
    try (TwoNodeTopology t = TwoNodeTopology.create("msk", false);
        NodeProcess a =
            NodeProcess.start(
                t.a(), dir.resolve("a.toml"), dir.resolve("a.sock"), Duration.ofSeconds(30));
        NodeProcess b =
            NodeProcess.start(
                t.b(), dir.resolve("b.toml"), dir.resolve("b.sock"), Duration.ofSeconds(30));
        Tcpdump cap = Tcpdump.start(t.a(), TwoNodeTopology.UNDERLAY_DEV, pcap, "udp")) {
      ExecResult ping =
          t.a().exec(JVM_RUN, Jvm.tool(Ping.class, "10.9.1.1", "-c", "3", "-W", "5000"));
      assertTrue(ping.stdout().contains("3 transmitted, 3 received"), ping.stdout() + a.output());
      cap.stop(t.a(), "192.0.2.2");

      // meshsec sa export-keys --format wireshark DIR (in process, as root)
      Path export = dir.resolve("export");
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code =
          Main.execute(
              new PrintWriter(out),
              new PrintWriter(err),
              "sa",
              "export-keys",
              "--socket",
              a.socket().toString(),
              "--format",
              "wireshark",
              export.toString());
      assertEquals(0, code, out + " / " + err);
      assertTrue(err.toString().contains("warning"), "a warning on stderr: " + err);
      assertTrue(out.toString().contains("wrote 1 IKE SA and 2 ESP SA keys"), out.toString());
      assertMode(export, "rwx------");
      assertMode(export.resolve("ikev2_decryption_table"), "rw-------");
      assertMode(export.resolve("esp_sa"), "rw-------");
      assertDecrypts(pcap, export);

      // [node] key_log on b: the same SAs, appended as they were made.
      Path keylog = dir.resolve("keylog-b");
      awaitRecords(keylog.resolve("esp_sa"), 2);
      assertMode(keylog.resolve("ikev2_decryption_table"), "rw-------");
      assertMode(keylog.resolve("esp_sa"), "rw-------");
      assertDecrypts(pcap, keylog);
      String logs = a.output() + b.output();
      String espKeys = Files.readString(export.resolve("esp_sa"));
      for (String line : records(export.resolve("esp_sa"))) {
        String key = line.split(",")[5].replace("\"", "").substring(2);
        assertTrue(!logs.contains(key), "a key reached the daemon's output");
      }
      assertTrue(!espKeys.isEmpty());
    }
  }

  /**
   * tshark with the tables of {@code keys}: inner pings and IKE_AUTH visible, nothing malformed.
   */
  private static void assertDecrypts(Path pcap, Path keys) throws Exception {
    List<String> args = new ArrayList<>();
    args.add("-o");
    args.add("esp.enable_encryption_decode:TRUE");
    for (String r : records(keys.resolve("ikev2_decryption_table"))) {
      args.add("-o");
      args.add("uat:ikev2_decryption_table:" + r);
    }
    for (String r : records(keys.resolve("esp_sa"))) {
      args.add("-o");
      args.add("uat:esp_sa:" + r);
    }
    List<String> icmp = tshark(pcap, args, "icmp.type == 8 || icmp.type == 0");
    assertEquals(6, icmp.size(), "3 echo requests and 3 replies inside ESP: " + icmp);
    List<String> auth = tshark(pcap, args, "isakmp.auth.method");
    // (a loaded machine retransmits: at least the request and the response)
    assertTrue(auth.size() >= 2, "IKE_AUTH request and response decrypted: " + auth);
    assertTrue(auth.stream().anyMatch(l -> l.contains("Responder Response")), auth.toString());
    List<String> malformed = tshark(pcap, args, "_ws.malformed || _ws.expert.severity >= error");
    assertEquals(List.of(), malformed, "no malformed packet");
    List<String> none = tshark(pcap, List.of(), "icmp");
    assertEquals(List.of(), none, "without the keys nothing is readable (the test can fail)");
  }

  private static List<String> tshark(Path pcap, List<String> opts, String filter)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", pcap.toString()));
    cmd.addAll(opts);
    cmd.addAll(List.of("-Y", filter));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
    // a private, empty configuration directory: only the -o options count
    Path home = Files.createTempDirectory("tshark-home");
    pb.environment().put("HOME", home.toString());
    pb.environment().put("XDG_CONFIG_HOME", home.toString());
    Process p = pb.start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "tshark " + filter + ": " + stderr);
    assertTrue(
        stderr.lines().allMatch(l -> l.isBlank() || l.contains("Running as user")),
        "tshark complained: " + stderr);
    return stdout.lines().filter(l -> !l.isBlank()).toList();
  }

  private static List<String> records(Path table) throws IOException {
    return Files.readAllLines(table).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .toList();
  }

  private static void awaitRecords(Path table, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(table) || records(table).size() < n) {
      assertTrue(System.nanoTime() < deadline, "key_log " + table + " never had " + n + " records");
      Thread.sleep(100);
    }
  }

  private static void assertMode(Path p, String mode) throws IOException {
    assertEquals(
        mode,
        PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)),
        p.toString());
  }
}
