package org.meshsec.core.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.meshsec.core.diagnose.Verdict.Kind;

/** The verdict logic of {@code meshsec diagnose}, one case per cause, from a healthy baseline. */
class VerdictTest {

  /** Healthy: everything answers, traffic both ways, no drops, full MTU. */
  static Observations healthy() {
    return new Observations(
        "b", "192.0.2.2", true, true, "ESTABLISHED", true, true, 1, 10, 10, 0, 0, 0, 0, 1500, 1500);
  }

  static Observations with(
      Boolean ping,
      String ike,
      boolean usable,
      Boolean answered,
      int children,
      long out,
      long in,
      long replay,
      long icv,
      long mismatch,
      Integer mtu) {
    return new Observations(
        "b",
        "192.0.2.2",
        true,
        ping,
        ike,
        usable,
        answered,
        children,
        out,
        in,
        replay,
        icv,
        mismatch,
        0,
        mtu,
        1500);
  }

  @Test
  void healthyIsOk() {
    Verdict v = Verdict.of(healthy());
    assertEquals(Kind.OK, v.kind());
    assertEquals("none", v.next());
  }

  @Test
  void unknownPeer() {
    Observations o =
        new Observations("x", "-", false, null, null, false, null, 0, 0, 0, 0, 0, 0, 0, null, 1500);
    assertEquals(Kind.UNKNOWN, Verdict.of(o).kind());
  }

  @Test
  void noIkeSaAndNoPingIsTheNetwork() {
    Verdict v = Verdict.of(with(false, null, false, null, 0, 0, 0, 0, 0, 0, null));
    assertEquals(Kind.NETWORK, v.kind());
    assertTrue(v.next().contains("ip route get 192.0.2.2"), v.next());
  }

  @Test
  void noIkeSaButPingIsIpsec() {
    Verdict v = Verdict.of(with(true, null, false, null, 0, 0, 0, 0, 0, 0, 1500));
    assertEquals(Kind.IPSEC, v.kind());
    assertTrue(v.next().startsWith("meshsec initiate b"), v.next());
  }

  @Test
  void ikeSaNotEstablished() {
    Verdict v = Verdict.of(with(true, "CONNECTING", false, null, 0, 0, 0, 0, 0, 0, 1500));
    assertEquals(Kind.IPSEC, v.kind());
    assertTrue(v.cause().contains("CONNECTING"), v.cause());
  }

  @Test
  void ikeUnansweredButPingIsAFirewallOrADeadDaemon() {
    Verdict v = Verdict.of(with(true, "ESTABLISHED", true, false, 1, 5, 0, 0, 0, 0, 1500));
    assertEquals(Kind.NETWORK, v.kind());
    assertTrue(v.cause().contains("UDP 4500"), v.cause());
  }

  @Test
  void nothingAnswersIsThePath() {
    Verdict v = Verdict.of(with(false, "ESTABLISHED", true, false, 1, 5, 0, 0, 0, 0, null));
    assertEquals(Kind.NETWORK, v.kind());
    assertTrue(v.cause().contains("neither IKE nor ping"), v.cause());
  }

  @Test
  void icmpFilteredButIkeAnsweredIsNotTheNetwork() {
    Verdict v = Verdict.of(with(false, "ESTABLISHED", true, true, 1, 5, 5, 0, 0, 0, null));
    assertEquals(Kind.OK, v.kind());
  }

  @Test
  void noChildSa() {
    Verdict v = Verdict.of(with(true, "ESTABLISHED", true, true, 0, 0, 0, 0, 0, 0, 1500));
    assertEquals(Kind.IPSEC, v.kind());
    assertTrue(v.cause().contains("no Child SA"), v.cause());
  }

  @Test
  void icvFailuresComeBeforeOneWayTraffic() {
    Verdict v = Verdict.of(with(true, "ESTABLISHED", true, true, 1, 5, 0, 0, 7, 0, 1500));
    assertEquals(Kind.IPSEC, v.kind());
    assertEquals("meshsec rekey b", v.next());
  }

  @Test
  void policyMismatch() {
    Verdict v = Verdict.of(with(true, "ESTABLISHED", true, true, 1, 5, 5, 0, 0, 3, 1500));
    assertEquals(Kind.IPSEC, v.kind());
    assertTrue(v.next().startsWith("meshsec policy list"), v.next());
  }

  @Test
  void replayDropsPointAtThePath() {
    Verdict v = Verdict.of(with(true, "ESTABLISHED", true, true, 1, 5, 5, 4, 0, 0, 1500));
    assertEquals(Kind.NETWORK, v.kind());
    assertTrue(v.cause().contains("replays"), v.cause());
  }

  @Test
  void smallPathMtu() {
    Verdict v = Verdict.of(with(true, "ESTABLISHED", true, true, 1, 5, 5, 0, 0, 0, 1400));
    assertEquals(Kind.NETWORK, v.kind());
    assertEquals("set [tun] underlay_mtu = 1400 and restart meshsec", v.next());
  }

  @Test
  void sentButNothingBack() {
    Verdict v = Verdict.of(with(true, "ESTABLISHED", true, true, 1, 5, 0, 0, 0, 0, 1500));
    assertEquals(Kind.IPSEC, v.kind());
    assertTrue(v.next().startsWith("on b: meshsec diagnose"), v.next());
  }

  @Test
  void receivedButNothingSent() {
    Verdict v = Verdict.of(with(true, "ESTABLISHED", true, true, 1, 0, 5, 0, 0, 0, 1500));
    assertEquals(Kind.IPSEC, v.kind());
    assertTrue(v.cause().contains("none is sent back"), v.cause());
  }

  @Test
  void idle() {
    Verdict v = Verdict.of(with(true, "ESTABLISHED", true, true, 1, 0, 0, 0, 0, 0, 1500));
    assertEquals(Kind.IDLE, v.kind());
  }
}
