package org.meshsec.core.ike;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.net.PortRange;
import org.meshsec.core.spd.Selector;
import org.meshsec.ike.port.TsRange;

/**
 * Traffic selectors between the SPD and the IKE engine: policy prefixes become TS ranges, and
 * negotiated ranges become SAD selectors only when they are exactly one prefix (never widened).
 */
class TrafficSelectorsTest {
  static InetAddress ip(String s) {
    return IpPrefix.parse(s).address();
  }

  static TsRange range(String from, String to) {
    return TsRange.of(ip(from), ip(to));
  }

  @Test
  void prefixesRoundTripThroughRanges() {
    for (String p :
        List.of(
            "10.9.0.0/24", "10.9.1.1/32", "0.0.0.0/0", "fd00:9::/48", "::/0", "2001:db8::1/128")) {
      IpPrefix prefix = IpPrefix.parse(p);
      TsRange ts = TrafficSelectors.ts(prefix, 0, PortRange.ANY);
      assertEquals(prefix, TrafficSelectors.prefixOf(ts), p);
      assertEquals(prefix.toString(), TrafficSelectors.format(ts));
    }
    assertEquals("10.9.0.0..10.9.0.255", range("10.9.0.0", "10.9.0.255").toString());
  }

  @Test
  void rangesThatAreNotOnePrefixHaveNone() {
    assertNull(TrafficSelectors.prefixOf(range("10.0.0.1", "10.0.0.6")), "not a power of two");
    assertNull(TrafficSelectors.prefixOf(range("10.0.0.2", "10.0.0.5")), "four, not aligned");
    assertNull(TrafficSelectors.prefixOf(range("10.0.0.128", "10.0.1.127")), "256, not aligned");
    assertEquals(
        IpPrefix.parse("10.0.0.4/30"), TrafficSelectors.prefixOf(range("10.0.0.4", "10.0.0.7")));
    assertEquals("10.0.0.1..10.0.0.6", TrafficSelectors.format(range("10.0.0.1", "10.0.0.6")));
  }

  @Test
  void randomRangesArePrefixesExactlyWhenAlignedPowersOfTwo() {
    Random r = new Random(42);
    for (int i = 0; i < 2000; i++) {
      long a = r.nextInt(1 << 12);
      long b = a + r.nextInt(1 << 10);
      TsRange ts = range(v4(a), v4(b));
      long size = b - a + 1;
      boolean expected = Long.bitCount(size) == 1 && a % size == 0;
      IpPrefix p = TrafficSelectors.prefixOf(ts);
      assertEquals(expected, p != null, ts.toString());
      if (p != null) {
        assertEquals(ts, TrafficSelectors.ts(p, 0, PortRange.ANY), ts.toString());
      }
    }
  }

  static String v4(long n) {
    return "10.0." + (n >> 8) + "." + (n & 0xFF);
  }

  @Test
  void negotiatedPairBecomesOneSelectorOrAReason() {
    TsRange local = new TsRange(ip("10.9.0.0"), ip("10.9.0.255"), 6, 0, 0xFFFF);
    TsRange remote = new TsRange(ip("10.9.1.7"), ip("10.9.1.7"), 6, 443, 443);
    Selector sel =
        assertInstanceOf(
                SelectorConversion.Converted.class,
                TrafficSelectors.selectorOf(List.of(local), List.of(remote)))
            .selector();
    assertEquals(IpPrefix.parse("10.9.0.0/24"), sel.src());
    assertEquals(IpPrefix.parse("10.9.1.7/32"), sel.dst());
    assertEquals(6, sel.protocol());
    assertEquals(PortRange.single(443), sel.dstPorts());

    TsRange odd = range("10.9.1.1", "10.9.1.6");
    assertRefused("not exactly one", List.of(local), List.of(odd));
    assertRefused("more than one", List.of(local, local), List.of(remote));
    TsRange udp = new TsRange(ip("10.9.1.7"), ip("10.9.1.7"), 17, 0, 0xFFFF);
    assertRefused("two protocols", List.of(local), List.of(udp));
    TsRange portsNoProto = new TsRange(ip("10.9.1.7"), ip("10.9.1.7"), 0, 80, 80);
    assertRefused(
        "ports without a protocol",
        List.of(range("10.9.0.0", "10.9.0.255")),
        List.of(portsNoProto));
    TsRange v6 = TsRange.of(ip("fd00::"), ip("fd00::ff"));
    assertRefused("two IP versions", List.of(local), List.of(v6));
  }

  static void assertRefused(String reason, List<TsRange> local, List<TsRange> remote) {
    SelectorConversion.Refused r =
        assertInstanceOf(
            SelectorConversion.Refused.class, TrafficSelectors.selectorOf(local, remote));
    assertTrue(r.reason().contains(reason), r.reason());
  }
}
