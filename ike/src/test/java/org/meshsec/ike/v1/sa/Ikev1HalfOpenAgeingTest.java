package org.meshsec.ike.v1.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.IpsecMode;
import org.meshsec.ike.config.AuthConfig;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.config.RetransmitPolicy;
import org.meshsec.ike.crypto.DeterministicRandom;
import org.meshsec.ike.pki.PeerIdentity;
import org.meshsec.ike.port.LoopbackNetwork;
import org.meshsec.ike.port.ManualScheduler;
import org.meshsec.ike.port.MemoryIpsec;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.sa.IkeEngine;
import org.meshsec.ike.sa.IkeListener;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.task.Ikev2TaskFactory;

/**
 * An IKEv1 responder SA whose phase 1 stalls is aged like an IKEv2 half-open SA (RFC 7296 section
 * 2.6): dropped after the engine's half-open timeout, a quarter of it under pressure, not only when
 * its own retransmissions give up.
 */
class Ikev1HalfOpenAgeingTest {
  private static final byte[] PSK =
      "a shared key of the v1 mesh".getBytes(StandardCharsets.US_ASCII);

  private final ManualScheduler clock = new ManualScheduler();
  private final LoopbackNetwork net = new LoopbackNetwork(clock::runPending);
  private final List<String> destroyed = new CopyOnWriteArrayList<>();

  private static InetAddress address(int octet) {
    try {
      return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) octet});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static PeerConfig peer(int self, int other) {
    return PeerConfig.builder(other == 1 ? "a" : "b")
        .version(1)
        .localAddress(address(self))
        .remoteAddress(address(other))
        .localId(new PeerIdentity.IpAddress(address(self)))
        .remoteId(new PeerIdentity.IpAddress(address(other)))
        .auth(AuthConfig.Psk.of(PSK))
        .ikeProposals(IkeProposal.parse("aes128-sha256-modp2048"))
        .child(
            ChildConfig.builder("net")
                .policyRef(42)
                .localTs(TsRange.parse("192.168." + self + ".0/24"))
                .remoteTs(TsRange.parse("192.168." + other + ".0/24"))
                .mode(IpsecMode.TUNNEL)
                .proposals(EspProposal.parse("aes128gcm16"))
                .build())
        .build();
  }

  private IkeEngine engine(int octet, EngineSettings settings) {
    IkeEngine e =
        IkeEngine.builder()
            .tasks(new Ikev2TaskFactory())
            .protocol(new Ikev1Protocol())
            .settings(settings)
            .peer(peer(octet, 3 - octet))
            .network(net)
            .ipsec(new MemoryIpsec(0x01000000 * octet + 0x100))
            .scheduler(clock)
            .random(new DeterministicRandom(octet))
            .listener(
                new IkeListener() {
                  @Override
                  public void ikeSaChanged(IkeSaInfo info) {}

                  @Override
                  public void ikeSaDestroyed(IkeSaInfo last, String reason) {
                    destroyed.add(octet + ": " + reason);
                  }
                })
            .build();
    net.attach(address(octet), e::receive);
    return e;
  }

  @Test
  void aStalledResponderSaIsDroppedAfterAQuarterOfTheTimeoutUnderPressure() {
    // a half-open limit of 2: one half-open SA is already pressure (half the limit in use);
    // the responder's own retransmissions would go on for 60 s
    EngineSettings settings =
        new EngineSettings(
            500,
            4500,
            2,
            100,
            Duration.ofSeconds(30),
            new RetransmitPolicy(Duration.ofSeconds(1), 1.8, 10, Duration.ofSeconds(60)),
            1228,
            true,
            32,
            EngineSettings.DEFAULT_HALF_OPEN_PER_SOURCE);
    IkeEngine a = engine(1, EngineSettings.DEFAULT);
    IkeEngine b = engine(2, settings);
    assertTrue(a.initiate("b"));
    clock.runPending();
    net.deliverNext(); // message (1) reaches b: a responder SA
    assertEquals(1, b.halfOpenCount());
    net.setUnreachable(address(1), true); // a falls silent

    run(Duration.ofSeconds(6));
    assertEquals(1, b.list().size(), "younger than 7.5 s");
    run(Duration.ofSeconds(3));
    assertTrue(b.list().isEmpty(), "b: " + b.list());
    assertEquals(0, b.halfOpenCount());
    assertTrue(destroyed.contains("2: not authenticated within PT7.5S"), destroyed.toString());
  }

  private void run(Duration d) {
    Duration step = Duration.ofMillis(500);
    for (Duration t = Duration.ZERO; t.compareTo(d) < 0; t = t.plus(step)) {
      clock.advance(step);
      net.deliverAll();
    }
  }
}
