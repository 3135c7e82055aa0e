package org.meshsec.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.net.PortRange;
import org.meshsec.core.spd.Action;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Policy;
import org.meshsec.esp.EspSaParams;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;

/**
 * Loads the examples of docs/configuration.md exactly as written there, so the documentation cannot
 * drift from the loader.
 */
class DocsExampleTest {
  @TempDir Path dir;

  /** The fenced block following {@code <!-- example: NAME -->} in docs/configuration.md. */
  static String docExample(String name) throws IOException {
    String md = Files.readString(docsFile());
    Matcher m =
        Pattern.compile(
                "<!-- example: " + Pattern.quote(name) + " -->\\s*```toml\\n(.*?)```",
                Pattern.DOTALL)
            .matcher(md);
    assertTrue(m.find(), "no example " + name + " in docs/configuration.md");
    return m.group(1);
  }

  static Path docsFile() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      Path f = p.resolve("docs").resolve("configuration.md");
      if (Files.isRegularFile(f)) {
        return f;
      }
      p = p.getParent();
    }
    throw new AssertionError(
        "docs/configuration.md not found above " + Path.of("").toAbsolutePath());
  }

  static InetAddress ip(String s) {
    return IpPrefix.parse(s).address();
  }

  @Test
  void fullExampleLoadsWithEveryOption() throws IOException {
    ConfigFixture f =
        new ConfigFixture(dir).write(docExample("full-config")).secrets(docExample("full-secrets"));
    NodeConfig c = f.loadOk();

    assertEquals(f.config, c.source());
    assertEquals("alpha", c.node().name());
    assertEquals(LogLevel.INFO, c.node().logLevel());
    assertEquals(Optional.of(dir.resolve("secrets.toml").toAbsolutePath()), c.node().secretsFile());
    assertEquals(List.of(ip("192.0.2.1"), ip("2001:db8::1")), c.node().addresses());

    TunConfig tun = c.tun();
    assertEquals("meshsec0", tun.name());
    assertEquals(1400, tun.mtu());
    assertTrue(tun.mtuConfigured());
    assertEquals(1500, tun.underlayMtu());
    assertEquals("[10.9.0.1/24, fd00:9::1/64]", tun.addresses().toString());
    assertEquals(
        List.of(IpPrefix.parse("10.9.0.0/16"), IpPrefix.parse("fd00:9::/48")), tun.routes());
    assertTrue(tun.mssClamp());

    assertEquals(List.of(ip("0.0.0.0"), ip("::")), c.listen().addresses());
    assertEquals(4500, c.listen().port());
    assertEquals(
        Optional.of(new java.net.InetSocketAddress(ip("127.0.0.1"), 9745)), c.metrics().listen());

    // "both" entries expand to OUT + mirrored IN; ids follow config order.
    List<Policy> ps = c.policies();
    assertEquals(6, ps.size());
    assertEquals(
        List.of(
            "beta/OUT",
            "beta/IN",
            "gamma-sync/OUT",
            "gamma-sync/IN",
            "ping-gamma/OUT",
            "no-telnet/IN"),
        ps.stream().map(p -> p.name() + "/" + p.direction()).toList());
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), ps.stream().map(Policy::id).toList());

    Policy betaOut = c.policy("beta", Direction.OUT).orElseThrow();
    assertEquals(100, betaOut.priority());
    assertEquals(Action.PROTECT, betaOut.action());
    assertEquals(IpPrefix.parse("10.9.0.0/24"), betaOut.selector().src());
    assertEquals(IpPrefix.parse("10.9.1.0/24"), betaOut.selector().dst());
    assertEquals(IpsecMode.TUNNEL, betaOut.template().mode());
    assertEquals(ip("192.0.2.2"), betaOut.template().peer());
    assertEquals(ip("192.0.2.1"), betaOut.template().local());
    assertEquals(
        List.of(EspSuite.AES256_GCM16, EspSuite.AES128_GCM16), betaOut.template().suites());
    Policy betaIn = c.policy("beta", Direction.IN).orElseThrow();
    assertEquals(betaOut.selector().reverse(), betaIn.selector());
    assertEquals(betaOut.template(), betaIn.template());

    Policy syncOut = c.policy("gamma-sync", Direction.OUT).orElseThrow();
    assertEquals(17, syncOut.selector().protocol());
    assertEquals(PortRange.ANY, syncOut.selector().srcPorts());
    assertEquals(new PortRange(5000, 5100), syncOut.selector().dstPorts());
    assertEquals(IpsecMode.TRANSPORT, syncOut.template().mode());
    assertEquals(ip("2001:db8::1"), syncOut.template().local()); // defaulted from [node] address
    assertEquals(List.of(EspSuite.AES128_CBC_SHA256), syncOut.template().suites());
    Policy syncIn = c.policy("gamma-sync", Direction.IN).orElseThrow();
    assertEquals(new PortRange(5000, 5100), syncIn.selector().srcPorts());
    assertEquals(PortRange.ANY, syncIn.selector().dstPorts());

    Policy ping = c.policy("ping-gamma", Direction.OUT).orElseThrow();
    assertEquals(58, ping.selector().protocol());
    assertEquals(128, ping.selector().icmpType());
    assertEquals(0, ping.selector().icmpCode());
    assertEquals(Action.BYPASS, ping.action());
    assertEquals(null, ping.template());
    assertTrue(c.policy("ping-gamma", Direction.IN).isEmpty());

    Policy telnet = c.policy("no-telnet", Direction.IN).orElseThrow();
    assertEquals(300, telnet.priority());
    assertEquals(6, telnet.selector().protocol());
    assertEquals(PortRange.single(23), telnet.selector().dstPorts());
    assertEquals(Action.DISCARD, telnet.action());

    assertEquals(4, c.sas().size());
    ManualSa out = c.sa("beta-out").orElseThrow();
    assertEquals(0x1001, out.spi());
    assertEquals("0x00001001", out.spiHex());
    assertEquals(Direction.OUT, out.direction());
    assertEquals("beta", out.policy());
    assertEquals(betaOut, c.policyOf(out));
    assertEquals(EspSuite.AES256_GCM16, out.suite());
    assertTrue(out.esn());
    assertEquals(0, out.replayWindow());
    assertEquals(new SaLifetime(82800, 900_000_000_000L, 900_000_000), out.soft());
    assertEquals(new SaLifetime(86400, 1_000_000_000_000L, 1_000_000_000), out.hard());
    assertEquals("alpha-to-beta", out.keyName());
    assertEquals(36, out.key().length());
    EspSaParams params = out.toEspSaParams();
    assertEquals(0x15, params.keyMaterial()[0] & 0xFF);
    assertEquals(0x83, params.keyMaterial()[35] & 0xFF);

    ManualSa in = c.sa("beta-in").orElseThrow();
    assertEquals(4098, in.spi());
    assertEquals(2048, in.replayWindow());
    assertEquals(SaLifetime.NONE, in.hard());
    assertEquals(betaIn, c.policyOf(in));

    ManualSa gammaIn = c.sa("gamma-in").orElseThrow();
    assertEquals(EspSuite.AES128_CBC_SHA256, gammaIn.suite()); // the policy's first suite
    assertEquals(EspSaParams.DEFAULT_REPLAY_WINDOW, gammaIn.replayWindow());
    assertEquals(IpsecMode.TRANSPORT, gammaIn.mode());
    assertEquals(ip("2001:db8::3"), gammaIn.peer());
    assertEquals(48, gammaIn.key().length());
  }

  @Test
  void fullExampleHasNoKeyBytesInToString() throws IOException {
    String secrets = docExample("full-secrets");
    NodeConfig c =
        new ConfigFixture(dir).write(docExample("full-config")).secrets(secrets).loadOk();
    String s = c.toString() + ReloadPlan.of(c, c);
    Matcher m = Pattern.compile("\"(?:0x)?([0-9a-f]{40,})\"").matcher(secrets);
    int keys = 0;
    while (m.find()) {
      keys++;
      String hex = m.group(1);
      for (int i = 0; i + 8 <= hex.length(); i += 8) {
        assertFalse(s.contains(hex.substring(i, i + 8)), "key bytes in toString");
      }
    }
    assertEquals(4, keys);
    assertTrue(s.contains("SecretBytes[36 bytes, redacted]"));
  }

  @Test
  void minimalExampleUsesDefaults() throws IOException {
    NodeConfig c =
        new ConfigFixture(dir)
            .write(docExample("minimal-config"))
            .secrets(docExample("minimal-secrets"))
            .loadOk();
    assertEquals(LogLevel.INFO, c.node().logLevel());
    assertEquals("meshsec0", c.tun().name());
    assertFalse(c.tun().mtuConfigured());
    assertEquals(1438, c.tun().mtu()); // aes128gcm16, tunnel, IPv4 underlay 1500
    assertFalse(c.tun().mssClamp());
    assertEquals(List.of(ip("0.0.0.0"), ip("::")), c.listen().addresses());
    assertEquals(4500, c.listen().port());
    Policy out = c.policy("beta", Direction.OUT).orElseThrow();
    assertEquals(0, out.priority());
    assertEquals(IpsecMode.TUNNEL, out.template().mode());
    assertEquals(ip("192.0.2.1"), out.template().local());
    assertEquals(List.of(EspSuite.AES128_GCM16), out.template().suites());
    ManualSa sa = c.sa("beta-out").orElseThrow();
    assertEquals(EspSuite.AES128_GCM16, sa.suite());
    assertFalse(sa.esn());
    assertEquals(SaLifetime.NONE, sa.soft());
    assertNotNull(c.sa("beta-in").orElse(null));
  }

  @Test
  void nameAloneIsAValidConfig() throws IOException {
    NodeConfig c = new ConfigFixture(dir).write("[node]\nname = \"solo\"\n").loadOk();
    assertTrue(c.policies().isEmpty());
    assertTrue(c.sas().isEmpty());
    assertTrue(c.node().secretsFile().isEmpty());
    // No protect policy: every known suite in tunnel mode over IPv4 and IPv6 (default listen);
    // the tightest is AES-CBC with HMAC-SHA-384/512 over IPv6: 1390.
    assertEquals(1390, c.tun().mtu());
  }
}
