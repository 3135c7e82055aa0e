package org.meshsec.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line: output and exit codes. */
class MainTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void exitCodesAreStable() {
    assertEquals(0, ExitCode.OK.code());
    assertEquals(1, ExitCode.FAILURE.code());
    assertEquals(2, ExitCode.USAGE.code());
    assertEquals(3, ExitCode.RUNTIME.code());
    assertEquals(4, ExitCode.CONTROL_UNAVAILABLE.code());
  }

  @Test
  void checkConfigOk() throws IOException {
    Path cfg = dir.resolve("meshsec.toml");
    Files.writeString(
        cfg,
        "[node]\nname = \"alpha\"\nsecrets = \"s.toml\"\naddress = \"192.0.2.1\"\n"
            + "[[policy]]\nname = \"b\"\ndirection = \"both\"\nsrc = \"10.0.0.0/24\"\n"
            + "dst = \"10.0.1.0/24\"\naction = \"protect\"\npeer = \"192.0.2.2\"\n"
            + "[[sa]]\nname = \"o\"\nspi = 300\ndirection = \"out\"\npolicy = \"b\"\nkey = \"k\"\n");
    Path secrets = dir.resolve("s.toml");
    Files.writeString(secrets, "[keys]\nk = \"000102030405060708090a0b0c0d0e0f10111213\"\n");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    Run r = run("check-config", cfg.toString());
    assertEquals(new Run(0, "configuration OK\n", ""), r);
  }

  @Test
  void checkConfigWarnsAboutAPolicyThatCanNeverMatch() throws IOException {
    Path cfg = dir.resolve("shadow.toml");
    Files.writeString(
        cfg,
        "[node]\nname = \"alpha\"\naddress = \"192.0.2.1\"\n"
            + "[[policy]]\nname = \"all\"\ndirection = \"out\"\npriority = 100\n"
            + "src = \"10.0.0.0/16\"\ndst = \"10.1.0.0/16\"\naction = \"discard\"\n"
            + "[[policy]]\nname = \"web\"\ndirection = \"out\"\npriority = 50\n"
            + "src = \"10.0.0.0/24\"\ndst = \"10.1.0.0/24\"\nprotocol = \"tcp\"\n"
            + "dst_port = 443\naction = \"bypass\"\n"
            + "[[policy]]\nname = \"ssh\"\ndirection = \"out\"\npriority = 200\n"
            + "src = \"10.0.0.0/24\"\ndst = \"10.1.0.0/24\"\nprotocol = \"tcp\"\n"
            + "dst_port = 22\naction = \"bypass\"\n");
    Run r = run("check-config", cfg.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("configuration OK\n", r.out());
    assertEquals(
        cfg
            + ": warning: policy \"web\" (out, priority 50) can never match: \"all\" (priority"
            + " 100) covers 10.0.0.0/24 -> 10.1.0.0/24 proto 6 dport 443\n",
        r.err());
  }

  @Test
  void checkConfigPrintsEveryErrorAndExits1() throws IOException {
    Path cfg = dir.resolve("bad.toml");
    Files.writeString(
        cfg, "[node]\nname = \"alpha\"\nlog_level = \"loud\"\n\n[tun]\nmtuu = 1400\nmtu = 20\n");
    Run r = run("check-config", cfg.toString());
    assertEquals(1, r.code());
    assertEquals("", r.out());
    assertEquals(
        cfg
            + ":3: [node] log_level: \"loud\" is not one of trace, debug, info, warn, error\n"
            + cfg
            + ":6: unknown key \"mtuu\" in [tun] (did you mean \"mtu\"?)\n"
            + cfg
            + ":7: [tun] mtu: 20 is below the IPv4 minimum MTU 68 (RFC 791)\n",
        r.err());
  }

  @Test
  void checkConfigOfAMissingFile() {
    Path cfg = dir.resolve("missing.toml");
    Run r = run("check-config", cfg.toString());
    assertEquals(1, r.code());
    assertEquals(cfg + ": cannot read configuration file: no such file\n", r.err());
  }

  @Test
  void checkConfigWithoutFileIsAUsageError() {
    Run r = run("check-config");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Missing required parameter: 'FILE'"), r.err());
  }

  @Test
  void versionPrintsTheProjectVersion() throws IOException {
    Run r = run("version");
    assertEquals(0, r.code());
    assertEquals("meshsec " + pomVersion() + "\n", r.out());
    assertEquals(r.out(), run("--version").out());
  }

  /** The version in the parent pom, which Maven filters into version.properties. */
  static String pomVersion() throws IOException {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("core").resolve("pom.xml"))) {
      p = p.getParent();
    }
    assertTrue(p != null, "project root not found");
    String pom = Files.readString(p.resolve("pom.xml"));
    Matcher m =
        Pattern.compile("<artifactId>meshsec-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(pom);
    assertTrue(m.find());
    return m.group(1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "status",
        "show",
        "stats",
        "reload",
        "sa list",
        "policy list",
        "ike list",
        "initiate beta",
        "terminate beta --timeout 1",
        "rekey beta"
      })
  void controlCommandsWithoutADaemonNameTheSocketAndExit4(String command) {
    String sock = "/nonexistent/meshsec-test.sock";
    String[] words = (command + " --socket " + sock).split(" ");
    Run r = run(words);
    assertEquals(ExitCode.CONTROL_UNAVAILABLE.code(), r.code());
    assertTrue(r.err().contains(sock) && r.err().contains("is `meshsec run` running"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void runWithABrokenConfigPrintsTheErrorsAndExits1() {
    Run r = run("run", "--config", "/nonexistent/x.toml");
    assertEquals(ExitCode.FAILURE.code(), r.code());
    assertTrue(r.err().contains("/nonexistent/x.toml"), r.err());
  }

  @Test
  void usageErrors() {
    Run r = run("frobnicate");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Unmatched argument at index 0: 'frobnicate'"), r.err());
    r = run("run");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Missing required option: '--config=FILE'"), r.err());
    r = run();
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Usage: meshsec"), r.err());
    r = run("sa");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Usage: meshsec sa"), r.err());
    r = run("ike");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Usage: meshsec ike"), r.err());
    r = run("initiate");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Missing required parameter: 'PEER'"), r.err());
  }

  @Test
  void helpExitsZero() {
    Run r = run("--help");
    assertEquals(0, r.code());
    for (String sub :
        new String[] {
          "version",
          "check-config",
          "run",
          "status",
          "sa",
          "policy",
          "stats",
          "reload",
          "ike",
          "initiate",
          "terminate",
          "rekey"
        }) {
      assertTrue(r.out().contains("  " + sub), "missing " + sub + " in\n" + r.out());
    }
    // Lab tooling (demo, traffic tools, packet capture) lives in meshsec-lab, not in the daemon.
    for (String lab : new String[] {"demo", "tool"}) {
      assertFalse(r.out().contains("  " + lab + " "), "lab command " + lab + " in\n" + r.out());
    }
  }

  @Test
  void nettyGetsAMachineIdItAcceptsSoItNeverLooksForAMacAddress() {
    String before = System.getProperty(Main.NETTY_MACHINE_ID);
    try {
      System.clearProperty(Main.NETTY_MACHINE_ID);
      Main.setNettyMachineId();
      String id = System.getProperty(Main.NETTY_MACHINE_ID);
      assertEquals(8, io.netty.util.internal.MacAddressUtil.parseMAC(id).length, id);
      System.setProperty(Main.NETTY_MACHINE_ID, "02:00:00:00:00:01");
      Main.setNettyMachineId();
      assertEquals("02:00:00:00:00:01", System.getProperty(Main.NETTY_MACHINE_ID), "kept");
    } finally {
      if (before == null) {
        System.clearProperty(Main.NETTY_MACHINE_ID);
      } else {
        System.setProperty(Main.NETTY_MACHINE_ID, before);
      }
    }
  }
}
