package org.meshsec.core.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.sad.SaInfo;
import org.meshsec.core.sad.SaState;
import org.meshsec.core.sad.Sad;
import org.meshsec.core.spd.Direction;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.port.ChildSaInstall;
import org.meshsec.ike.port.TsRange;

/** The SAD behind the engine's IpsecPort: a pair is installed whole, or refused leaving nothing. */
class SadIpsecPortTest {
  static final InetAddress US = ip("192.0.2.1");
  static final InetAddress PEER = ip("192.0.2.2");
  static final long POLICY = 7;

  final Sad sad = Sad.builder().random(new Random(1)).build();
  final SadIpsecPort port = new SadIpsecPort(sad, PeerConfigs.none());

  static InetAddress ip(String s) {
    return IpPrefix.parse(s).address();
  }

  static ChildSaInstall pair(int inSpi, TsRange remote) {
    EspSuite suite = EspSuite.AES128_GCM16;
    return new ChildSaInstall(
        POLICY,
        "lan",
        inSpi,
        SecretBytes.wrap(new byte[suite.keyMaterialLength()]),
        0x5000,
        SecretBytes.wrap(new byte[suite.keyMaterialLength()]),
        suite,
        false,
        IpsecMode.TUNNEL,
        List.of(TsRange.of(ip("10.9.0.0"), ip("10.9.0.255"))),
        List.of(remote),
        new InetSocketAddress(US, 4500),
        new InetSocketAddress(PEER, 4500),
        SaLifetime.NONE,
        SaLifetime.NONE,
        Duration.ZERO);
  }

  @Test
  void installUpdatesTheLarvalSaAndAddsTheOutboundOne() {
    int spi = port.getSpi(US, PEER);
    assertEquals(SaState.LARVAL, sad.get(Direction.IN, spi, null).orElseThrow().state());
    port.install(pair(spi, TsRange.of(ip("10.9.1.0"), ip("10.9.1.255"))));
    SaInfo in = sad.get(Direction.IN, spi, null).orElseThrow();
    assertEquals(SaState.MATURE, in.state());
    assertEquals(IpPrefix.parse("10.9.1.0/24"), in.selector().src(), "IN: src is the peer");
    assertEquals(POLICY, in.policyId(), "no mirrored IN policy known: the OUT id");
    SaInfo out = sad.get(Direction.OUT, 0x5000, PEER).orElseThrow();
    assertEquals(POLICY, out.policyId());
    assertEquals(1, port.installedCount());

    port.delete(spi, 0x5000, PEER);
    assertTrue(sad.get(Direction.IN, spi, null).isEmpty());
    assertTrue(sad.get(Direction.OUT, 0x5000, PEER).isEmpty());
  }

  @Test
  void aPairTheSadCannotRepresentIsRefusedAndLeavesNothing() {
    int spi = port.getSpi(US, PEER);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> port.install(pair(spi, TsRange.of(ip("10.9.1.1"), ip("10.9.1.6")))));
    assertTrue(e.getMessage().contains("not exactly one prefix"), e.getMessage());
    assertEquals(1, port.refusedCount());
    assertEquals(0, port.installedCount());
    assertTrue(sad.get(Direction.IN, spi, null).isEmpty(), "the LARVAL SA is released");
    assertTrue(sad.get(Direction.OUT, 0x5000, PEER).isEmpty());
  }
}
