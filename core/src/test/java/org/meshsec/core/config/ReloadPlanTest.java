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
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.config.ReloadPlan.Restart;
import org.meshsec.core.config.ReloadPlan.Rule;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.PolicyKey;

/** Reload plans between two loaded configurations (manual keying; IKE peers: IkeConfigTest). */
class ReloadPlanTest {
  @TempDir Path dir;

  static final PolicyKey BETA_OUT = new PolicyKey("beta", Direction.OUT);
  static final PolicyKey BETA_IN = new PolicyKey("beta", Direction.IN);

  NodeConfig load(String config, String secrets) throws IOException {
    return new ConfigFixture(dir).write(config).secrets(secrets).loadOk();
  }

  static List<String> names(List<Policy> ps) {
    return ps.stream().map(p -> p.key().toString()).toList();
  }

  static List<String> saNames(List<ManualSa> sas) {
    return sas.stream().map(ManualSa::name).toList();
  }

  static List<String> changedSas(ReloadPlan p) {
    return p.sas().changed().stream().map(c -> c.after().name()).toList();
  }

  @Test
  void identicalLoadsPlanNothing() throws IOException {
    NodeConfig a = load(BASE, SECRETS);
    NodeConfig b = load(BASE, SECRETS);
    assertTrue(a.sa("beta-out").orElseThrow().key() != b.sa("beta-out").orElseThrow().key());
    ReloadPlan p = ReloadPlan.of(a, b);
    assertTrue(p.isEmpty(), p.toString());
    assertTrue(p.applicable());
    assertEquals(Optional.empty(), p.refusal());
    assertEquals(4, p.policiesKept().size());
    assertTrue(p.sasToRemove().isEmpty() && p.sasToInstall().isEmpty());
  }

  @Test
  void aChangedMetricsEndpointNeedsARestart() throws IOException {
    NodeConfig off = load(BASE, SECRETS);
    NodeConfig on = load(BASE + "\n[metrics]\nlisten = \"127.0.0.1:9745\"\n", SECRETS);
    NodeConfig moved = load(BASE + "\n[metrics]\nlisten = \"127.0.0.1:9746\"\n", SECRETS);
    for (ReloadPlan p : List.of(ReloadPlan.of(off, on), ReloadPlan.of(on, moved))) {
      assertFalse(p.applicable());
      assertEquals(List.of(new Restart(Rule.METRICS, "[metrics] listen")), p.restarts());
      assertEquals(Optional.of(Rule.METRICS.message()), p.refusal());
    }
    assertTrue(
        ReloadPlan.of(on, load(BASE + "\n[metrics]\nlisten = \"127.0.0.1:9745\"\n", SECRETS))
            .isEmpty());
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
    assertTrue(ReloadPlan.of(a, b).isEmpty());
  }

  @Test
  void addingAPolicyKeepsEverythingElse() throws IOException {
    NodeConfig a = load(BASE, SECRETS);
    NodeConfig b = load(BASE + SSH, SECRETS);
    ReloadPlan p = ReloadPlan.of(a, b);
    assertEquals(List.of("ssh/IN"), names(p.policies().added()));
    assertTrue(p.policies().removed().isEmpty() && p.policies().changed().isEmpty());
    assertTrue(p.applicable());
    assertFalse(p.isEmpty());
    assertFalse(p.keeps(new PolicyKey("ssh", Direction.IN)), "new: gets a new SPD id");
    assertTrue(p.keeps(BETA_OUT) && p.keeps(BETA_IN));
    assertTrue(p.sasToRemove().isEmpty() && p.sasToInstall().isEmpty(), "SAs untouched");
  }

  static final String SSH =
      "\n[[policy]]\nname = \"ssh\"\ndirection = \"in\"\nsrc = \"10.9.0.0/16\"\n"
          + "dst = \"10.9.0.1\"\nprotocol = \"tcp\"\ndst_port = 22\naction = \"bypass\"\n";

  @Test
  void removingAPolicyRemovesItsSas() throws IOException {
    NodeConfig a = load(BASE, SECRETS);
    int bp = BASE.indexOf("[[policy]]\nname = \"beta\"");
    int g = BASE.indexOf("[[policy]]\nname = \"gamma\"");
    int s = BASE.indexOf("[[sa]]");
    int gs = BASE.indexOf("[[sa]]\nname = \"gamma-out\"");
    String t = BASE.substring(0, bp) + BASE.substring(g, s) + BASE.substring(gs);
    ReloadPlan p = ReloadPlan.of(a, load(t, SECRETS));
    assertEquals(List.of("beta/OUT", "beta/IN"), names(p.policies().removed()));
    assertEquals(List.of("beta-out", "beta-in"), saNames(p.sas().removed()));
    assertEquals(List.of("beta-out", "beta-in"), saNames(p.sasToRemove()));
    assertTrue(p.sasToInstall().isEmpty());
    assertEquals(
        Set.of(new PolicyKey("gamma", Direction.OUT), new PolicyKey("gamma", Direction.IN)),
        p.policiesKept());
    assertTrue(p.applicable(), p.restarts().toString());
  }

  @Test
  void changingAPolicyReinstallsItsSasUnderItsNewId() throws IOException {
    NodeConfig a = load(BASE, SECRETS);
    String changed = BASE.replace("dst = \"10.9.3.0/24\"", "dst = \"10.9.4.0/24\"") + SSH;
    NodeConfig b = load(changed, SECRETS);
    ReloadPlan p = ReloadPlan.of(a, b);
    assertEquals(List.of("ssh/IN"), names(p.policies().added()));
    assertEquals(List.of(), p.policies().removed());
    assertEquals(
        List.of("gamma/OUT", "gamma/IN"),
        p.policies().changed().stream().map(c -> c.after().key().toString()).toList());
    assertEquals("10.9.3.0/24", p.policies().changed().get(0).before().selector().dst().toString());
    // the SA of a changed policy is not itself changed, but it moves to the new policy
    assertTrue(p.sas().changed().isEmpty());
    assertEquals(List.of("gamma-out"), saNames(p.sasToRemove()));
    assertEquals(List.of("gamma-out"), saNames(p.sasToInstall()));
    assertEquals(Set.of(BETA_OUT, BETA_IN), p.policiesKept());
    assertTrue(p.applicable());

    ReloadPlan back = ReloadPlan.of(b, a);
    assertEquals(List.of("ssh/IN"), names(back.policies().removed()));
    assertTrue(back.policies().added().isEmpty());
  }

  @Test
  void directionChangeAddsAndRemovesHalves() throws IOException {
    NodeConfig a = load(BASE, SECRETS);
    String t =
        BASE.replaceFirst("direction = \"both\"", "direction = \"out\"")
            .replace(
                "[[sa]]\nname = \"beta-in\"\nspi = \"0x1002\"\ndirection = \"in\"\npolicy = \"beta\"\nkey = \"k2\"\n",
                "");
    ReloadPlan p = ReloadPlan.of(a, load(t, SECRETS));
    assertEquals(List.of("beta/IN"), names(p.policies().removed()));
    assertTrue(p.policies().changed().isEmpty());
    assertEquals(List.of("beta-in"), saNames(p.sas().removed()));
    assertEquals(List.of("beta-in"), saNames(p.sasToRemove()));
    assertTrue(p.sasToInstall().isEmpty());
    assertTrue(p.keeps(BETA_OUT));
  }

  @Test
  void manualSaKeyChangeReplacesThatSaOnly() throws IOException {
    NodeConfig a = load(BASE, SECRETS);
    // only the key bytes of k2 change (same length)
    String rekeyed = SECRETS.replace(K2, K2.substring(0, 38) + "ff");
    ReloadPlan p = ReloadPlan.of(a, load(BASE, rekeyed));
    assertEquals(List.of("beta-in"), changedSas(p));
    assertTrue(p.policies().isEmpty() && p.sas().added().isEmpty() && p.sas().removed().isEmpty());
    assertEquals(List.of("beta-in"), saNames(p.sasToRemove()));
    assertEquals(List.of("beta-in"), saNames(p.sasToInstall()));
    assertEquals(4, p.policiesKept().size());
    assertTrue(p.applicable());
    assertFalse(p.toString().contains(K2.substring(0, 38)), "no key bytes in the plan's text");

    // the key is renamed but has the same bytes: unchanged content apart from the name
    String renamed = SECRETS.replace("k2 =", "k2b =");
    p = ReloadPlan.of(a, load(BASE.replace("key = \"k2\"", "key = \"k2b\""), renamed));
    assertEquals(List.of("beta-in"), changedSas(p));

    // SPI change and an added SA
    String t =
        BASE.replace("spi = \"0x2001\"", "spi = \"0x2002\"")
            + "\n[[sa]]\nname = \"gamma-in\"\nspi = \"0x3001\"\ndirection = \"in\"\n"
            + "policy = \"gamma\"\nkey = \"k4\"\n";
    NodeConfig b = load(t, SECRETS + "k4 = \"" + K3.substring(0, 70) + "00\"\n");
    p = ReloadPlan.of(a, b);
    assertEquals(List.of("gamma-out"), changedSas(p));
    assertEquals(0x2001, p.sas().changed().get(0).before().spi());
    assertEquals(0x2002, p.sas().changed().get(0).after().spi());
    assertEquals(List.of("gamma-in"), saNames(p.sas().added()));
    assertEquals(List.of("gamma-out"), saNames(p.sasToRemove()));
    assertEquals(List.of("gamma-out", "gamma-in"), saNames(p.sasToInstall()));
  }

  @Test
  void sectionChangesNeedARestart() throws IOException {
    NodeConfig a = load(BASE, SECRETS);
    NodeConfig b =
        load(
            BASE.replace("[tun]\n", "[tun]\nmss_clamp = true\n") + "\n[listen]\nport = 4501\n",
            SECRETS);
    ReloadPlan p = ReloadPlan.of(a, b);
    assertEquals(
        List.of(
            new Restart(Rule.DAEMON, "[tun] mss_clamp"), new Restart(Rule.DAEMON, "[listen] port")),
        p.restarts());
    assertFalse(p.applicable());
    assertFalse(p.isEmpty());
    assertEquals(
        Optional.of(
            "changes to [node], [tun], [listen], [routing] or [datapath] need a restart (meshsec run)"),
        p.refusal());
    NodeConfig c = load(BASE.replace("name = \"alpha\"", "name = \"alpha2\""), SECRETS);
    assertEquals(List.of(new Restart(Rule.DAEMON, "[node] name")), ReloadPlan.of(a, c).restarts());
  }
}
