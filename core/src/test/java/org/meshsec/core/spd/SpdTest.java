package org.meshsec.core.spd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.net.PortRange;
import org.meshsec.core.packet.PacketInfo;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;

class SpdTest {
  static final IpsecTemplate TEMPLATE = template("192.0.2.2");

  static IpsecTemplate template(String peer) {
    try {
      return new IpsecTemplate(
          IpsecMode.TRANSPORT,
          List.of(EspSuite.AES128_GCM16),
          InetAddress.getByName("192.0.2.1"),
          InetAddress.getByName(peer));
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static Policy spec(String name, int prio, Direction d, Selector s, Action a) {
    return new Policy(0, name, prio, d, s, a, a == Action.PROTECT ? TEMPLATE : null);
  }

  static Selector sel(String src, String dst) {
    return Selector.between(IpPrefix.parse(src), IpPrefix.parse(dst));
  }

  static Selector sel(String src, String dst, int proto, PortRange sp, PortRange dp) {
    return new Selector(IpPrefix.parse(src), IpPrefix.parse(dst), proto, sp, dp, -1, -1);
  }

  private final PacketInfo p = new PacketInfo();

  private static int ip(String dotted) {
    return (int) IpPrefix.parse(dotted).lo();
  }

  @Test
  void highestPriorityWinsThenLowestId() {
    Spd spd = new Spd();
    Policy mesh =
        spd.add(
            spec("mesh", 100, Direction.OUT, sel("10.9.0.0/16", "10.9.0.0/16"), Action.PROTECT));
    Policy host =
        spd.add(spec("host", 100, Direction.OUT, sel("10.9.0.1", "10.9.0.2"), Action.PROTECT));
    Policy ssh =
        spd.add(
            spec(
                "ssh",
                1000,
                Direction.OUT,
                sel("0.0.0.0/0", "0.0.0.0/0", 6, PortRange.ANY, PortRange.single(22)),
                Action.BYPASS));
    Policy drop =
        spd.add(spec("drop", 0, Direction.OUT, sel("0.0.0.0/0", "0.0.0.0/0"), Action.DISCARD));
    assertEquals(List.of(1L, 2L, 3L, 4L), spd.policies().stream().map(Policy::id).toList());
    assertEquals(4, spd.size());

    p.ipv4(ip("10.9.0.1"), ip("10.9.0.2")).transport(17, 5000, 53);
    assertSame(mesh, spd.lookup(Direction.OUT, p), "tie at 100: the lower id (added first) wins");
    p.transport(6, 40000, 22);
    assertSame(ssh, spd.lookup(Direction.OUT, p));
    p.ipv4(ip("10.9.3.3"), ip("10.9.0.2")).transport(6, 1, 80);
    assertSame(mesh, spd.lookup(Direction.OUT, p));
    p.ipv4(ip("8.8.8.8"), ip("10.9.0.2"));
    assertSame(drop, spd.lookup(Direction.OUT, p));
    assertNull(spd.lookup(Direction.IN, p), "directions are separate");

    assertTrue(spd.remove(mesh.id()));
    assertFalse(spd.remove(mesh.id()));
    p.ipv4(ip("10.9.0.1"), ip("10.9.0.2")).transport(17, 5000, 53);
    assertSame(host, spd.lookup(Direction.OUT, p));
    assertEquals(3, spd.size());
    assertNull(spd.get(mesh.id()));
    assertSame(host, spd.get(host.id()));
  }

  @Test
  void ipv6AndIcmpExceptions() {
    Spd spd = new Spd();
    Policy protect =
        spd.add(spec("v6", 10, Direction.IN, sel("fd00::/64", "fd00::/64"), Action.PROTECT));
    Policy nd =
        spd.add(
            spec(
                "nd",
                500,
                Direction.IN,
                new Selector(
                    IpPrefix.ANY6, IpPrefix.ANY6, 58, PortRange.ANY, PortRange.ANY, 135, -1),
                Action.BYPASS));
    p.ipv6(0xFD00000000000000L, 1, 0xFD00000000000000L, 2).icmp(58, 135, 0);
    assertSame(nd, spd.lookup(Direction.IN, p));
    p.icmp(58, 128, 0);
    assertSame(protect, spd.lookup(Direction.IN, p));
    p.nonFirstFragment(58);
    assertSame(protect, spd.lookup(Direction.IN, p), "a fragment has no ICMP type to match");
    p.version = 5;
    assertNull(spd.lookup(Direction.IN, p));
    p.ipv4(1, 2).transport(17, 1, 2);
    assertNull(spd.lookup(Direction.IN, p), "IPv4 packet, IPv6 policies");
  }

  @Test
  void replaceAllAssignsFreshIdsInListOrderAndSnapshotsAreImmutable() {
    Spd spd = new Spd();
    spd.add(spec("a", 1, Direction.OUT, sel("10.0.0.0/8", "10.0.0.0/8"), Action.BYPASS));
    Spd.Snapshot before = spd.snapshot();
    List<Policy> added =
        spd.replaceAll(
            List.of(
                spec("x", 5, Direction.OUT, sel("10.0.0.0/8", "10.0.0.0/8"), Action.DISCARD),
                spec("y", 5, Direction.OUT, sel("10.0.0.0/8", "10.1.0.0/16"), Action.BYPASS)));
    assertEquals(List.of(2L, 3L), added.stream().map(Policy::id).toList());
    assertEquals(2, spd.size());
    p.ipv4(ip("10.0.0.1"), ip("10.1.0.1")).transport(6, 1, 2);
    assertEquals("x", spd.lookup(Direction.OUT, p).name(), "tie: first in the list wins");
    assertEquals("a", before.lookup(Direction.OUT, p).name(), "old snapshot unchanged");
    assertEquals(1, before.size());
    assertThrows(UnsupportedOperationException.class, () -> spd.policies().add(added.get(0)));

    spd.restore(before);
    assertEquals("a", spd.lookup(Direction.OUT, p).name());
    Policy next =
        spd.add(spec("z", 0, Direction.OUT, sel("1.0.0.0/8", "1.0.0.0/8"), Action.BYPASS));
    assertEquals(4L, next.id(), "ids are never reused, even after a restore");
  }

  @Test
  void addAllIsOneRebuildAndPolicyValidationApplies() {
    Spd spd = new Spd();
    List<Policy> specs = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      specs.add(spec("h" + i, 10, Direction.OUT, sel("10.0.0.1", "10.0.1." + i), Action.PROTECT));
    }
    List<Policy> added = spd.addAll(specs);
    assertEquals(100, spd.size());
    assertEquals(1L, added.get(0).id());
    assertEquals(1, spd.snapshot().groupCount(Direction.OUT, 4), "all /32-/32: one tuple");
    p.ipv4(ip("10.0.0.1"), ip("10.0.1.77")).transport(6, 1, 2);
    assertEquals("h77", spd.lookup(Direction.OUT, p).name());
    assertThrows(
        IllegalArgumentException.class,
        () -> spd.add("bad", 1, Direction.OUT, sel("10.0.0.1", "10.0.0.2"), Action.PROTECT, null));
  }

  @Test
  void lookupDoesNotAllocate() {
    Spd spd = new Spd();
    List<Policy> specs = new ArrayList<>();
    specs.add(
        spec(
            "ssh",
            1000,
            Direction.OUT,
            sel("0.0.0.0/0", "0.0.0.0/0", 6, PortRange.ANY, PortRange.single(22)),
            Action.BYPASS));
    for (int i = 0; i < 200; i++) {
      specs.add(spec("h" + i, 10, Direction.OUT, sel("10.0.0.1", "10.0.1." + i), Action.PROTECT));
      specs.add(
          spec(
              "s" + i,
              5,
              Direction.OUT,
              sel("10.0.0.0/24", "10." + i + ".0.0/16"),
              Action.PROTECT));
    }
    spd.replaceAll(specs);
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long found = 0;
    int src = ip("10.0.0.1");
    for (int round = 0; round < 2; round++) {
      long before = mx.getThreadAllocatedBytes(tid);
      for (int i = 0; i < 100_000; i++) {
        p.ipv4(src, 0x0A000100 | (i & 0x1FF)).transport(6, 1000, (i & 1) == 0 ? 22 : 80);
        found += spd.lookup(Direction.OUT, p) != null ? 1 : 0;
      }
      long allocated = mx.getThreadAllocatedBytes(tid) - before;
      if (round == 1) {
        assertTrue(allocated < 4096, "lookup allocated " + allocated + " bytes");
      }
    }
    assertTrue(found > 100_000);
  }

  /** Readers never lock and always see a complete set: policies of one generation or the next. */
  @Test
  void concurrentReadersSeeWholeSnapshots() throws Exception {
    Spd spd = new Spd();
    spd.replaceAll(generation(0));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<String> failure = new AtomicReference<>();
    Thread[] readers = new Thread[2];
    for (int t = 0; t < readers.length; t++) {
      readers[t] =
          new Thread(
              () -> {
                PacketInfo q = new PacketInfo();
                while (!stop.get()) {
                  Spd.Snapshot s = spd.snapshot();
                  String gen = null;
                  for (int i = 0; i < 16; i++) {
                    q.ipv4(0x0A000001, 0x0A000100 | i).transport(17, 1, 2);
                    Policy hit = s.lookup(Direction.OUT, q);
                    if (hit == null) {
                      failure.set("no policy for " + q);
                      return;
                    }
                    String g = hit.name().substring(0, hit.name().indexOf('-'));
                    if (gen != null && !gen.equals(g)) {
                      failure.set("mixed generations " + gen + " and " + g);
                      return;
                    }
                    gen = g;
                  }
                }
              });
      readers[t].start();
    }
    for (int g = 1; g <= 200; g++) {
      spd.replaceAll(generation(g));
    }
    stop.set(true);
    for (Thread t : readers) {
      t.join(10_000);
    }
    assertNull(failure.get());
    assertEquals(16, spd.size());
  }

  private static List<Policy> generation(int g) {
    List<Policy> out = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      out.add(
          spec(
              "g" + g + "-" + i,
              g % 7,
              Direction.OUT,
              sel("10.0.0.1", "10.0.1." + i),
              Action.BYPASS));
    }
    return out;
  }

  @Test
  void replaceAllKeepingIdsKeepsGivenIdsAndNumbersNewOnesAfterThem() {
    Spd spd = new Spd();
    List<Policy> first =
        spd.replaceAll(
            List.of(
                spec("a", 1, Direction.OUT, sel("10.0.0.0/24", "10.0.1.0/24"), Action.PROTECT),
                spec("b", 1, Direction.OUT, sel("10.0.0.0/24", "10.0.2.0/24"), Action.DISCARD)));
    Policy b = first.get(1);
    List<Policy> next =
        spd.replaceAllKeepingIds(
            List.of(
                spec("c", 1, Direction.OUT, sel("10.0.0.0/24", "10.0.3.0/24"), Action.BYPASS), b));
    assertEquals(b.id(), next.get(1).id(), "kept");
    assertTrue(next.get(0).id() > b.id(), "new id after every kept one");
    assertEquals(null, spd.get(first.get(0).id()), "removed");
    p.reset();
    p.ipv4(ip("10.0.0.1"), ip("10.0.2.1"));
    assertEquals(b.id(), spd.lookup(Direction.OUT, p).id());
    assertThrows(
        IllegalArgumentException.class, () -> spd.replaceAllKeepingIds(List.of(b, b)), "dup id");
  }
}
