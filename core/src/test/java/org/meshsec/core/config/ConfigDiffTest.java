package org.meshsec.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.core.config.ConfigErrorsTest.BASE;
import static org.meshsec.core.config.ConfigErrorsTest.K2;
import static org.meshsec.core.config.ConfigErrorsTest.K3;
import static org.meshsec.core.config.ConfigErrorsTest.SECRETS;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Policy;

/** Reload diffs between two loaded configurations. */
class ConfigDiffTest {
  @TempDir Path dir;

  NodeConfig load(String config, String secrets) throws IOException {
    return new ConfigFixture(dir).write(config).secrets(secrets).loadOk();
  }

  static List<String> names(List<Policy> ps) {
    return ps.stream().map(p -> p.name() + "/" + p.direction()).toList();
  }

  static List<String> saNames(List<ManualSa> sas) {
    return sas.stream().map(ManualSa::name).toList();
  }

  @Test
  void identicalLoadsDiffEmpty() throws IOException {
    NodeConfig a = load(BASE, SECRETS);
    NodeConfig b = load(BASE, SECRETS);
    assertTrue(a.sa("beta-out").orElseThrow().key() != b.sa("beta-out").orElseThrow().key());
    ConfigDiff d = ConfigDiff.diff(a, b);
    assertTrue(d.isEmpty(), d.toString());
  }

  @Test
  void policyOrderAndIdsDoNotMatter() throws IOException {
    NodeConfig a = load(BASE, SECRETS);
    // swap the two policies: ids change, contents do not
    int g = BASE.indexOf("[[policy]]\nname = \"gamma\"");
    int s = BASE.indexOf("[[sa]]");
    String beta = BASE.substring(BASE.indexOf("[[policy]]"), g);
    String gamma = BASE.substring(g, s);
    NodeConfig b = load(BASE.replace(beta + gamma, gamma + beta), SECRETS);
    assertEquals(3, b.policy("beta", Direction.OUT).orElseThrow().id());
    assertTrue(ConfigDiff.diff(a, b).isEmpty());
  }

  @Test
  void addedRemovedAndChangedPolicies() throws IOException {
    NodeConfig a = load(BASE, SECRETS);
    String changed =
        BASE.replace("dst = \"10.9.3.0/24\"", "dst = \"10.9.4.0/24\"")
            + "\n[[policy]]\nname = \"ssh\"\ndirection = \"in\"\nsrc = \"10.9.0.0/16\"\n"
            + "dst = \"10.9.0.1\"\nprotocol = \"tcp\"\ndst_port = 22\naction = \"bypass\"\n";
    NodeConfig b = load(changed, SECRETS);
    ConfigDiff d = ConfigDiff.diff(a, b);
    assertEquals(List.of("ssh/IN"), names(d.policiesAdded()));
    assertEquals(List.of(), d.policiesRemoved());
    assertEquals(
        List.of("gamma/OUT", "gamma/IN"),
        d.policiesChanged().stream()
            .map(c -> c.after().name() + "/" + c.after().direction())
            .toList());
    assertEquals("10.9.3.0/24", d.policiesChanged().get(0).before().selector().dst().toString());
    // the SA of a changed policy is not itself changed
    assertTrue(d.sasChanged().isEmpty());
    assertFalse(d.tunChanged());

    ConfigDiff back = ConfigDiff.diff(b, a);
    assertEquals(List.of("ssh/IN"), names(back.policiesRemoved()));
    assertTrue(back.policiesAdded().isEmpty());
  }

  @Test
  void directionChangeAddsAndRemovesHalves() throws IOException {
    NodeConfig a = load(BASE, SECRETS);
    String t =
        BASE.replaceFirst("direction = \"both\"", "direction = \"out\"")
            .replace(
                "[[sa]]\nname = \"beta-in\"\nspi = \"0x1002\"\ndirection = \"in\"\npolicy = \"beta\"\nkey = \"k2\"\n",
                "");
    ConfigDiff d = ConfigDiff.diff(a, load(t, SECRETS));
    assertEquals(List.of("beta/IN"), names(d.policiesRemoved()));
    assertTrue(d.policiesChanged().isEmpty());
    assertEquals(List.of("beta-in"), saNames(d.sasRemoved()));
  }

  @Test
  void saKeySpiAndFieldChanges() throws IOException {
    NodeConfig a = load(BASE, SECRETS);
    // only the key bytes of k2 change (same length)
    String rekeyed = SECRETS.replace(K2, K2.substring(0, 38) + "ff");
    ConfigDiff d = ConfigDiff.diff(a, load(BASE, rekeyed));
    assertEquals(List.of("beta-in"), d.sasChanged().stream().map(c -> c.after().name()).toList());
    assertTrue(d.policiesChanged().isEmpty() && d.sasAdded().isEmpty() && d.sasRemoved().isEmpty());

    // the key is renamed but has the same bytes: unchanged content apart from the name
    String renamed = SECRETS.replace("k2 =", "k2b =");
    d = ConfigDiff.diff(a, load(BASE.replace("key = \"k2\"", "key = \"k2b\""), renamed));
    assertEquals(List.of("beta-in"), d.sasChanged().stream().map(c -> c.after().name()).toList());

    // SPI change and an added SA
    String t =
        BASE.replace("spi = \"0x2001\"", "spi = \"0x2002\"")
            + "\n[[sa]]\nname = \"gamma-in\"\nspi = \"0x3001\"\ndirection = \"in\"\n"
            + "policy = \"gamma\"\nkey = \"k4\"\n";
    NodeConfig b = load(t, SECRETS + "k4 = \"" + K3.substring(0, 70) + "00\"\n");
    d = ConfigDiff.diff(a, b);
    assertEquals(List.of("gamma-out"), d.sasChanged().stream().map(c -> c.after().name()).toList());
    assertEquals(0x2001, d.sasChanged().get(0).before().spi());
    assertEquals(0x2002, d.sasChanged().get(0).after().spi());
    assertEquals(List.of("gamma-in"), saNames(d.sasAdded()));
  }

  @Test
  void sectionChangesAreFlagged() throws IOException {
    NodeConfig a = load(BASE, SECRETS);
    NodeConfig b =
        load(
            BASE.replace("[tun]\n", "[tun]\nmss_clamp = true\n") + "\n[listen]\nport = 4501\n",
            SECRETS);
    ConfigDiff d = ConfigDiff.diff(a, b);
    assertTrue(d.tunChanged());
    assertTrue(d.listenChanged());
    assertFalse(d.nodeChanged());
    assertFalse(d.isEmpty());
    NodeConfig c = load(BASE.replace("name = \"alpha\"", "name = \"alpha2\""), SECRETS);
    assertTrue(ConfigDiff.diff(a, c).nodeChanged());
  }
}
