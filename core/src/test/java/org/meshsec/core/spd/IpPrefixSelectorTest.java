package org.meshsec.core.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.net.PortRange;
import org.meshsec.core.packet.PacketInfo;

class IpPrefixSelectorTest {

  @Test
  void parsesAndMasks() {
    IpPrefix p = IpPrefix.parse("10.1.2.3/24");
    assertEquals(4, p.version());
    assertEquals(0x0A010200L, p.lo());
    assertEquals(24, p.length());
    assertEquals("10.1.2.0/24", p.toString());
    assertEquals("10.1.2.3/32", IpPrefix.parse(" 10.1.2.3 ").toString());
    IpPrefix v6 = IpPrefix.parse("2001:db8:ffff::1/33");
    assertEquals("2001:db8:8000::/33", v6.toString());
    assertEquals(IpPrefix.ANY6, IpPrefix.parse("::/0"));
    IpPrefix mapped = IpPrefix.parse("::ffff:1.2.3.4");
    assertEquals(6, mapped.version());
    assertEquals(0x0000FFFF01020304L, mapped.lo());
  }

  @Test
  void refusesNonNumericAndAmbiguousInputWithoutResolving() {
    for (String bad :
        new String[] {
          "999.1.1.1", // not an address: the JDK would have tried DNS for this one
          "256.0.0.1",
          "010.1.1.1", // octal in BSD's reading
          "1.2.3",
          "example.com",
          ".1:2", // would reach the JDK's name lookup path
          "fe80::1%eth0",
          "1:2:3:4:5:6:7:8:9",
          "10.0.0.0/33",
          "10.0.0.0/+8",
          "10.0.0.0/",
          "fd00::/129",
          ""
        }) {
      assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse(bad), bad);
    }
  }

  @Test
  void masksAndContains() {
    assertEquals(0, IpPrefix.maskHi(4, 32));
    assertEquals(0xFFFFFFFFL, IpPrefix.maskLo(4, 32));
    assertEquals(0xFF000000L, IpPrefix.maskLo(4, 8));
    assertEquals(0, IpPrefix.maskLo(4, 0));
    assertEquals(-1L, IpPrefix.maskHi(6, 64));
    assertEquals(0, IpPrefix.maskLo(6, 64));
    assertEquals(0x8000000000000000L, IpPrefix.maskLo(6, 65));
    assertEquals(-1L, IpPrefix.maskLo(6, 128));
    assertEquals(0xFFFF000000000000L, IpPrefix.maskHi(6, 16));
    IpPrefix net = IpPrefix.parse("10.0.0.0/8");
    assertTrue(net.contains(4, 0, 0x0AFFFFFFL));
    assertFalse(net.contains(4, 0, 0x0B000000L));
    assertFalse(net.contains(6, 0, 0x0A000001L), "other version");
    assertTrue(net.contains(IpPrefix.parse("10.1.0.0/16")));
    assertFalse(IpPrefix.parse("10.1.0.0/16").contains(net));
  }

  @Test
  void containsDoesNotAllocate() {
    IpPrefix net = IpPrefix.parse("fd00:1::/48");
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    int hits = 0;
    long before = mx.getThreadAllocatedBytes(tid);
    for (int i = 0; i < 100_000; i++) {
      hits += net.contains(6, 0xFD00000100000000L | (i & 0xFFFF), i) ? 1 : 0;
    }
    long allocated = mx.getThreadAllocatedBytes(tid) - before;
    assertEquals(100_000, hits);
    assertTrue(allocated < 4096, "allocated " + allocated);
  }

  @Test
  void selectorRefusesConstraintsItWouldIgnore() {
    IpPrefix any = IpPrefix.ANY4;
    assertThrows(
        IllegalArgumentException.class,
        () -> new Selector(any, any, 0, PortRange.ANY, PortRange.single(22), -1, -1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Selector(any, any, 1, PortRange.single(22), PortRange.ANY, -1, -1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Selector(any, any, 6, PortRange.ANY, PortRange.ANY, 8, -1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Selector(any, IpPrefix.ANY6, 6, PortRange.ANY, PortRange.ANY, -1, -1));
    // allowed combinations
    new Selector(any, any, 136, PortRange.ANY, PortRange.single(5), -1, -1);
    new Selector(any, any, 58, PortRange.ANY, PortRange.ANY, 128, 0);
  }

  @Test
  void selectorMatchingSemantics() {
    IpPrefix a = IpPrefix.parse("10.0.0.0/24");
    IpPrefix b = IpPrefix.parse("10.0.1.0/24");
    Selector ssh = new Selector(a, b, 6, PortRange.ANY, PortRange.single(22), -1, -1);
    Selector echo = new Selector(a, b, 1, PortRange.ANY, PortRange.ANY, 8, -1);
    Selector tcp = new Selector(a, b, 6, PortRange.ANY, PortRange.ANY, -1, -1);
    Selector all = Selector.between(a, b);
    PacketInfo p = new PacketInfo();

    p.ipv4(0x0A000005, 0x0A000107).transport(6, 40000, 22);
    assertTrue(ssh.matches(p));
    assertTrue(tcp.matches(p));
    assertTrue(all.matches(p));
    assertFalse(echo.matches(p));
    assertFalse(ssh.reverse().matches(p));

    p.transport(6, 40000, 23);
    assertFalse(ssh.matches(p));

    // a non-first fragment: ports OPAQUE, only port-less selectors match (RFC 4301 section 4.4.1)
    p.nonFirstFragment(6);
    assertFalse(ssh.matches(p));
    assertTrue(tcp.matches(p));
    assertTrue(all.matches(p));

    p.icmp(1, 8, 0);
    assertTrue(echo.matches(p));
    p.icmp(1, 0, 0);
    assertFalse(echo.matches(p));
    p.nonFirstFragment(1);
    assertFalse(echo.matches(p));

    p.ipv4(0x0A000205, 0x0A000107).transport(6, 1, 22);
    assertFalse(all.matches(p), "source outside");
    p.ipv6(0, 0x0A000005, 0, 0x0A000107);
    assertFalse(all.matches(p), "other version");
  }
}
