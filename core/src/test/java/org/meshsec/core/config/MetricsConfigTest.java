package org.meshsec.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.meshsec.core.config.ConfigFixture.assertError;
import static org.meshsec.core.config.ConfigFixture.lineOf;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code [metrics]} table: off by default, {@code listen = "address:port"}, file:line errors.
 */
class MetricsConfigTest {
  @TempDir Path dir;
  ConfigFixture f;

  @BeforeEach
  void setUp() {
    f = new ConfigFixture(dir);
  }

  NodeConfig load(String metrics) throws IOException {
    return f.write(ConfigErrorsTest.BASE + metrics).secrets(ConfigErrorsTest.SECRETS).loadOk();
  }

  List<ConfigError> errors(String metrics) throws IOException {
    return f.write(ConfigErrorsTest.BASE + metrics).secrets(ConfigErrorsTest.SECRETS).loadErrors();
  }

  @Test
  void offByDefault() throws IOException {
    NodeConfig c = load("");
    assertFalse(c.metrics().enabled());
    assertEquals(MetricsConfig.DISABLED, c.metrics());
  }

  @Test
  void ipv4AndBracketedIpv6() throws IOException {
    assertEquals(
        new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9745),
        load("\n[metrics]\nlisten = \"127.0.0.1:9745\"\n").metrics().listen().orElseThrow());
    assertEquals(
        new InetSocketAddress(InetAddress.getByName("::1"), 9100),
        load("\n[metrics]\nlisten = \"[::1]:9100\"\n").metrics().listen().orElseThrow());
    assertEquals(
        new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 9745),
        load("\n[metrics]\nlisten = \"0.0.0.0:9745\"\n").metrics().listen().orElseThrow());
  }

  @Test
  void badAddressesAndPortsAreReportedAtTheirLine() throws IOException {
    String[][] cases = {
      {"127.0.0.1", "has no port"},
      {"127.0.0.1:0", "port 0 is out of range 1..65535"},
      {"127.0.0.1:65536", "port 65536 is out of range 1..65535"},
      {"127.0.0.1:http", "port \\\"http\\\" is not a number"},
      {"127.0.0.1:", "is not a number"},
      {"localhost:9745", "localhost"},
      {"::1:9745", "write an IPv6 address in brackets"},
      {"[::1]9745", "is not [address]:port"},
      {"[127.0.0.1]:9745", "only an IPv6 address is written in brackets"},
      {":9745", "has no address"},
      {"224.0.0.1:9745", "multicast"},
      {"10.0.0.300:9745", "10.0.0.300"},
    };
    for (String[] c : cases) {
      String text = "\n[metrics]\nlisten = \"" + c[0] + "\"\n";
      List<ConfigError> e = errors(text);
      int line = lineOf(ConfigErrorsTest.BASE + text, "listen =");
      assertError(e, f.config, line, c[1].replace("\\\"", "\""));
      assertEquals(1, e.size(), c[0] + ": " + ConfigFixture.join(e));
    }
  }

  @Test
  void unknownKeysWrongTypesAndMissingListen() throws IOException {
    String t = "\n[metrics]\nlisten = \"127.0.0.1:9745\"\npath = \"/m\"\n";
    assertError(
        errors(t), f.config, lineOf(ConfigErrorsTest.BASE + t, "path ="), "unknown key \"path\"");
    t = "\n[metrics]\nlisten = 9745\n";
    assertError(
        errors(t), f.config, lineOf(ConfigErrorsTest.BASE + t, "listen ="), "must be a string");
    List<ConfigError> e = errors("\n[metrics]\n");
    assertEquals(1, e.size(), ConfigFixture.join(e));
    assertEquals(true, e.get(0).reason().contains("listen is required"), e.get(0).toString());
    t = "\n[[metrics]]\nlisten = \"127.0.0.1:9745\"\n";
    assertError(
        errors(t),
        f.config,
        lineOf(ConfigErrorsTest.BASE + t, "[[metrics]]"),
        "[metrics] is a single table");
  }
}
