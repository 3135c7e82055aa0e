package org.meshsec.lab.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import org.meshsec.core.cli.ExitCode;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.lab.netns.Jvm;
import org.meshsec.lab.netns.Netns;
import org.meshsec.lab.netns.NodeProcess;
import org.meshsec.lab.netns.TwoNodeTopology;
import org.meshsec.tun.exec.Background;
import org.meshsec.tun.exec.ExecResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code meshsec-lab demo}: the README's first command. As root, builds two network namespaces
 * joined by a veth pair (the underlay), starts a meshsec node in each with freshly generated manual
 * keys (tunnel mode, 10.9.0.0/24 behind node a and 10.9.1.0/24 behind node b, AES-128-GCM), sends a
 * ping and a checksummed TCP transfer through the tunnel while capturing the underlay, prints the
 * SAs, the counters and the captured packets (ESP in UDP, never the plaintext), and removes
 * everything it created, also when interrupted (Ctrl-C).
 */
@Command(name = "demo", description = "Two nodes in network namespaces passing traffic (root).")
public final class DemoCommand implements Callable<Integer> {
  static final String MARKER = "MESHSEC-DEMO-PLAINTEXT";

  @Spec CommandSpec spec;

  @Option(
      names = "--esp",
      defaultValue = "aes128gcm16",
      description = "ESP suite (default ${DEFAULT-VALUE}).")
  String esp;

  @Option(
      names = "--bytes",
      defaultValue = "20M",
      description = "TCP transfer size (default ${DEFAULT-VALUE}).")
  String bytes;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!"0".equals(run("id", "-u").trim())) {
      err.println(
          "meshsec-lab demo: needs root (it creates network namespaces and TUN devices): sudo meshsec-lab demo");
      err.flush();
      return ExitCode.USAGE.code();
    }
    Netns.cleanupStale("msd");
    Path dir = Files.createTempDirectory("meshsec-demo-");
    step("1/6", "network: two namespaces joined by a veth underlay 192.0.2.1 <-> 192.0.2.2");
    try (TwoNodeTopology topo = TwoNodeTopology.create("msd", false)) {
      Netns a = topo.a();
      Netns b = topo.b();
      out.printf("      node a: namespace %s%n      node b: namespace %s%n", a.name(), b.name());

      step("2/6", "configuration in " + dir + " (random keys in secrets files, mode 0600)");
      writeConfigs(dir);
      out.println(indent(Files.readString(dir.resolve("a.toml")), 6, 14));

      step("3/6", "starting `meshsec run` in each namespace");
      try (NodeProcess na =
              NodeProcess.start(
                  a, dir.resolve("a.toml"), dir.resolve("a.sock"), Duration.ofSeconds(30));
          NodeProcess nb =
              NodeProcess.start(
                  b, dir.resolve("b.toml"), dir.resolve("b.sock"), Duration.ofSeconds(30))) {
        out.println("      both nodes up; tun ms0 in each, 10.9.0.1 (a) and 10.9.1.1 (b)");

        step("4/6", "traffic through the tunnel, while capturing b's underlay");
        try (Background cap =
                b.spawn(
                    tool(
                        "capture",
                        "-i",
                        TwoNodeTopology.UNDERLAY_DEV,
                        "-n",
                        "10",
                        "-t",
                        "30",
                        "--marker",
                        MARKER));
            Background sink = b.spawn(tool("tcp-sink", "5001"))) {
          sink.awaitOutput("listening", Duration.ofSeconds(15));
          Thread.sleep(300); // the capture's JVM opens its socket
          ExecResult ping = a.exec(Duration.ofSeconds(30), tool("ping", "10.9.1.1", "-c", "3"));
          out.println(indent(ping.stdout(), 6, 100));
          ExecResult tcp =
              a.exec(
                  Duration.ofSeconds(120),
                  tool("tcp-send", "10.9.1.1", "5001", bytes, "--marker", MARKER));
          ExecResult sunk = sink.waitFor(Duration.ofSeconds(30));
          out.println("      a: " + tcp.stdout().trim());
          out.println("      b: " + lastLine(sunk.stdout()));
          boolean same =
              hash(tcp.stdout()).equals(hash(sunk.stdout())) && !hash(tcp.stdout()).isEmpty();
          out.println("      sha256 " + (same ? "matches on both sides" : "DIFFERS"));
          ExecResult c = cap.waitFor(Duration.ofSeconds(40));
          out.println("      packets captured on b's underlay (first 10):");
          out.println(indent(c.stdout(), 8, 100));
          if (!same || ping.exitCode() != 0 || c.exitCode() != 0) {
            err.println("meshsec-lab demo: traffic check failed");
            err.flush();
            return ExitCode.RUNTIME.code();
          }
        }

        step("5/6", "what the nodes saw");
        out.println("      $ meshsec sa list            (node a)");
        out.println(indent(na.control(new ControlRequest.SaList(false)).body(), 6, 100));
        out.println("      $ meshsec stats              (node b, non-zero counters)");
        for (String line : nb.control(new ControlRequest.Stats(false)).body().split("\n")) {
          if (!line.matches(".*\\s0$")) {
            out.println("      " + line);
          }
        }
        step("6/6", "stopping the nodes and removing namespaces, veths and files");
      }
    } finally {
      deleteTree(dir);
    }
    out.println("done: traffic crossed the tunnel as ESP in UDP; nothing left behind.");
    out.flush();
    return ExitCode.OK.code();
  }

  private void step(String n, String what) {
    out.println();
    out.println("[" + n + "] " + what);
    out.flush();
  }

  private static String[] tool(String... args) {
    List<String> cmd = Jvm.base();
    cmd.add(LabMain.class.getName());
    cmd.add("tool");
    cmd.addAll(List.of(args));
    return cmd.toArray(String[]::new);
  }

  private void writeConfigs(Path dir) throws IOException {
    SecureRandom rnd = new SecureRandom();
    int keyLen = org.meshsec.esp.EspSuite.parse(esp).keyMaterialLength();
    byte[] ab = new byte[keyLen];
    byte[] ba = new byte[keyLen];
    rnd.nextBytes(ab);
    rnd.nextBytes(ba);
    String secrets =
        "[keys]\nab = \""
            + HexFormat.of().formatHex(ab)
            + "\"\nba = \""
            + HexFormat.of().formatHex(ba)
            + "\"\n";
    java.util.Arrays.fill(ab, (byte) 0);
    java.util.Arrays.fill(ba, (byte) 0);
    Path s = dir.resolve("secrets.toml");
    Files.writeString(s, "");
    Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(s, secrets);
    Files.writeString(
        dir.resolve("a.toml"),
        node("a", "192.0.2.1", "192.0.2.2", "10.9.0", "10.9.1", "0x1001", "0x1002", "ab", "ba"));
    Files.writeString(
        dir.resolve("b.toml"),
        node("b", "192.0.2.2", "192.0.2.1", "10.9.1", "10.9.0", "0x1002", "0x1001", "ba", "ab"));
  }

  private String node(
      String name,
      String self,
      String peer,
      String lan,
      String far,
      String spiOut,
      String spiIn,
      String keyOut,
      String keyIn) {
    return """
        [node]
        name = "%s"
        secrets = "secrets.toml"
        address = "%s"

        [tun]
        name = "ms0"
        addresses = ["%s.1/24"]
        routes = ["%s.0/24"]

        [listen]
        address = ["%s"]

        [[policy]]
        name = "to-peer"
        direction = "both"
        src = "%s.0/24"
        dst = "%s.0/24"
        action = "protect"
        mode = "tunnel"
        peer = "%s"
        esp = "%s"

        [[sa]]
        name = "to-peer-out"
        spi = "%s"
        direction = "out"
        policy = "to-peer"
        key = "%s"

        [[sa]]
        name = "to-peer-in"
        spi = "%s"
        direction = "in"
        policy = "to-peer"
        key = "%s"
        """
        .formatted(name, self, lan, far, self, lan, far, peer, esp, spiOut, keyOut, spiIn, keyIn);
  }

  private static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String s =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.waitFor();
    return s;
  }

  private static String hash(String toolOutput) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("sha256=([0-9a-f]{64})").matcher(toolOutput);
    return m.find() ? m.group(1) : "";
  }

  private static String lastLine(String s) {
    String[] lines = s.trim().split("\n");
    return lines[lines.length - 1];
  }

  private static String indent(String s, int n, int maxLines) {
    String pad = " ".repeat(n);
    StringBuilder sb = new StringBuilder();
    String[] lines = s.stripTrailing().split("\n");
    for (int i = 0; i < lines.length && i < maxLines; i++) {
      sb.append(pad).append(lines[i]).append('\n');
    }
    if (lines.length > maxLines) {
      sb.append(pad).append("...\n");
    }
    return sb.toString().stripTrailing();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
