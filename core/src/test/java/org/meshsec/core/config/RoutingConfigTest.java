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

/** The {@code [routing]} table: table 4500 and priority 10000 by default, file:line errors. */
class RoutingConfigTest {
  @TempDir Path dir;
  ConfigFixture f;

  @BeforeEach
  void setUp() {
    f = new ConfigFixture(dir);
  }

  NodeConfig load(String routing) throws IOException {
    return f.write(ConfigErrorsTest.BASE + routing).secrets(ConfigErrorsTest.SECRETS).loadOk();
  }

  @Test
  void defaultsAndOwnValues() throws IOException {
    assertEquals(new RoutingConfig(4500, 10000), load("").routing());
    assertEquals(
        new RoutingConfig(4600, 20000),
        load("\n[routing]\ntable = 4600\npriority = 20000\n").routing());
    assertEquals(new RoutingConfig(7, 10000), load("\n[routing]\ntable = 7\n").routing());
  }

  @Test
  void badValuesAreReportedAtTheirLine() throws IOException {
    String[][] cases = {
      {"table = 254", "table", "the kernel's main table"},
      {"table = 0", "table", "out of range"},
      {"table = \"x\"", "table", "must be an integer"},
      {"priority = 1000", "priority", "out of range 1001..32765"},
      {"priority = 32766", "priority", "out of range"},
      {"prio = 3", "prio", "prio"},
    };
    for (String[] c : cases) {
      String text = "\n[routing]\n" + c[0] + "\n";
      List<ConfigError> e =
          f.write(ConfigErrorsTest.BASE + text).secrets(ConfigErrorsTest.SECRETS).loadErrors();
      assertError(e, f.config, lineOf(ConfigErrorsTest.BASE + text, c[1] + " ="), c[2]);
      assertEquals(1, e.size(), c[0] + ": " + ConfigFixture.join(e));
    }
  }

  @Test
  void aChangedTableNeedsARestart() throws IOException {
    NodeConfig before = load("");
    NodeConfig after = load("\n[routing]\ntable = 4600\n");
    ReloadPlan plan = ReloadPlan.of(before, after);
    assertEquals(
        List.of(new ReloadPlan.Restart(ReloadPlan.Rule.DAEMON, "[routing] table")),
        plan.restarts());
  }
}
