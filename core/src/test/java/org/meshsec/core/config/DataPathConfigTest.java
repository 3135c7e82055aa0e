package org.meshsec.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.meshsec.core.config.ConfigFixture.assertError;
import static org.meshsec.core.config.ConfigFixture.lineOf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.config.DataPathConfig.UdpTransportKind;

/**
 * The {@code [datapath]} table: one decrypt worker and epoll by default, file:line errors, a
 * restart to change.
 */
class DataPathConfigTest {
  @TempDir Path dir;
  ConfigFixture f;

  @BeforeEach
  void setUp() {
    f = new ConfigFixture(dir);
  }

  NodeConfig load(String datapath) throws IOException {
    return f.write(ConfigErrorsTest.BASE + datapath).secrets(ConfigErrorsTest.SECRETS).loadOk();
  }

  @Test
  void defaultsAndOwnValues() throws IOException {
    assertEquals(DataPathConfig.DEFAULTS, load("").datapath());
    assertEquals(new DataPathConfig(1, UdpTransportKind.EPOLL), load("").datapath());
    assertEquals(
        new DataPathConfig(3, UdpTransportKind.IO_URING),
        load("\n[datapath]\ndecrypt_workers = 3\nudp_transport = \"io_uring\"\n").datapath());
    assertEquals(
        new DataPathConfig(1, UdpTransportKind.EPOLL),
        load("\n[datapath]\nudp_transport = \"epoll\"\n").datapath());
  }

  @Test
  void badValuesAreReportedAtTheirLine() throws IOException {
    String[][] cases = {
      {"decrypt_workers = 0", "decrypt_workers", "out of range 1..64"},
      {"decrypt_workers = 65", "decrypt_workers", "out of range 1..64"},
      {"decrypt_workers = \"2\"", "decrypt_workers", "must be an integer"},
      {"udp_transport = \"uring\"", "udp_transport", "not one of \"epoll\", \"io_uring\""},
      {"udp_transport = 1", "udp_transport", "must be a string"},
      {"workers = 2", "workers", "workers"},
    };
    for (String[] c : cases) {
      String text = "\n[datapath]\n" + c[0] + "\n";
      List<ConfigError> e =
          f.write(ConfigErrorsTest.BASE + text).secrets(ConfigErrorsTest.SECRETS).loadErrors();
      assertError(e, f.config, lineOf(ConfigErrorsTest.BASE + text, c[1] + " ="), c[2]);
      assertEquals(1, e.size(), c[0] + ": " + ConfigFixture.join(e));
    }
  }

  @Test
  void aChangeNeedsARestart() throws IOException {
    NodeConfig before = load("");
    NodeConfig after = load("\n[datapath]\ndecrypt_workers = 2\n");
    assertEquals(
        List.of(new ReloadPlan.Restart(ReloadPlan.Rule.DAEMON, "[datapath] decrypt_workers")),
        ReloadPlan.of(before, after).restarts());
  }
}
