package org.meshsec.core.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.net.PortRange;
import org.meshsec.core.packet.PacketBuilder;
import org.meshsec.core.packet.PacketInfo;
import org.meshsec.core.packet.ParseStatus;

/**
 * Differential test: the tuple-space {@link Spd} against a linear scan over all policies with the
 * same rules (every {@link Selector#matches}, highest priority, then lowest id), on seeded random
 * policy sets and packets. Seeds are fixed so a failure reproduces.
 */
class SpdDifferentialTest {
  private static final Direction[] DIRS = Direction.values();
  private static final int[] PORTS = {22, 53, 80, 443, 500, 4500, 8080};

  /** The naive reference: a linear scan with the documented priority rules. */
  static Policy naive(List<Policy> all, Direction d, PacketInfo p) {
    Policy best = null;
    for (Policy pol : all) {
      if (pol.direction() == d && pol.selector().matches(p) && (best == null || pol.beats(best))) {
        best = pol;
      }
    }
    return best;
  }

  @Test
  void tenPolicies() {
    Stats total = new Stats();
    for (long seed = 1; seed <= 20; seed++) {
      total.add(run(seed, 10, 2_000));
    }
    // small sets leave many packets without a policy: both outcomes must be exercised
    assertTrue(total.hits > 5_000 && total.misses > 5_000, total.toString());
    assertTrue(total.exceptionHits > 100, total.toString());
  }

  @Test
  void thousandPolicies() {
    Stats st = run(1000, 1000, 6_000);
    assertTrue(st.distinctWinners > 250, st.toString());
    assertTrue(st.exceptionHits > 500, st.toString());
    assertTrue(st.misses > 0, st.toString());
  }

  @Test
  void tenThousandPolicies() {
    Stats st = run(10_000, 10_000, 1_500);
    assertTrue(st.distinctWinners > 250, st.toString());
    assertTrue(st.exceptionHits > 100, st.toString());
  }

  /** What a run exercised, so that a generator change cannot quietly make the test vacuous. */
  static final class Stats {
    int hits;
    int misses;
    int exceptionHits;
    int distinctWinners;

    void add(Stats o) {
      hits += o.hits;
      misses += o.misses;
      exceptionHits += o.exceptionHits;
      distinctWinners += o.distinctWinners;
    }

    @Override
    public String toString() {
      return "hits "
          + hits
          + " misses "
          + misses
          + " exception hits "
          + exceptionHits
          + " distinct winners "
          + distinctWinners;
    }
  }

  /** Interleaves add / remove / replaceAll with lookups, comparing after each mutation. */
  @Test
  void mutations() {
    SplittableRandom rnd = new SplittableRandom(0xD1FFL);
    Spd spd = new Spd();
    PacketInfo p = new PacketInfo();
    ByteBuf buf = Unpooled.buffer(2048);
    try {
      for (int step = 0; step < 150; step++) {
        int op = rnd.nextInt(10);
        if (op < 6) {
          spd.add(randomPolicy(rnd, 50));
        } else if (op < 9 && spd.size() > 0) {
          List<Policy> ps = spd.policies();
          assertTrue(spd.remove(ps.get(rnd.nextInt(ps.size())).id()));
        } else {
          List<Policy> specs = new ArrayList<>();
          for (int i = rnd.nextInt(50); i > 0; i--) {
            specs.add(randomPolicy(rnd, 50));
          }
          spd.replaceAll(specs);
        }
        List<Policy> all = spd.policies();
        for (int i = 0; i < 300; i++) {
          randomPacket(rnd, all, p, buf);
          compare(spd, all, p, "step " + step);
        }
      }
    } finally {
      buf.release();
    }
  }

  private Stats run(long seed, int policies, int packets) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Policy> specs = new ArrayList<>(policies);
    for (int i = 0; i < policies; i++) {
      specs.add(randomPolicy(rnd, policies));
    }
    Spd spd = new Spd();
    List<Policy> all = spd.replaceAll(specs);
    assertEquals(policies, spd.size());
    PacketInfo p = new PacketInfo();
    ByteBuf buf = Unpooled.buffer(2048);
    Stats st = new Stats();
    java.util.Set<Long> winners = new java.util.HashSet<>();
    try {
      for (int i = 0; i < packets; i++) {
        randomPacket(rnd, all, p, buf);
        compare(spd, all, p, "seed " + seed + " packet " + i);
        for (Direction d : DIRS) {
          Policy got = spd.lookup(d, p);
          if (got == null) {
            st.misses++;
            continue;
          }
          st.hits++;
          winners.add(got.id());
          if (got.priority() >= 1000) {
            st.exceptionHits++;
          }
        }
      }
    } finally {
      buf.release();
    }
    st.distinctWinners = winners.size();
    return st;
  }

  private static void compare(Spd spd, List<Policy> all, PacketInfo p, String where) {
    for (Direction d : DIRS) {
      Policy want = naive(all, d, p);
      Policy got = spd.lookup(d, p);
      if (want != got) {
        fail(where + " " + d + " " + p + ": expected " + want + " but got " + got);
      }
    }
  }

  // ---------------------------------------------------------------- generators

  private static final IpPrefix MESH4 = IpPrefix.parse("10.9.0.0/24");
  private static final IpPrefix MESH6 = IpPrefix.parse("fd00:9::/120");

  /**
   * A random policy for a set of about {@code n}: mostly /32 (/128) mesh pairs and subnets; port,
   * protocol and ICMP exceptions and broad DISCARDs are a share that shrinks as n grows, as in a
   * real mesh config (else a thousand catch-alls would decide every lookup).
   */
  static Policy randomPolicy(SplittableRandom rnd, int n) {
    Direction dir = DIRS[rnd.nextInt(DIRS.length)];
    int exceptions = n <= 50 ? 250 : n <= 2000 ? 20 : 3; // per mille
    int discards = n <= 50 ? 100 : n <= 2000 ? 10 : 2;
    int r = rnd.nextInt(1000);
    int kind;
    if (r < exceptions) {
      kind = rnd.nextInt(5) < 3 ? 70 : 85; // port exception : ICMP exception
    } else if (r < exceptions + discards) {
      kind = 95;
    } else {
      kind = rnd.nextInt(10) < 7 ? 0 : 50; // mesh pair : subnets
    }
    boolean v6 = rnd.nextInt(5) == 0;
    IpPrefix src;
    IpPrefix dst;
    int proto = Selector.ANY_PROTOCOL;
    PortRange sp = PortRange.ANY;
    PortRange dp = PortRange.ANY;
    int icmpType = -1;
    int icmpCode = -1;
    int prio;
    Action action;
    if (kind < 45) { // host-to-host mesh PROTECT
      src = host(rnd, v6);
      dst = host(rnd, v6);
      prio = 100;
      action = Action.PROTECT;
    } else if (kind < 65) { // subnets
      src = subnet(rnd, v6);
      dst = subnet(rnd, v6);
      boolean wide = src.length() < (v6 ? 48 : 16) || dst.length() < (v6 ? 48 : 16);
      prio = wide ? 50 : new int[] {50, 100, 100, 100, 100, 100, 100, 200}[rnd.nextInt(8)];
      action = rnd.nextInt(4) == 0 ? Action.BYPASS : Action.PROTECT;
    } else if (kind < 80) { // port exceptions: SSH, DNS, ranges
      src = rnd.nextBoolean() ? any(v6) : subnet(rnd, v6);
      dst = rnd.nextBoolean() ? any(v6) : rnd.nextBoolean() ? subnet(rnd, v6) : host(rnd, v6);
      proto = new int[] {6, 6, 17, 132, 136}[rnd.nextInt(5)];
      int shape = rnd.nextInt(4);
      if (shape == 0) {
        dp = PortRange.single(22);
      } else if (shape == 1) {
        sp = PortRange.single(PORTS[rnd.nextInt(PORTS.length)]);
      } else if (shape == 2) {
        int from = rnd.nextInt(1000);
        dp = new PortRange(from, from + rnd.nextInt(10_000));
      } // shape 3: protocol only
      prio = rnd.nextInt(3) != 0 ? 1000 : rnd.nextInt(300);
      action = rnd.nextInt(3) == 0 ? Action.DISCARD : Action.BYPASS;
    } else if (kind < 90) { // ICMP exceptions
      src = rnd.nextBoolean() ? any(v6) : subnet(rnd, v6);
      dst = rnd.nextBoolean() ? any(v6) : host(rnd, v6);
      proto = v6 ? 58 : 1;
      if (rnd.nextBoolean()) {
        icmpType =
            v6
                ? new int[] {128, 129, 135, 136}[rnd.nextInt(4)]
                : new int[] {0, 3, 8}[rnd.nextInt(3)];
        if (rnd.nextInt(3) == 0) {
          icmpCode = rnd.nextInt(2);
        }
      }
      prio = 1000;
      action = Action.BYPASS;
    } else { // broad DISCARD / catch-alls, sometimes with random priorities (ties)
      src = rnd.nextBoolean() ? any(v6) : subnet(rnd, v6);
      dst = any(v6);
      prio = rnd.nextBoolean() ? 0 : 50; // catch-alls sit below the mesh (ties among them)
      action = Action.DISCARD;
    }
    Selector sel = new Selector(src, dst, proto, sp, dp, icmpType, icmpCode);
    return new Policy(
        0, "p" + kind, prio, dir, sel, action, action == Action.PROTECT ? SpdTest.TEMPLATE : null);
  }

  private static IpPrefix any(boolean v6) {
    return v6 ? IpPrefix.ANY6 : IpPrefix.ANY4;
  }

  private static IpPrefix host(SplittableRandom rnd, boolean v6) {
    IpPrefix m = v6 ? MESH6 : MESH4;
    long lo = m.lo() | rnd.nextInt(40);
    return new IpPrefix(m.version(), m.hi(), lo, v6 ? 128 : 32);
  }

  /** Mostly narrow subnets spread over 10.0.0.0/11 (fd00:0-1f::), sometimes a wide one. */
  private static IpPrefix subnet(SplittableRandom rnd, boolean v6) {
    boolean wide = rnd.nextInt(10) == 0;
    if (v6) {
      int len =
          wide
              ? new int[] {16, 32}[rnd.nextInt(2)]
              : new int[] {48, 64, 112, 120, 124}[rnd.nextInt(5)];
      long hi =
          rnd.nextInt(8) == 0 ? MESH6.hi() : 0xFD00000000000000L | (long) rnd.nextInt(32) << 32;
      return new IpPrefix(6, hi, MESH6.lo() | rnd.nextInt(40), len);
    }
    int len =
        wide ? new int[] {8, 12}[rnd.nextInt(2)] : new int[] {16, 20, 24, 28, 30}[rnd.nextInt(5)];
    long base =
        rnd.nextInt(8) == 0
            ? MESH4.lo()
            : 0x0A000000L | (long) rnd.nextInt(32) << 16 | rnd.nextInt(4) << 8;
    return new IpPrefix(4, 0, base | rnd.nextInt(40), len);
  }

  /** A random address inside {@code pfx}. */
  private static long[] inside(SplittableRandom rnd, IpPrefix pfx) {
    long mh = IpPrefix.maskHi(pfx.version(), pfx.length());
    long ml = IpPrefix.maskLo(pfx.version(), pfx.length());
    long hi = pfx.hi() | (rnd.nextLong() & ~mh);
    long lo = pfx.lo() | (rnd.nextLong() & ~ml);
    if (pfx.version() == 4) {
      hi = 0;
      lo &= 0xFFFFFFFFL;
      if (pfx.length() < 24 && rnd.nextBoolean()) {
        lo = (lo & ~0xFFL) | (rnd.nextInt(40) & ~ml & 0xFF) | (pfx.lo() & 0xFF); // near mesh hosts
      }
    } else if (pfx.length() < 120 && rnd.nextBoolean()) {
      lo = (lo & ~0xFFL) | (rnd.nextInt(40) & ~ml & 0xFF) | (pfx.lo() & 0xFF);
    }
    return new long[] {hi, lo};
  }

  /**
   * Fills {@code p} with a random packet: mostly aimed inside a random policy's prefixes, with
   * protocols, ports and ICMP types drawn from the values policies use; sometimes built with {@link
   * PacketBuilder} and parsed back.
   */
  static void randomPacket(SplittableRandom rnd, List<Policy> all, PacketInfo p, ByteBuf buf) {
    boolean v6;
    long[] s;
    long[] d;
    if (!all.isEmpty() && rnd.nextInt(10) < 8) {
      Selector sel = all.get(rnd.nextInt(all.size())).selector();
      // sometimes mix the prefixes of two policies of the same version
      Selector other = all.get(rnd.nextInt(all.size())).selector();
      if (other.version() != sel.version() || rnd.nextBoolean()) {
        other = sel;
      }
      v6 = sel.version() == 6;
      s = inside(rnd, sel.src());
      d = inside(rnd, other.dst());
    } else {
      v6 = rnd.nextInt(4) == 0;
      s = inside(rnd, v6 ? IpPrefix.parse("fd00:9::/112") : IpPrefix.parse("10.9.0.0/18"));
      d = inside(rnd, v6 ? IpPrefix.parse("fd00:9::/112") : IpPrefix.parse("10.9.0.0/18"));
    }
    int r = rnd.nextInt(100);
    int proto;
    if (r < 35) {
      proto = 6;
    } else if (r < 60) {
      proto = 17;
    } else if (r < 80) {
      proto = v6 ? 58 : 1;
    } else if (r < 85) {
      proto = 132;
    } else if (r < 90) {
      proto = 136;
    } else {
      proto = new int[] {47, 50, 41, 4}[rnd.nextInt(4)];
    }
    int sport = port(rnd);
    int dport = port(rnd);
    int icmpType =
        v6
            ? new int[] {128, 129, 135, 136, 1}[rnd.nextInt(5)]
            : new int[] {0, 3, 8, 11}[rnd.nextInt(4)];
    int icmpCode = rnd.nextInt(3);

    if (rnd.nextInt(8) == 0 && (proto == 6 || proto == 17 || proto == 1 || proto == 58)) {
      PacketBuilder b = new PacketBuilder();
      if (v6) {
        b.ipv6(s[0], s[1], d[0], d[1]);
      } else {
        b.ipv4((int) s[1], (int) d[1]);
      }
      switch (proto) {
        case 6 -> b.tcp(buf, 16, sport, dport, 1, 0, PacketBuilder.TCP_SYN, rnd.nextInt(40));
        case 17 -> b.udp(buf, 16, sport, dport, rnd.nextInt(40));
        default -> b.icmpEcho(buf, 16, icmpType != 0 && icmpType != 129, 1, 1, 8);
      }
      assertEquals(ParseStatus.OK, p.parse(buf));
      assertEquals(s[1], p.srcLo);
      assertEquals(d[0], p.dstHi);
      assertEquals(proto, p.protocol);
      if (proto == 6 || proto == 17) {
        assertEquals(dport, p.dstPort);
      }
      return;
    }
    if (v6) {
      p.ipv6(s[0], s[1], d[0], d[1]);
    } else {
      p.ipv4((int) s[1], (int) d[1]);
    }
    if (rnd.nextInt(10) == 0) {
      p.nonFirstFragment(proto);
    } else if (PacketInfo.isIcmp(proto)) {
      p.icmp(proto, icmpType, icmpCode);
    } else {
      p.transport(proto, sport, dport);
    }
  }

  private static int port(SplittableRandom rnd) {
    return rnd.nextBoolean() ? PORTS[rnd.nextInt(PORTS.length)] : rnd.nextInt(65536);
  }
}
