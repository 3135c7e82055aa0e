package org.meshsec.core.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.net.PortRange;
import org.meshsec.core.spd.Action;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.IpsecTemplate;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.Selector;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;

/** The rule plan of {@link RoutingRules}, {@link RoutingPlan}: pure, no {@code ip} run. */
class RoutingPlanTest {
  static final List<IpPrefix> ROUTES =
      List.of(IpPrefix.parse("10.0.1.0/24"), IpPrefix.parse("fd00:1::/64"));
  static final IpsecTemplate TEMPLATE =
      new IpsecTemplate(
          IpsecMode.TUNNEL, List.of(EspSuite.AES128_GCM16), addr("192.0.2.1"), addr("192.0.2.2"));

  static InetAddress addr(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static Policy policy(long id, int prio, Direction dir, Selector sel, Action action) {
    return new Policy(
        id, "p" + id, prio, dir, sel, action, action == Action.PROTECT ? TEMPLATE : null);
  }

  static Selector tcp(String src, String dst, PortRange sport, PortRange dport) {
    return new Selector(IpPrefix.parse(src), IpPrefix.parse(dst), 6, sport, dport, -1, -1);
  }

  static List<String> plan(Policy... ps) {
    return RoutingPlan.of(ROUTES, List.of(ps), 4500, 10000).rules().stream()
        .map(RoutingRule::toString)
        .toList();
  }

  @Test
  void withoutBypassOnlyTheTableRules() {
    Selector subnets =
        Selector.between(IpPrefix.parse("10.0.0.0/24"), IpPrefix.parse("10.0.1.0/24"));
    assertEquals(
        List.of(
            "-4 rule add priority 10000 lookup 4500 proto 245",
            "-6 rule add priority 10000 lookup 4500 proto 245"),
        plan(policy(1, 100, Direction.OUT, subnets, Action.PROTECT)));
  }

  @Test
  void sshBypassOverProtectLooksUpMain() {
    Selector subnets =
        Selector.between(IpPrefix.parse("10.0.0.0/24"), IpPrefix.parse("10.0.1.0/24"));
    Selector ssh = tcp("10.0.0.0/24", "10.0.1.0/24", PortRange.ANY, PortRange.single(22));
    assertEquals(
        List.of(
            "-4 rule add priority 9000 from 10.0.0.0/24 to 10.0.1.0/24 ipproto 6 dport 22"
                + " lookup main proto 245",
            "-4 rule add priority 10000 lookup 4500 proto 245",
            "-6 rule add priority 10000 lookup 4500 proto 245"),
        plan(
            policy(1, 100, Direction.OUT, subnets, Action.PROTECT),
            policy(2, 200, Direction.OUT, ssh, Action.BYPASS),
            // the mirrored IN half of a "both" policy needs no rule
            policy(3, 200, Direction.IN, ssh.reverse(), Action.BYPASS)));
  }

  @Test
  void protectRankedAboveAnOverlappingBypassKeepsItsTrafficInTheTunnel() {
    Selector oneHostSsh = tcp("0.0.0.0/0", "10.0.1.10/32", PortRange.ANY, PortRange.single(22));
    Selector ssh = tcp("0.0.0.0/0", "10.0.0.0/8", PortRange.ANY, new PortRange(22, 23));
    Selector web = tcp("0.0.0.0/0", "10.0.1.0/24", PortRange.ANY, PortRange.single(80));
    assertEquals(
        List.of(
            // protect, ranked first, overlapping the bypass: sent into the tunnel's table
            "-4 rule add priority 9000 to 10.0.1.10/32 ipproto 6 dport 22 lookup 4500 proto 245",
            // the bypass, cut down to the part inside the TUN route
            "-4 rule add priority 9001 to 10.0.1.0/24 ipproto 6 dport 22-23 lookup main proto 245",
            "-4 rule add priority 10000 lookup 4500 proto 245",
            "-6 rule add priority 10000 lookup 4500 proto 245"),
        plan(
            policy(1, 300, Direction.OUT, oneHostSsh, Action.PROTECT),
            // port 80 does not overlap the bypass: no rule needed
            policy(2, 300, Direction.OUT, web, Action.DISCARD),
            policy(3, 200, Direction.OUT, ssh, Action.BYPASS)));
  }

  @Test
  void bypassOutsideTheRoutesOrWithAnIcmpTypeGetsNoRule() {
    Selector elsewhere = tcp("0.0.0.0/0", "198.51.100.0/24", PortRange.ANY, PortRange.single(22));
    Selector echo =
        new Selector(
            IpPrefix.parse("::/0"),
            IpPrefix.parse("fd00:1::/64"),
            58,
            PortRange.ANY,
            PortRange.ANY,
            128,
            -1);
    RoutingPlan p =
        RoutingPlan.of(
            ROUTES,
            List.of(
                policy(1, 100, Direction.OUT, elsewhere, Action.BYPASS),
                policy(2, 100, Direction.OUT, echo, Action.BYPASS)),
            4500,
            10000);
    assertEquals(2, p.rules().size(), p.rules().toString());
    assertEquals(1, p.warnings().size());
    assertTrue(p.warnings().get(0).contains("'p2'"), p.warnings().get(0));
  }

  @Test
  void ipv6BypassWithAPortRange() {
    Selector dns =
        new Selector(
            IpPrefix.parse("fd00::/64"),
            IpPrefix.parse("fd00:1::53/128"),
            17,
            new PortRange(1024, 65535),
            PortRange.single(53),
            -1,
            -1);
    assertEquals(
        "-6 rule add priority 9000 from fd00::/64 to fd00:1::53/128 ipproto 17 sport 1024-65535"
            + " dport 53 lookup main proto 245",
        plan(policy(1, 1, Direction.OUT, dns, Action.BYPASS)).get(0));
  }

  @Test
  void intersectionAndOverlap() {
    IpPrefix a = IpPrefix.parse("10.0.0.0/8");
    IpPrefix b = IpPrefix.parse("10.1.0.0/16");
    assertEquals(b, RoutingPlan.intersection(a, b));
    assertEquals(b, RoutingPlan.intersection(b, a));
    assertNull(RoutingPlan.intersection(b, IpPrefix.parse("10.2.0.0/16")));
    Selector tcp22 = tcp("0.0.0.0/0", "10.0.0.0/8", PortRange.ANY, PortRange.single(22));
    Selector tcp80 = tcp("0.0.0.0/0", "10.0.0.0/8", PortRange.ANY, PortRange.single(80));
    Selector any = Selector.between(IpPrefix.parse("0.0.0.0/0"), IpPrefix.parse("10.1.0.0/16"));
    assertTrue(RoutingPlan.overlap(tcp22, any));
    assertTrue(!RoutingPlan.overlap(tcp22, tcp80));
  }
}
