package org.meshsec.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.net.PortRange;
import org.meshsec.core.packet.PacketInfo;
import org.meshsec.core.spd.Action;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.IpsecTemplate;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.Selector;
import org.meshsec.core.spd.Spd;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Spd#lookup} (RFC 4301 section 4.4.1) on one thread: average time per lookup, in
 * nanoseconds, with {@code policies} = 10, 1,000 or 10,000 policies, all in the OUT direction that
 * is looked up (the IN direction has its own tables and would not change the cost).
 *
 * <p><b>The policy set</b> is what one node of a mesh has, local address 10.9.0.1:
 *
 * <ul>
 *   <li>4 exceptions: BYPASS tcp/22 any-to-any, BYPASS ICMP any-to-any, BYPASS udp/53 to the DNS
 *       server 10.9.255.53/32 (priority 100); DISCARD tcp/23 any-to-any (priority 90);
 *   <li>{@code policies / 100} DISCARD 10.9.0.1/32 to a blocked host /32 (priority 10);
 *   <li>{@code max(1, policies / 20)} PROTECT (tunnel) 10.9.0.1/32 to a site subnet /24 (10);
 *   <li>the rest: PROTECT (transport) 10.9.0.1/32 to one peer /32, one policy per peer (10).
 * </ul>
 *
 * That is three (source, destination) prefix-length groups for the tuple space search: /0-/0,
 * /32-/32 and /32-/24. The DNS exception puts a priority-100 rule into the big /32-/32 group, so
 * that group is probed early for every packet, as it would be in a real configuration.
 *
 * <p><b>The packets</b>: {@value #PACKETS} pre-built {@link PacketInfo}s, seeded, looked up in
 * rotation so the JIT cannot constant-fold one packet. {@code traffic = mix}: 65% TCP/UDP to a
 * random peer (PROTECT), 10% to a random host of a random site subnet (PROTECT), 5% SSH and 5% ICMP
 * echo to a peer and 2% DNS (BYPASS), 2% telnet to a peer and 3% to a blocked host (DISCARD; with
 * no blocked host at 10 policies, those become misses), 8% misses (destinations no policy covers,
 * or a source other than 10.9.0.1). {@code traffic = miss}: every packet misses, the worst case,
 * where no early stop applies and every group is probed. In setup every lookup is checked against a
 * naive linear scan of all policies ({@link Selector#matches}, highest priority then lowest id),
 * and the share of each action is checked, so the benchmark cannot measure a broken lookup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SpdBenchmark {

  /** Packets in the rotation; a power of two. */
  static final int PACKETS = 1024;

  private static final int LOCAL = addr(10, 9, 0, 1);
  private static final int DNS = addr(10, 9, 255, 53);
  private static final int PEERS = addr(10, 10, 0, 2);
  private static final int SUBNETS = addr(10, 20, 0, 0);
  private static final int BLOCKED = addr(10, 30, 0, 2);
  private static final int[] SERVICE_PORTS = {80, 443, 5432, 6379, 8080, 9090};

  @Param({"10", "1000", "10000"})
  public int policies;

  @Param({"mix", "miss"})
  public String traffic;

  private Spd spd;
  private final PacketInfo[] packets = new PacketInfo[PACKETS];
  private int next;

  private int peers;
  private int subnets;
  private int blocked;

  @Setup(Level.Trial)
  public void setup() throws UnknownHostException {
    blocked = policies / 100;
    subnets = Math.max(1, policies / 20);
    peers = policies - 4 - blocked - subnets;
    if (peers < 1) {
      throw new IllegalArgumentException("too few policies: " + policies);
    }
    spd = new Spd();
    List<Policy> specs = buildPolicies();
    spd.addAll(specs);
    if (spd.size() != policies) {
      throw new IllegalStateException("built " + spd.size() + " policies, wanted " + policies);
    }
    Random r = new Random(42);
    for (int i = 0; i < PACKETS; i++) {
      packets[i] = traffic.equals("mix") ? mixPacket(r) : missPacket(r);
    }
    verify();
  }

  /** One lookup of the next packet in the rotation. */
  @Benchmark
  public Policy lookup() {
    PacketInfo p = packets[next];
    next = (next + 1) & (PACKETS - 1);
    return spd.lookup(Direction.OUT, p);
  }

  private List<Policy> buildPolicies() throws UnknownHostException {
    InetAddress underlayLocal = InetAddress.getByName("192.0.2.1");
    List<EspSuite> suites = List.of(EspSuite.AES128_GCM16);
    IpPrefix any = IpPrefix.ANY4;
    IpPrefix local = prefix(LOCAL, 32);
    List<Policy> out = new ArrayList<>(policies);
    out.add(spec("bypass-ssh", 100, tcp(any, any, 22), Action.BYPASS, null));
    out.add(
        spec(
            "bypass-icmp",
            100,
            new Selector(any, any, PacketInfo.PROTO_ICMP, PortRange.ANY, PortRange.ANY, -1, -1),
            Action.BYPASS,
            null));
    out.add(
        spec(
            "bypass-dns",
            100,
            new Selector(
                local,
                prefix(DNS, 32),
                PacketInfo.PROTO_UDP,
                PortRange.ANY,
                PortRange.single(53),
                -1,
                -1),
            Action.BYPASS,
            null));
    out.add(spec("discard-telnet", 90, tcp(any, any, 23), Action.DISCARD, null));
    for (int i = 0; i < blocked; i++) {
      out.add(
          spec(
              "blocked-" + i,
              10,
              Selector.between(local, prefix(BLOCKED + i, 32)),
              Action.DISCARD,
              null));
    }
    for (int i = 0; i < subnets; i++) {
      IpsecTemplate t =
          new IpsecTemplate(IpsecMode.TUNNEL, suites, underlayLocal, underlay(10_000 + i));
      out.add(
          spec(
              "site-" + i,
              10,
              Selector.between(local, prefix(SUBNETS + (i << 8), 24)),
              Action.PROTECT,
              t));
    }
    for (int i = 0; i < peers; i++) {
      IpsecTemplate t = new IpsecTemplate(IpsecMode.TRANSPORT, suites, underlayLocal, underlay(i));
      out.add(
          spec("peer-" + i, 10, Selector.between(local, prefix(PEERS + i, 32)), Action.PROTECT, t));
    }
    return out;
  }

  private PacketInfo mixPacket(Random r) {
    int d = r.nextInt(100);
    int sport = 32768 + r.nextInt(28000);
    PacketInfo p = new PacketInfo();
    p.reset();
    if (d < 65) {
      int proto = r.nextBoolean() ? PacketInfo.PROTO_TCP : PacketInfo.PROTO_UDP;
      p.ipv4(LOCAL, randomPeer(r)).transport(proto, sport, service(r));
    } else if (d < 75) {
      int host = SUBNETS + (r.nextInt(subnets) << 8) + 1 + r.nextInt(254);
      p.ipv4(LOCAL, host).transport(PacketInfo.PROTO_TCP, sport, service(r));
    } else if (d < 80) {
      p.ipv4(LOCAL, randomPeer(r)).transport(PacketInfo.PROTO_TCP, sport, 22);
    } else if (d < 85) {
      p.ipv4(LOCAL, randomPeer(r)).icmp(PacketInfo.PROTO_ICMP, 8, 0);
    } else if (d < 87) {
      p.ipv4(LOCAL, DNS).transport(PacketInfo.PROTO_UDP, sport, 53);
    } else if (d < 89) {
      p.ipv4(LOCAL, randomPeer(r)).transport(PacketInfo.PROTO_TCP, sport, 23);
    } else if (d < 92 && blocked > 0) {
      p.ipv4(LOCAL, BLOCKED + r.nextInt(blocked)).transport(PacketInfo.PROTO_TCP, sport, 443);
    } else {
      return missPacket(r);
    }
    return p;
  }

  /** A packet no policy matches: an uncovered destination, or a foreign source. */
  private PacketInfo missPacket(Random r) {
    PacketInfo p = new PacketInfo();
    p.reset();
    int sport = 32768 + r.nextInt(28000);
    // An internet destination no policy covers; an address in the mesh's 10/8 with no peer or
    // subnet; a peer's address but a source that is not ours (forwarded traffic).
    switch (r.nextInt(3)) {
      case 0 ->
          p.ipv4(LOCAL, addr(203, 0, 113, r.nextInt(256)))
              .transport(PacketInfo.PROTO_TCP, sport, 443);
      case 1 ->
          p.ipv4(LOCAL, addr(10, 11, r.nextInt(256), r.nextInt(256)))
              .transport(PacketInfo.PROTO_UDP, sport, 4789);
      default ->
          p.ipv4(addr(172, 16, 0, 5), randomPeer(r)).transport(PacketInfo.PROTO_TCP, sport, 443);
    }
    return p;
  }

  /**
   * Checks every packet's lookup against a linear scan, and that the mix really spreads over the
   * actions (so a change of the set above cannot silently turn the benchmark into all misses).
   */
  private void verify() {
    List<Policy> all = spd.policies();
    Map<Action, Integer> counts = new EnumMap<>(Action.class);
    int misses = 0;
    for (PacketInfo p : packets) {
      Policy want = null;
      for (Policy c : all) {
        if (c.direction() == Direction.OUT
            && c.selector().matches(p)
            && (want == null || c.beats(want))) {
          want = c;
        }
      }
      Policy got = spd.lookup(Direction.OUT, p);
      if (got != want) {
        throw new IllegalStateException("lookup of " + p + " gave " + got + ", expected " + want);
      }
      if (got == null) {
        misses++;
      } else {
        counts.merge(got.action(), 1, Integer::sum);
      }
    }
    if (traffic.equals("miss")) {
      if (misses != PACKETS) {
        throw new IllegalStateException("miss traffic matched " + (PACKETS - misses) + " packets");
      }
      return;
    }
    int protect = counts.getOrDefault(Action.PROTECT, 0);
    int bypass = counts.getOrDefault(Action.BYPASS, 0);
    int discard = counts.getOrDefault(Action.DISCARD, 0);
    if (protect < PACKETS * 6 / 10
        || bypass < PACKETS / 20
        || discard < PACKETS / 100
        || misses < PACKETS / 25) {
      throw new IllegalStateException(
          "unexpected mix: "
              + counts
              + ", misses "
              + misses
              + " of "
              + PACKETS
              + " (policies "
              + policies
              + ")");
    }
  }

  private int randomPeer(Random r) {
    return PEERS + r.nextInt(peers);
  }

  private static int service(Random r) {
    return SERVICE_PORTS[r.nextInt(SERVICE_PORTS.length)];
  }

  private static Policy spec(
      String name, int priority, Selector s, Action action, IpsecTemplate template) {
    return new Policy(0, name, priority, Direction.OUT, s, action, template);
  }

  private static Selector tcp(IpPrefix src, IpPrefix dst, int dport) {
    return new Selector(
        src, dst, PacketInfo.PROTO_TCP, PortRange.ANY, PortRange.single(dport), -1, -1);
  }

  private static IpPrefix prefix(int address, int length) {
    return new IpPrefix(4, 0, address & 0xFFFF_FFFFL, length);
  }

  /** The peer's underlay (outer) address: 198.18.0.0/15, the benchmarking range (RFC 2544). */
  private static InetAddress underlay(int i) throws UnknownHostException {
    return InetAddress.getByAddress(
        new byte[] {(byte) 198, (byte) (18 + (i >>> 16)), (byte) (i >>> 8), (byte) i});
  }

  private static int addr(int a, int b, int c, int d) {
    return a << 24 | b << 16 | c << 8 | d;
  }
}
