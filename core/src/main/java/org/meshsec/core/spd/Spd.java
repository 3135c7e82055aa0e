package org.meshsec.core.spd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.packet.PacketInfo;

/**
 * The Security Policy Database (RFC 4301 section 4.4.1): an ordered set of {@link Policy} entries
 * and the lookup the packet path does for every packet, in each {@link Direction}.
 *
 * <h2>Semantics</h2>
 *
 * {@link #lookup} returns the matching policy ({@link Selector#matches}) of that direction with the
 * highest priority; among equal priorities the one with the lowest id, i.e. the one added first.
 * This is RFC 4301's "first match in an ordered SPD" with priorities layered on top, so narrow
 * exceptions (SSH or ICMP BYPASS) override broad PROTECT rules. {@code null} means no policy
 * matched: the caller counts it (InNoPols / OutNoPols) and applies its default.
 *
 * <h2>Structure: tuple space search</h2>
 *
 * For each (direction, IP version) the policies are grouped by their tuple (source prefix length,
 * destination prefix length). Inside a group every policy's prefixes are exact keys once the
 * packet's addresses are masked with the group's masks, so a group is one hash table from the
 * masked (source, destination) pair -- four longs -- to the policies of that pair, sorted by
 * (priority desc, id asc). The protocol, port and ICMP parts of the selector are checked on those
 * candidates only. Groups are visited in order of their best (priority, id); the walk stops as soon
 * as the best match found so far beats the best policy the next group could offer.
 *
 * <p>Complexity, with n policies in the (direction, version) and G distinct tuples among them (G is
 * at most 33 x 33 for IPv4 and 129 x 129 for IPv6; a mesh config has a handful: /32-/32 peers,
 * /0-/0 exceptions, a few subnets): a lookup costs at most G hash probes plus the candidates
 * rejected by their protocol/port check, independent of n, and usually far fewer than G thanks to
 * the early stop. The hash tables are open-addressing arrays keyed by the four longs, at most half
 * full, so a probe is O(1) expected and allocates nothing. Building a snapshot costs O(n log n).
 * The pathological case -- many policies sharing one address pair that differ only in ports -- is a
 * linear scan of that pair's candidates.
 *
 * <h2>Thread-safety</h2>
 *
 * Copy-on-write. Lookups read one volatile field and walk an immutable {@link Snapshot}: they never
 * lock, never allocate, and see either the old or the new set of policies, never a mix. Mutations
 * ({@link #add}, {@link #remove}, {@link #replaceAll}, ...) are serialized by a lock, build a
 * complete new snapshot (O(n log n)) and publish it; use {@link #addAll} or {@link #replaceAll} to
 * load many policies at once.
 */
public final class Spd {
  private final Object writeLock = new Object();
  private volatile Snapshot current = Snapshot.EMPTY;

  /** The id the next added policy gets; ids are never reused. Guarded by writeLock. */
  private long nextId = 1;

  /**
   * Adds a policy and returns it with its assigned id.
   *
   * @throws IllegalArgumentException if the fields do not make a valid {@link Policy}
   */
  public Policy add(
      String name,
      int priority,
      Direction direction,
      Selector selector,
      Action action,
      IpsecTemplate template) {
    return add(new Policy(0, name, priority, direction, selector, action, template));
  }

  /** Adds a copy of {@code spec} under a newly assigned id (its own id is ignored). */
  public Policy add(Policy spec) {
    return addAll(List.of(spec)).get(0);
  }

  /**
   * Adds copies of {@code specs} (their ids ignored) with new ids in list order, in one snapshot
   * rebuild. Returns the added policies.
   */
  public List<Policy> addAll(List<Policy> specs) {
    synchronized (writeLock) {
      List<Policy> added = assignIds(specs);
      List<Policy> all = new ArrayList<>(current.policies());
      all.addAll(added);
      current = new Snapshot(all);
      return added;
    }
  }

  /** Removes the policy with {@code id}. Returns whether there was one. */
  public boolean remove(long id) {
    synchronized (writeLock) {
      Snapshot s = current;
      if (s.get(id) == null) {
        return false;
      }
      List<Policy> all = new ArrayList<>(s.size());
      for (Policy p : s.policies()) {
        if (p.id() != id) {
          all.add(p);
        }
      }
      current = new Snapshot(all);
      return true;
    }
  }

  /**
   * Atomically replaces every policy (config load or reload): copies of {@code specs} get new ids
   * in list order, so list order breaks priority ties exactly as on a fresh start. Lookups see
   * either all old or all new policies. Ids are not kept across a replace: match policies by {@link
   * Policy#name} to carry state over. Returns the new policies.
   */
  public List<Policy> replaceAll(List<Policy> specs) {
    synchronized (writeLock) {
      List<Policy> added = assignIds(specs);
      current = new Snapshot(added);
      return added;
    }
  }

  /**
   * Atomically replaces every policy, keeping the id of each spec whose id is positive (a policy
   * unchanged across a reload, so the SAs bound to it by id stay bound) and assigning a new id to
   * each spec with id 0. Among equal priorities the lower id still wins, so a policy kept from
   * before wins ties against one added by the reload.
   *
   * @throws IllegalArgumentException if two specs carry the same positive id
   */
  public List<Policy> replaceAllKeepingIds(List<Policy> specs) {
    synchronized (writeLock) {
      java.util.Set<Long> seen = new java.util.HashSet<>();
      List<Policy> out = new ArrayList<>(specs.size());
      for (Policy spec : specs) {
        Objects.requireNonNull(spec, "policy");
        if (spec.id() > 0) {
          if (!seen.add(spec.id())) {
            throw new IllegalArgumentException("duplicate policy id " + spec.id());
          }
          nextId = Math.max(nextId, spec.id() + 1);
        }
      }
      for (Policy spec : specs) {
        out.add(spec.id() > 0 ? spec : spec.withId(nextId++));
      }
      current = new Snapshot(out);
      return out;
    }
  }

  /** The current immutable snapshot: one consistent view for a batch of lookups or the CLI. */
  public Snapshot snapshot() {
    return current;
  }

  /** Publishes an earlier {@link #snapshot()} again (e.g. to roll back a failed reload). */
  public void restore(Snapshot snapshot) {
    Objects.requireNonNull(snapshot, "snapshot");
    synchronized (writeLock) {
      int n = snapshot.size();
      if (n > 0) {
        // a snapshot of another Spd may hold ids beyond ours: never hand them out again
        nextId = Math.max(nextId, snapshot.policies().get(n - 1).id() + 1);
      }
      current = snapshot;
    }
  }

  /** See {@link Snapshot#lookup}. Lock- and allocation-free. */
  public Policy lookup(Direction direction, PacketInfo packet) {
    return current.lookup(direction, packet);
  }

  /** All policies in id order (an immutable list), for the CLI. */
  public List<Policy> policies() {
    return current.policies();
  }

  /** The policy with this id, or null. */
  public Policy get(long id) {
    return current.get(id);
  }

  /** The number of policies, without iterating. */
  public int size() {
    return current.size();
  }

  private List<Policy> assignIds(List<Policy> specs) {
    List<Policy> out = new ArrayList<>(specs.size());
    for (Policy spec : specs) {
      out.add(Objects.requireNonNull(spec, "policy").withId(nextId++));
    }
    return out;
  }

  /**
   * An immutable SPD state and its lookup structure. Thread-safe: immutable, safely published
   * through final fields.
   */
  public static final class Snapshot {
    static final Snapshot EMPTY = new Snapshot(List.of());

    private final Policy[] byId;
    private final List<Policy> policies;

    /** Indexed by {@code direction.ordinal() * 2 + (version == 6 ? 1 : 0)}. */
    private final Table[] tables;

    Snapshot(List<Policy> policies) {
      Policy[] sorted = policies.toArray(new Policy[0]);
      Arrays.sort(sorted, Comparator.comparingLong(Policy::id));
      for (int i = 1; i < sorted.length; i++) {
        if (sorted[i].id() == sorted[i - 1].id()) {
          throw new IllegalArgumentException("duplicate policy id " + sorted[i].id());
        }
      }
      this.byId = sorted;
      this.policies = Collections.unmodifiableList(Arrays.asList(sorted.clone()));
      Direction[] dirs = Direction.values();
      this.tables = new Table[dirs.length * 2];
      for (Direction d : dirs) {
        for (int v6 = 0; v6 < 2; v6++) {
          int version = v6 == 1 ? 6 : 4;
          List<Rule> rules = new ArrayList<>();
          for (Policy p : sorted) {
            if (p.direction() == d && p.selector().version() == version) {
              rules.add(new Rule(p));
            }
          }
          tables[d.ordinal() * 2 + v6] = new Table(version, rules);
        }
      }
    }

    /**
     * The winning policy for {@code packet} in {@code direction} (highest priority, then lowest
     * id), or null if none matches or the packet's version is neither 4 nor 6. Never locks or
     * allocates.
     */
    public Policy lookup(Direction direction, PacketInfo packet) {
      int v = packet.version;
      if (v != 4 && v != 6) {
        return null;
      }
      return tables[direction.ordinal() * 2 + (v == 6 ? 1 : 0)].lookup(packet);
    }

    /** All policies in id order (immutable). */
    public List<Policy> policies() {
      return policies;
    }

    /** The policy with this id, or null (binary search). */
    public Policy get(long id) {
      int lo = 0;
      int hi = byId.length - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        long m = byId[mid].id();
        if (m < id) {
          lo = mid + 1;
        } else if (m > id) {
          hi = mid - 1;
        } else {
          return byId[mid];
        }
      }
      return null;
    }

    /** The number of policies. */
    public int size() {
      return byId.length;
    }

    /** The number of (source, destination) prefix-length groups a lookup may visit; for tests. */
    int groupCount(Direction direction, int version) {
      return tables[direction.ordinal() * 2 + (version == 6 ? 1 : 0)].groups.length;
    }
  }

  /** A policy flattened for the candidate check (fewer pointer chases on the hot path). */
  private static final class Rule {
    final Policy policy;
    final int priority;
    final long id;
    final int protocol;
    final boolean icmp;
    final boolean portsAny;
    final boolean srcAny;
    final int srcFrom;
    final int srcTo;
    final boolean dstAny;
    final int dstFrom;
    final int dstTo;
    final int icmpType;
    final int icmpCode;

    Rule(Policy p) {
      Selector s = p.selector();
      this.policy = p;
      this.priority = p.priority();
      this.id = p.id();
      this.protocol = s.protocol();
      this.icmp = PacketInfo.isIcmp(protocol);
      this.srcAny = s.srcPorts().isAny();
      this.dstAny = s.dstPorts().isAny();
      this.portsAny = srcAny && dstAny;
      this.srcFrom = s.srcPorts().from();
      this.srcTo = s.srcPorts().to();
      this.dstFrom = s.dstPorts().from();
      this.dstTo = s.dstPorts().to();
      this.icmpType = s.icmpType();
      this.icmpCode = s.icmpCode();
    }

    boolean beats(Rule o) {
      return priority != o.priority ? priority > o.priority : id < o.id;
    }

    /** The non-address part of {@link Selector#matches}, same semantics. */
    boolean matchesUpperLayer(PacketInfo p) {
      if (protocol == Selector.ANY_PROTOCOL) {
        return true;
      }
      if (p.protocol != protocol) {
        return false;
      }
      if (icmp) {
        return (icmpType < 0 || (!p.fragment && p.icmpType == icmpType))
            && (icmpCode < 0 || (!p.fragment && p.icmpCode == icmpCode));
      }
      if (portsAny) {
        return true;
      }
      return !p.fragment
          && (srcAny || (p.srcPort >= srcFrom && p.srcPort <= srcTo))
          && (dstAny || (p.dstPort >= dstFrom && p.dstPort <= dstTo));
    }
  }

  /** The tuple space of one (direction, version): groups sorted by their best rule. */
  private static final class Table {
    final Group[] groups;

    Table(int version, List<Rule> rules) {
      Map<Integer, List<Rule>> byTuple = new HashMap<>();
      for (Rule r : rules) {
        Selector s = r.policy.selector();
        int tuple = s.src().length() << 8 | s.dst().length();
        byTuple.computeIfAbsent(tuple, k -> new ArrayList<>()).add(r);
      }
      List<Group> gs = new ArrayList<>();
      for (Map.Entry<Integer, List<Rule>> e : byTuple.entrySet()) {
        gs.add(new Group(version, e.getKey() >>> 8, e.getKey() & 0xFF, e.getValue()));
      }
      gs.sort((a, b) -> a.best.beats(b.best) ? -1 : b.best.beats(a.best) ? 1 : 0);
      this.groups = gs.toArray(new Group[0]);
    }

    Policy lookup(PacketInfo p) {
      Rule best = null;
      for (Group g : groups) {
        if (best != null && !g.best.beats(best)) {
          break; // groups are sorted: no later group can offer anything better either
        }
        Rule[] candidates =
            g.find(
                p.srcHi & g.srcMaskHi,
                p.srcLo & g.srcMaskLo,
                p.dstHi & g.dstMaskHi,
                p.dstLo & g.dstMaskLo);
        if (candidates == null) {
          continue;
        }
        for (Rule r : candidates) {
          if (best != null && !r.beats(best)) {
            break; // sorted: the rest of this bucket loses too
          }
          if (r.matchesUpperLayer(p)) {
            best = r;
            break;
          }
        }
      }
      return best == null ? null : best.policy;
    }
  }

  /**
   * One (source length, destination length) tuple: an open-addressing hash table (linear probing,
   * load factor at most 1/2) from the masked address pair to its rules, best first.
   */
  private static final class Group {
    final long srcMaskHi;
    final long srcMaskLo;
    final long dstMaskHi;
    final long dstMaskLo;

    /** The best rule of the group: the most any packet can get from it. */
    final Rule best;

    /** Four longs per slot: src hi, src lo, dst hi, dst lo. */
    final long[] keys;

    /** Rules per slot, sorted best first; null marks an empty slot. */
    final Rule[][] values;

    final int mask;

    Group(int version, int srcLen, int dstLen, List<Rule> rules) {
      srcMaskHi = IpPrefix.maskHi(version, srcLen);
      srcMaskLo = IpPrefix.maskLo(version, srcLen);
      dstMaskHi = IpPrefix.maskHi(version, dstLen);
      dstMaskLo = IpPrefix.maskLo(version, dstLen);
      Map<Key, List<Rule>> byKey = new HashMap<>();
      for (Rule r : rules) {
        Selector s = r.policy.selector();
        Key k = new Key(s.src().hi(), s.src().lo(), s.dst().hi(), s.dst().lo());
        byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(r);
      }
      int cap = Integer.highestOneBit(Math.max(2, byKey.size() * 2 - 1)) << 1;
      keys = new long[cap * 4];
      values = new Rule[cap][];
      mask = cap - 1;
      Rule top = null;
      for (Map.Entry<Key, List<Rule>> e : byKey.entrySet()) {
        Key k = e.getKey();
        Rule[] sorted = e.getValue().toArray(new Rule[0]);
        Arrays.sort(sorted, (a, b) -> a.beats(b) ? -1 : b.beats(a) ? 1 : 0);
        if (top == null || sorted[0].beats(top)) {
          top = sorted[0];
        }
        int i = hash(k.a, k.b, k.c, k.d) & mask;
        while (values[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i * 4] = k.a;
        keys[i * 4 + 1] = k.b;
        keys[i * 4 + 2] = k.c;
        keys[i * 4 + 3] = k.d;
        values[i] = sorted;
      }
      best = top;
    }

    Rule[] find(long a, long b, long c, long d) {
      int i = hash(a, b, c, d) & mask;
      while (true) {
        Rule[] v = values[i];
        if (v == null) {
          return null;
        }
        int k = i * 4;
        if (keys[k] == a && keys[k + 1] == b && keys[k + 2] == c && keys[k + 3] == d) {
          return v;
        }
        i = (i + 1) & mask;
      }
    }

    private static int hash(long a, long b, long c, long d) {
      long h = a * 0x9E3779B97F4A7C15L + b;
      h = h * 0x9E3779B97F4A7C15L + c;
      h = h * 0x9E3779B97F4A7C15L + d;
      // MurmurHash3 fmix64
      h ^= h >>> 33;
      h *= 0xFF51AFD7ED558CCDL;
      h ^= h >>> 33;
      h *= 0xC4CEB9FE1A85EC53L;
      h ^= h >>> 33;
      return (int) h;
    }

    private record Key(long a, long b, long c, long d) {}
  }
}
