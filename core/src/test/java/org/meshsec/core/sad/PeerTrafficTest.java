package org.meshsec.core.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.meshsec.core.spd.Direction;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;

/** Per-peer totals: retired SAs stay counted, nothing is counted twice, totals never shrink. */
class PeerTrafficTest {
  static final InetAddress B = addr("192.0.2.2");
  static final InetAddress C = addr("192.0.2.3");

  static InetAddress addr(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static SaInfo sa(Direction d, int spi, SaState st, InetAddress peer, long bytes, long packets) {
    return new SaInfo(
        d,
        spi,
        st,
        addr("192.0.2.1"),
        4500,
        peer,
        4500,
        IpsecMode.TUNNEL,
        null,
        1,
        EspSuite.AES128_GCM16,
        false,
        64,
        SaLifetime.NONE,
        SaLifetime.NONE,
        bytes,
        packets,
        0,
        0,
        0,
        0,
        0,
        -1,
        0);
  }

  @Test
  void aRetiredSaStaysInItsPeersTotalsAndIsNeverCountedTwice() {
    PeerTraffic t = new PeerTraffic();
    SaInfo oldOut = sa(Direction.OUT, 1, SaState.MATURE, B, 1000, 10);
    SaInfo oldIn = sa(Direction.IN, 2, SaState.MATURE, B, 500, 5);
    assertEquals(
        new PeerTraffic.Totals(500, 5, 1000, 10),
        t.totals(t.retiredNow(), List.of(oldOut, oldIn)).get(B));

    // the rekey: new SAs in; the old ones die (still listed, DEAD) and are then retired
    SaInfo newOut = sa(Direction.OUT, 3, SaState.MATURE, B, 100, 1);
    SaInfo deadOut = sa(Direction.OUT, 1, SaState.DEAD, B, 1200, 12);
    SaInfo deadIn = sa(Direction.IN, 2, SaState.DEAD, B, 600, 6);
    Map<java.net.InetAddress, PeerTraffic.Totals> between =
        t.totals(t.retiredNow(), List.of(deadOut, deadIn, newOut));
    assertEquals(
        new PeerTraffic.Totals(500, 5, 1000, 10), between.get(B), "never less than before");
    t.retire(deadOut);
    t.retire(deadIn);
    // a walk that still sees the DEAD SAs after they were retired counts them once
    assertEquals(
        new PeerTraffic.Totals(600, 6, 1300, 13),
        t.totals(t.retiredNow(), List.of(deadOut, deadIn, newOut)).get(B));
    assertEquals(
        new PeerTraffic.Totals(600, 6, 1300, 13), t.totals(t.retiredNow(), List.of(newOut)).get(B));
    assertEquals(null, t.totals(t.retiredNow(), List.of(newOut)).get(C));
  }
}
