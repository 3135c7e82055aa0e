package org.meshsec.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.PolicyKey;

/**
 * What a reload from one configuration to the next does, computed from the two alone (a pure
 * function: no SPD, SAD or socket is looked at) and then carried out by the daemon in one place.
 *
 * <pre>
 *  of(before, after):
 *    policies (by {@link PolicyKey}), manual SAs (by name), peers (by name) -&gt; added / removed /
 *      changed ({@link Delta}); policy ids are ignored, SA keys compared in constant time
 *    [node], [tun], [listen], [routing] changed             -&gt; {@link Restart} (DAEMON), per key
 *    [metrics] changed                                      -&gt; {@link Restart} (METRICS)
 *    IKE peers (mesh-derived ones included)                 -&gt; {@link PeerStep}s:
 *      added                                                   ADD (negotiated per start action)
 *      removed                                                 REMOVE (IKE SAs deleted, Delete sent)
 *      changed settings, or one of its policies removed or
 *        changed                                               RENEGOTIATE (deleted, then anew)
 *      only policies added                                     EXTEND (new Child SAs only)
 *      only its PSK or certificate changed                     CREDENTIALS (new negotiations)
 *      unchanged, with unchanged policies                      nothing: SAs, sequence numbers
 *                                                              and replay windows stay
 *    policies kept: in both with the same content (their SPD ids, and so their SAs, stay)
 *    SAs to remove: SAs of {@code before} not kept;  SAs to install: SAs of {@code after} not kept
 *      (an SA is kept when it is in both, unchanged, and its policy is kept)
 * </pre>
 *
 * A plan with a {@link #restarts() restart} is refused as a whole: the running configuration stays.
 *
 * <p>Immutable. {@link #toString()} prints no key material (SAs and peers print none).
 *
 * @param policies policies added, removed, changed
 * @param sas manual SAs added, removed, changed (including a different key or SPI); an SA whose own
 *     fields are unchanged is not listed even if its policy changed
 * @param peers IKE peers added, removed, changed
 * @param peersChanged whether the {@code [[peer]]} tables differ at all, their order included
 * @param policiesKept the policies left as they run
 * @param sasToRemove SAs of the old configuration to delete from the SAD, in its order
 * @param sasToInstall SAs of the new configuration to install, in its order
 * @param restarts what cannot be applied to a running node; empty when the plan can be applied
 * @param peerSteps what happens to each IKE peer that is not left as it runs, in the order: the
 *     removed peers (old configuration order), then the new configuration's peers in its order
 */
public record ReloadPlan(
    Delta<Policy> policies,
    Delta<ManualSa> sas,
    Delta<IkePeer> peers,
    boolean peersChanged,
    Set<PolicyKey> policiesKept,
    List<ManualSa> sasToRemove,
    List<ManualSa> sasToInstall,
    List<Restart> restarts,
    List<PeerStep> peerSteps) {

  /** One entry present in both configurations with different contents. */
  public record Change<T>(T before, T after) {}

  /**
   * The entries added, removed and changed between two configurations; lists keep the order of the
   * configuration that holds them.
   */
  public record Delta<T>(List<T> added, List<T> removed, List<Change<T>> changed) {
    public Delta {
      added = List.copyOf(added);
      removed = List.copyOf(removed);
      changed = List.copyOf(changed);
    }

    public boolean isEmpty() {
      return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }
  }

  /** Why a part of the change needs a restart ({@code meshsec run}) instead of a reload. */
  public enum Rule {
    /** The node's identity, its TUN device and its sockets are set up once, at start. */
    DAEMON(
        "changes to [node], [tun], [listen], [routing] or [datapath] need a restart (meshsec run)"),
    /** The metrics endpoint is bound once, at start. */
    METRICS("a changed [metrics] listen address needs a restart (meshsec run)");

    private final String message;

    Rule(String message) {
      this.message = message;
    }

    /** The rule for people. */
    public String message() {
      return message;
    }
  }

  /**
   * One change a running node cannot apply.
   *
   * @param rule why it needs a restart
   * @param what the change, for people: the table and the keys changed ({@code [tun] mtu, routes}),
   *     {@code [[peer]] beta added}
   */
  public record Restart(Rule rule, String what) {}

  /** What a reload does to the IKE SAs of one peer. */
  public enum PeerAction {
    /** A new peer: negotiated per its start action ("start" now, "trap" on traffic). */
    ADD,
    /** A peer no longer configured: its IKE SAs (and Child SAs) are deleted, a Delete sent. */
    REMOVE,
    /**
     * Its settings or the policies it negotiates changed: its IKE SAs are deleted (a Delete sent)
     * and negotiated again with the new configuration, per its start action.
     */
    RENEGOTIATE,
    /**
     * Only policies were added to it: its SAs stay, the new Child SAs are negotiated per its start
     * action.
     */
    EXTEND,
    /** Only its pre-shared key or certificate changed: its SAs stay; new negotiations use them. */
    CREDENTIALS
  }

  /**
   * What a reload does to one peer.
   *
   * @param peer its name
   * @param action what happens to its SAs
   */
  public record PeerStep(String peer, PeerAction action) {}

  public ReloadPlan {
    Objects.requireNonNull(policies, "policies");
    Objects.requireNonNull(sas, "sas");
    Objects.requireNonNull(peers, "peers");
    policiesKept = Set.copyOf(policiesKept);
    sasToRemove = List.copyOf(sasToRemove);
    sasToInstall = List.copyOf(sasToInstall);
    restarts = List.copyOf(restarts);
    peerSteps = List.copyOf(peerSteps);
  }

  /** Plans the reload from {@code before} (running) to {@code after} (validated). */
  public static ReloadPlan of(NodeConfig before, NodeConfig after) {
    Delta<Policy> policies =
        delta(before.policies(), after.policies(), Policy::key, ReloadPlan::sameContent);
    Delta<ManualSa> sas = delta(before.sas(), after.sas(), ManualSa::name, ManualSa::equals);
    Delta<IkePeer> peers = delta(before.peers(), after.peers(), IkePeer::name, IkePeer::equals);
    boolean peersChanged = !before.peers().equals(after.peers());

    Set<PolicyKey> kept = new LinkedHashSet<>();
    after.policies().forEach(p -> kept.add(p.key()));
    policies.added().forEach(p -> kept.remove(p.key()));
    policies.changed().forEach(c -> kept.remove(c.after().key()));

    Map<String, ManualSa> oldSas = byName(before.sas(), ManualSa::name);
    Map<String, ManualSa> newSas = byName(after.sas(), ManualSa::name);
    List<ManualSa> remove = new ArrayList<>();
    for (ManualSa s : before.sas()) {
      if (!keeps(s, newSas.get(s.name()), kept)) {
        remove.add(s);
      }
    }
    List<ManualSa> install = new ArrayList<>();
    for (ManualSa n : after.sas()) {
      if (!keeps(oldSas.get(n.name()), n, kept)) {
        install.add(n);
      }
    }
    return new ReloadPlan(
        policies,
        sas,
        peers,
        peersChanged,
        kept,
        remove,
        install,
        restarts(before, after),
        peerSteps(before, after, policies, peers));
  }

  private static List<PeerStep> peerSteps(
      NodeConfig before, NodeConfig after, Delta<Policy> policies, Delta<IkePeer> peers) {
    List<PeerStep> out = new ArrayList<>();
    peers.removed().forEach(p -> out.add(new PeerStep(p.name(), PeerAction.REMOVE)));
    Set<String> touched = new LinkedHashSet<>();
    policies.removed().forEach(p -> touched.add(p.name()));
    policies.changed().forEach(c -> touched.add(c.before().name()));
    Map<String, IkePeer> old = byName(before.peers(), IkePeer::name);
    for (IkePeer n : after.peers()) {
      IkePeer o = old.get(n.name());
      if (o == null) {
        out.add(new PeerStep(n.name(), PeerAction.ADD));
        continue;
      }
      boolean policiesTouched = o.policies().stream().anyMatch(touched::contains);
      boolean policiesKept = n.policies().containsAll(o.policies());
      boolean settings = !o.withAuth(n.auth()).withPolicies(n.policies()).equals(n);
      if (settings || policiesTouched || !policiesKept) {
        out.add(new PeerStep(n.name(), PeerAction.RENEGOTIATE));
      } else if (!n.policies().equals(o.policies())) {
        out.add(new PeerStep(n.name(), PeerAction.EXTEND));
      } else if (!o.auth().equals(n.auth())) {
        out.add(new PeerStep(n.name(), PeerAction.CREDENTIALS));
      }
    }
    return out;
  }

  /** An SA stays installed when it is in both configurations, unchanged, and its policy is kept. */
  private static boolean keeps(ManualSa before, ManualSa after, Set<PolicyKey> kept) {
    return before != null
        && after != null
        && before.equals(after) // includes a constant-time key comparison
        && kept.contains(after.policyKey());
  }

  private static List<Restart> restarts(NodeConfig before, NodeConfig after) {
    List<Restart> out = new ArrayList<>();
    String[] daemon = {
      ChangedKeys.node(before.node(), after.node()),
      ChangedKeys.tun(before.tun(), after.tun()),
      ChangedKeys.listen(before.listen(), after.listen()),
      ChangedKeys.routing(before.routing(), after.routing()),
      ChangedKeys.datapath(before.datapath(), after.datapath())
    };
    for (String what : daemon) {
      if (what != null) {
        out.add(new Restart(Rule.DAEMON, what));
      }
    }
    String metrics = ChangedKeys.metrics(before.metrics(), after.metrics());
    if (metrics != null) {
      out.add(new Restart(Rule.METRICS, metrics));
    }
    return out;
  }

  /** Whether the two configurations are equivalent: a reload has nothing to do. */
  public boolean isEmpty() {
    return policies.isEmpty()
        && sas.isEmpty()
        && peers.isEmpty()
        && !peersChanged
        && restarts.isEmpty()
        && peerSteps.isEmpty();
  }

  /** The steps with this action, in plan order. */
  public List<String> peers(PeerAction action) {
    return peerSteps.stream().filter(s -> s.action() == action).map(PeerStep::peer).toList();
  }

  /** Whether the plan can be applied to a running node (nothing needs a restart). */
  public boolean applicable() {
    return restarts.isEmpty();
  }

  /**
   * Why the plan is refused: the rule of its first restart ({@link Rule#DAEMON}, then {@link
   * Rule#METRICS}), or empty when it can be applied.
   */
  public Optional<String> refusal() {
    return restarts.stream().map(r -> r.rule().message()).findFirst();
  }

  /** Whether the policy stays as it runs (same SPD id, its SAs untouched). */
  public boolean keeps(PolicyKey policy) {
    return policiesKept.contains(policy);
  }

  private static <T, K> Delta<T> delta(
      List<T> before, List<T> after, Function<T, K> key, BiPredicate<T, T> same) {
    Map<K, T> old = byName(before, key);
    Map<K, T> next = byName(after, key);
    List<T> added = new ArrayList<>();
    List<Change<T>> changed = new ArrayList<>();
    for (T t : after) {
      T o = old.get(key.apply(t));
      if (o == null) {
        added.add(t);
      } else if (!same.test(o, t)) {
        changed.add(new Change<>(o, t));
      }
    }
    List<T> removed = new ArrayList<>();
    for (T t : before) {
      if (!next.containsKey(key.apply(t))) {
        removed.add(t);
      }
    }
    return new Delta<>(added, removed, changed);
  }

  private static <T, K> Map<K, T> byName(List<T> items, Function<T, K> key) {
    Map<K, T> out = new LinkedHashMap<>();
    for (T t : items) {
      out.put(key.apply(t), t);
    }
    return out;
  }

  /** Equality of everything but the SPD-assigned id. */
  private static boolean sameContent(Policy a, Policy b) {
    return a.priority() == b.priority()
        && a.direction() == b.direction()
        && a.name().equals(b.name())
        && a.selector().equals(b.selector())
        && a.action() == b.action()
        && Objects.equals(a.template(), b.template());
  }
}
