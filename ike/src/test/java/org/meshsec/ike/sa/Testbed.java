package org.meshsec.ike.sa;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.meshsec.esp.IpsecMode;
import org.meshsec.ike.config.AuthConfig;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.pki.PeerIdentity;
import org.meshsec.ike.port.LoopbackNetwork;
import org.meshsec.ike.port.ManualScheduler;
import org.meshsec.ike.port.TsRange;

/**
 * Two nodes, a = 10.0.0.1 and b = 10.0.0.2, in virtual time, joined by a loopback network: each
 * configured with one peer (named after the other node) and one Child SA "net" between
 * 192.168.1.0/24 behind a and 192.168.2.0/24 behind b, unless the test customises the
 * configurations.
 */
final class Testbed {
  static final long POLICY = 42;
  static final byte[] PSK = "a shared key of the mesh".getBytes(StandardCharsets.US_ASCII);

  final ManualScheduler clock = new ManualScheduler();
  final LoopbackNetwork net = new LoopbackNetwork(clock::runPending);
  TestNode a;
  TestNode b;

  /** A peer configuration of node {@code self} for node {@code other}. */
  static PeerConfig.Builder peer(int self, int other) {
    InetAddress me = TestNode.address(self);
    InetAddress it = TestNode.address(other);
    return PeerConfig.builder(other == 1 ? "a" : other == 2 ? "b" : "n" + other)
        .localAddress(me)
        .remoteAddress(it)
        .localId(new PeerIdentity.Fqdn("node" + self + ".mesh"))
        .remoteId(new PeerIdentity.Fqdn("node" + other + ".mesh"))
        .auth(AuthConfig.Psk.of(PSK));
  }

  /** The tunnel-mode child of node {@code self}: its subnet to the other's. */
  static ChildConfig.Builder subnetChild(int self, int other) {
    return ChildConfig.builder("net")
        .policyRef(POLICY)
        .localTs(TsRange.parse("192.168." + self + ".0/24"))
        .remoteTs(TsRange.parse("192.168." + other + ".0/24"))
        .mode(IpsecMode.TUNNEL);
  }

  /** The transport-mode host-to-host child. */
  static ChildConfig.Builder hostChild() {
    return ChildConfig.builder("host").policyRef(POLICY + 1).mode(IpsecMode.TRANSPORT);
  }

  /** Both nodes with the default configuration and the given IKE and ESP proposals. */
  static Testbed of(IkeProposal ike, EspProposal esp) {
    return custom(
        EngineSettings.DEFAULT,
        (self, other) ->
            peer(self, other)
                .ikeProposals(ike)
                .child(subnetChild(self, other).proposals(esp).build())
                .build());
  }

  /** A configuration of node {@code self} for node {@code other}. */
  @FunctionalInterface
  interface ConfigFactory {
    PeerConfig make(int self, int other);
  }

  static Testbed custom(EngineSettings settings, ConfigFactory configs) {
    return custom(settings, settings, configs);
  }

  static Testbed custom(EngineSettings sa, EngineSettings sb, ConfigFactory configs) {
    return seeded(sa, sb, configs, 1, 2);
  }

  /** Two nodes whose randomness (nonces, keys, SPIs, jitter) comes from the given seeds. */
  static Testbed seeded(
      EngineSettings sa, EngineSettings sb, ConfigFactory configs, long seedA, long seedB) {
    Testbed t = new Testbed();
    t.a = new TestNode("a", 1, t.clock, t.net, sa, seedA, List.of(configs.make(1, 2)));
    t.b = new TestNode("b", 2, t.clock, t.net, sb, seedB, List.of(configs.make(2, 1)));
    return t;
  }

  /** Runs what commands queued, then delivers until quiet. */
  void settle() {
    clock.runPending();
    net.deliverAll();
  }

  /** Replaces node a with a fresh engine ("reboot"), keeping its address. */
  void rebootA(EngineSettings settings, PeerConfig config, long seed) {
    a = new TestNode("a", 1, clock, net, settings, seed, List.of(config));
  }

  /** Runs {@code initiate} on a and delivers everything until quiet. */
  void connect() {
    a.initiate("b");
    net.deliverAll();
  }

  /** Moves virtual time, delivering whatever the timers send on the way, in steps of 100 ms. */
  void run(Duration d) {
    Duration step = Duration.ofMillis(100);
    for (Duration t = Duration.ZERO; t.compareTo(d) < 0; t = t.plus(step)) {
      clock.advance(step);
      net.deliverAll();
    }
  }

  static UnaryOperator<PeerConfig.Builder> none() {
    return b -> b;
  }
}
