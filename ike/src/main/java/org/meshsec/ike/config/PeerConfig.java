package org.meshsec.ike.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.meshsec.ike.pki.PeerIdentity;

/**
 * The configuration of one peer (strongSwan's {@code peer_cfg_t} + {@code ike_cfg_t}): where it is,
 * who both sides are, how they authenticate, the IKE proposals, lifetimes, DPD, encapsulation and
 * the Child SAs.
 *
 * @param name unique per node; commands and logs use it
 * @param localAddress our outer address for this peer; null lets the network choose (responder)
 * @param remoteAddress the peer's outer address; null accepts any address (responder only)
 * @param remotePort the peer's IKE port (500)
 * @param localId our identity (IDi or IDr)
 * @param remoteId the identity the peer must prove; null accepts any authenticated identity
 * @param auth shared key or public key authentication, both directions
 * @param ikeProposals IKE SA proposals, most preferred first
 * @param ikeLifetime IKE SA rekey and hard lifetime
 * @param dpd dead peer detection
 * @param forceEncap fake NAT detection so that a peer (strongSwan) encapsulates ESP in UDP even
 *     without NAT, as strongSwan's {@code encap = yes} does (meshsec always encapsulates)
 * @param children the Child SA configurations
 * @param version the IKE major version spoken with this peer: 2 (RFC 7296, the default) or 1 (RFC
 *     2409; the engine serves it only if built with the IKEv1 protocol)
 * @param aggressive IKEv1 only: initiate phase 1 in Aggressive Mode and answer it from this peer
 *     (RFC 2409 section 5.4). Off by default: with a pre-shared key the responder's answer carries
 *     a hash of it in the clear, open to offline guessing by anyone who asks
 */
public record PeerConfig(
    String name,
    InetAddress localAddress,
    InetAddress remoteAddress,
    int remotePort,
    PeerIdentity localId,
    PeerIdentity remoteId,
    AuthConfig auth,
    List<IkeProposal> ikeProposals,
    RekeySchedule ikeLifetime,
    DpdConfig dpd,
    boolean forceEncap,
    List<ChildConfig> children,
    int version,
    boolean aggressive) {

  public PeerConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(localId, "localId");
    Objects.requireNonNull(auth, "auth");
    ikeProposals = List.copyOf(ikeProposals);
    Objects.requireNonNull(ikeLifetime, "ikeLifetime");
    Objects.requireNonNull(dpd, "dpd");
    children = List.copyOf(children);
    if (remotePort < 1 || remotePort > 0xFFFF) {
      throw new IllegalArgumentException("remote port out of range");
    }
    if (ikeProposals.isEmpty()) {
      throw new IllegalArgumentException("peer " + name + " needs at least one IKE proposal");
    }
    if (children.stream().map(ChildConfig::name).distinct().count() != children.size()) {
      throw new IllegalArgumentException("peer " + name + " has two children with one name");
    }
    if (version != 1 && version != 2) {
      throw new IllegalArgumentException("peer " + name + ": IKE version must be 1 or 2");
    }
    if (aggressive && version != 1) {
      throw new IllegalArgumentException("peer " + name + ": Aggressive Mode is IKEv1 only");
    }
  }

  /** The child named {@code childName}. */
  public Optional<ChildConfig> child(String childName) {
    return children.stream().filter(c -> c.name().equals(childName)).findFirst();
  }

  /** The child serving policy {@code policyRef}. */
  public Optional<ChildConfig> childForPolicy(long policyRef) {
    return children.stream().filter(c -> c.policyRef() == policyRef).findFirst();
  }

  /** A builder with defaults: port 500, AES-128-GCM/SHA-256/Curve25519, no DPD, encap on. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Builder for {@link PeerConfig}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private InetAddress localAddress;
    private InetAddress remoteAddress;
    private int remotePort = 500;
    private PeerIdentity localId;
    private PeerIdentity remoteId;
    private AuthConfig auth;
    private final List<IkeProposal> ikeProposals = new ArrayList<>();
    private RekeySchedule ikeLifetime = RekeySchedule.IKE_DEFAULT;
    private DpdConfig dpd = DpdConfig.DISABLED;
    private boolean forceEncap = true;
    private final List<ChildConfig> children = new ArrayList<>();
    private int version = 2;
    private boolean aggressive;

    private Builder(String name) {
      this.name = name;
    }

    public Builder localAddress(InetAddress a) {
      this.localAddress = a;
      return this;
    }

    public Builder remoteAddress(InetAddress a) {
      this.remoteAddress = a;
      return this;
    }

    public Builder remotePort(int port) {
      this.remotePort = port;
      return this;
    }

    public Builder localId(PeerIdentity id) {
      this.localId = id;
      return this;
    }

    public Builder remoteId(PeerIdentity id) {
      this.remoteId = id;
      return this;
    }

    public Builder auth(AuthConfig a) {
      this.auth = a;
      return this;
    }

    /** IKE proposals, most preferred first (replaces earlier ones). */
    public Builder ikeProposals(IkeProposal... p) {
      ikeProposals.clear();
      ikeProposals.addAll(List.of(p));
      return this;
    }

    public Builder ikeLifetime(RekeySchedule l) {
      this.ikeLifetime = l;
      return this;
    }

    public Builder dpd(DpdConfig d) {
      this.dpd = d;
      return this;
    }

    public Builder forceEncap(boolean on) {
      this.forceEncap = on;
      return this;
    }

    public Builder child(ChildConfig c) {
      children.add(c);
      return this;
    }

    /** Replaces the children added so far with {@code cs}. */
    public Builder children(List<ChildConfig> cs) {
      children.clear();
      children.addAll(cs);
      return this;
    }

    /** The IKE major version, 1 or 2 (the default). */
    public Builder version(int v) {
      this.version = v;
      return this;
    }

    /** IKEv1: initiate and accept Aggressive Mode (off by default). */
    public Builder aggressive(boolean on) {
      this.aggressive = on;
      return this;
    }

    public PeerConfig build() {
      List<IkeProposal> p =
          ikeProposals.isEmpty() ? List.of(IkeProposal.AES128GCM_SHA256_X25519) : ikeProposals;
      return new PeerConfig(
          name,
          localAddress,
          remoteAddress,
          remotePort,
          localId,
          remoteId,
          auth,
          p,
          ikeLifetime,
          dpd,
          forceEncap,
          children,
          version,
          aggressive);
    }
  }
}
