package org.meshsec.core.ike;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.meshsec.core.config.IkePeer;
import org.meshsec.core.config.NodeConfig;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.PolicyKey;
import org.meshsec.core.spd.Selector;
import org.meshsec.core.spd.Spd;
import org.meshsec.ike.config.AuthConfig;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.config.StartAction;

/**
 * The {@code [[peer]]} tables of a node's configuration translated into the IKE engine's {@link
 * PeerConfig}s, and the map back from the engine's Child SAs to the SPD.
 *
 * <p>Every SAD policy negotiated with IKE becomes one {@link ChildConfig} of its peer: its OUT
 * policy's id is the Child SA's {@code policyRef} (the SAD finds outbound SAs by policy id and
 * peer, so it finds a negotiated SA exactly as it finds a manual one), its selector gives the
 * traffic selector templates (RFC 7296 section 2.9), the peer its proposals and lifetimes.
 *
 * <p>A reload replaces the whole translation at once ({@link #replaceWith}); readers see either the
 * old one or the new one. The pre-shared keys of a replaced translation stay until {@link
 * #wipeRetired()} (an IKE SA still negotiating under the older configuration uses its key), all of
 * them until {@link #wipeKeys()}. Thread-safe.
 */
public final class PeerConfigs {

  /** What the SAD needs to know of one negotiated policy, by its OUT policy id. */
  private record Child(long inPolicyId, StartAction startAction) {}

  /** One translation: the engine's peers and the negotiated policies, replaced together. */
  private record State(List<PeerConfig> peers, Map<Long, Child> byOutPolicy) {}

  private volatile State state;
  private final List<AuthConfig> auths;
  private final List<AuthConfig> retired = new java.util.concurrent.CopyOnWriteArrayList<>();

  private PeerConfigs(
      List<PeerConfig> peers, Map<Long, Child> byOutPolicy, List<AuthConfig> auths) {
    this.state = new State(List.copyOf(peers), Map.copyOf(byOutPolicy));
    this.auths = new java.util.concurrent.CopyOnWriteArrayList<>(auths);
  }

  /**
   * Takes over {@code next}'s translation (a reload); the keys of the one replaced are retired, for
   * {@link #wipeRetired()} once nothing negotiates with them, and both are wiped by {@link
   * #wipeKeys()}.
   */
  public void replaceWith(PeerConfigs next) {
    retired.addAll(auths);
    auths.clear();
    auths.addAll(next.auths);
    state = next.state;
  }

  /** Whether a reload replaced keys that {@link #wipeRetired()} has not wiped yet. */
  public boolean hasRetired() {
    return !retired.isEmpty();
  }

  /**
   * Zeroes the pre-shared keys of the translations a reload replaced; call it once no negotiation
   * can use them (an established IKE SA never needs its key again: a rekey does not authenticate,
   * RFC 7296 section 2.18, and a retry uses the configuration of the day).
   */
  public void wipeRetired() {
    for (AuthConfig a : retired) {
      if (a instanceof AuthConfig.Psk p) {
        p.key().wipe();
      }
    }
    retired.clear();
  }

  /** No peers: no policy is negotiated with IKE. */
  static PeerConfigs none() {
    return new PeerConfigs(List.of(), Map.of(), List.of());
  }

  /**
   * Translates {@code config}'s peers.
   *
   * @param spd the SPD holding the configuration's policies (their ids are the Child SAs'
   *     policyRefs)
   * @throws IllegalStateException when a policy a peer negotiates is not in the SPD
   */
  public static PeerConfigs translate(NodeConfig config, Spd spd) {
    List<PeerConfig> peers = new ArrayList<>();
    Map<Long, Child> children = new HashMap<>();
    List<AuthConfig> auths = new ArrayList<>();
    for (IkePeer p : config.peers()) {
      AuthConfig auth = auth(p);
      auths.add(auth);
      PeerConfig.Builder b =
          PeerConfig.builder(p.name())
              .localAddress(p.local())
              .remoteAddress(p.address())
              .remotePort(p.port())
              .localId(p.localId())
              .remoteId(p.remoteId())
              .auth(auth)
              .ikeLifetime(p.ikeLifetime())
              .dpd(p.dpd())
              .forceEncap(true)
              .version(p.version())
              .aggressive(p.aggressive());
      b.ikeProposals(p.ikeProposals().toArray(IkeProposal[]::new));
      for (String name : p.policies()) {
        Policy out = policy(spd, name, Direction.OUT);
        Policy in = policy(spd, name, Direction.IN);
        children.put(out.id(), new Child(in.id(), p.startAction()));
        b.child(child(p, name, out));
      }
      peers.add(b.build());
    }
    return new PeerConfigs(peers, children, auths);
  }

  private static AuthConfig auth(IkePeer p) {
    if (p.auth() instanceof IkePeer.Auth.Psk psk) {
      byte[] k = psk.key().copy();
      try {
        return AuthConfig.Psk.of(k);
      } finally {
        Arrays.fill(k, (byte) 0);
      }
    }
    IkePeer.Auth.PubKey pk = (IkePeer.Auth.PubKey) p.auth();
    return new AuthConfig.PubKey(pk.privateKey(), pk.certificates(), pk.roots(), pk.pinned());
  }

  private static ChildConfig child(IkePeer p, String name, Policy out) {
    Selector sel = out.selector();
    ChildConfig.Builder c =
        ChildConfig.builder(name)
            .policyRef(out.id())
            .localTs(TrafficSelectors.ts(sel.src(), sel.protocol(), sel.srcPorts()))
            .remoteTs(TrafficSelectors.ts(sel.dst(), sel.protocol(), sel.dstPorts()))
            .mode(out.template().mode())
            .lifetime(p.espLifetime())
            .startAction(p.startAction());
    p.espProposals().forEach(c::proposals);
    return c.build();
  }

  private static Policy policy(Spd spd, String name, Direction d) {
    PolicyKey key = new PolicyKey(name, d);
    return spd.policies().stream()
        .filter(x -> x.key().equals(key))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("policy " + key + " not in SPD"));
  }

  /** The engine's peer configurations, in config order. */
  public List<PeerConfig> peers() {
    return state.peers();
  }

  /** The IN policy mirroring the OUT policy {@code outPolicyId}; itself if it is not negotiated. */
  public long inPolicyOf(long outPolicyId) {
    Child c = state.byOutPolicy().get(outPolicyId);
    return c == null ? outPolicyId : c.inPolicyId();
  }

  /** The start action of the peer negotiating OUT policy {@code outPolicyId}; null if none does. */
  public StartAction startActionOf(long outPolicyId) {
    Child c = state.byOutPolicy().get(outPolicyId);
    return c == null ? null : c.startAction();
  }

  /** Whether the policy (either direction) is negotiated with IKE rather than manually keyed. */
  public boolean negotiates(long policyId) {
    Map<Long, Child> byOutPolicy = state.byOutPolicy();
    if (byOutPolicy.containsKey(policyId)) {
      return true;
    }
    for (Child c : byOutPolicy.values()) {
      if (c.inPolicyId() == policyId) {
        return true;
      }
    }
    return false;
  }

  /** Zeroes the pre-shared keys given to the engine (when the engine is gone). */
  public void wipeKeys() {
    wipeRetired();
    for (AuthConfig a : auths) {
      if (a instanceof AuthConfig.Psk p) {
        p.key().wipe();
      }
    }
  }
}
