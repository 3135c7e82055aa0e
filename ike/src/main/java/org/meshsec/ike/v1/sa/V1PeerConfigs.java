package org.meshsec.ike.v1.sa;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.meshsec.esp.EncrAlgorithm;
import org.meshsec.esp.EspSuite;
import org.meshsec.ike.config.AuthConfig;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.crypto.PrfAlgorithm;
import org.meshsec.ike.pki.Keys;
import org.meshsec.ike.pki.PeerIdentity;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.v1.crypto.V1Signatures;
import org.meshsec.ike.v1.message.IdPayload;
import org.meshsec.ike.v1.message.Phase1Attribute;
import org.meshsec.ike.v1.task.Phase1Config;
import org.meshsec.ike.v1.task.Phase1Proposal;
import org.meshsec.ike.v1.task.QuickModeConfig;

/**
 * The engine's version-neutral configuration ({@link PeerConfig}, {@link ChildConfig}) as IKEv1's
 * phase 1 and Quick Mode see it (RFC 2409 appendix A attributes): an IKE proposal's AES-CBC suite
 * and PRF become a phase 1 transform whose Hash Algorithm is the PRF's hash; a Child SA's ESP
 * proposals become the Quick Mode's suites, its first proposal's group the PFS group. {@link
 * #problems} says what an IKEv1 peer cannot have, so that the daemon refuses such a configuration
 * before the engine is built.
 *
 * <p>Stateless, thread-safe.
 */
public final class V1PeerConfigs {
  private V1PeerConfigs() {}

  /**
   * What of {@code p} IKEv1 cannot honour, in words for an operator (empty when nothing): a private
   * key IKEv1 cannot sign with (RSA and ECDSA on P-256/384/521 only), an IKE proposal without an
   * AES-CBC + HMAC suite (IKEv1 phase 1 has no AEAD), a KEY_ID identity, ESN, differing PFS groups
   * among a child's proposals, no child.
   */
  public static List<String> problems(PeerConfig p) {
    List<String> out = new ArrayList<>();
    if (p.auth() instanceof AuthConfig.PubKey pk && !V1Signatures.canSign(pk.privateKey())) {
      out.add(
          "IKEv1 signs with RSA or ECDSA (P-256, P-384, P-521) keys only, not "
              + Keys.describe(pk.privateKey()));
    }
    for (IkeProposal ip : p.ikeProposals()) {
      if (phase1Proposal(ip, 0).isEmpty()) {
        out.add(
            "IKE proposal "
                + ip
                + " has no IKEv1 equivalent (AES-CBC with HMAC-SHA1/SHA2 and a PRF of that hash)");
      }
    }
    if (p.localId() instanceof PeerIdentity.KeyId || p.remoteId() instanceof PeerIdentity.KeyId) {
      out.add("IKEv1 has no KEY_ID identity here");
    }
    if (p.children().isEmpty()) {
      out.add("an IKEv1 peer needs at least one child");
    }
    for (ChildConfig c : p.children()) {
      if (c.proposals().stream().anyMatch(EspProposal::esn)) {
        out.add("child " + c.name() + ": IKEv1 does not negotiate ESN");
      }
      if (c.proposals().stream().map(EspProposal::pfsGroup).distinct().count() > 1) {
        out.add("child " + c.name() + ": IKEv1 offers one PFS group per Quick Mode");
      }
    }
    return out;
  }

  /** Whether IKEv1 phase 1 has an equivalent of {@code p} (AES-CBC, an HMAC PRF, a group). */
  public static boolean isPhase1Capable(IkeProposal p) {
    return phase1Proposal(p, 0).isPresent();
  }

  /**
   * Phase 1 of {@code p}; call only when {@link #problems} is empty.
   *
   * @param clock the time peer certificates are validated at
   */
  static Phase1Config phase1(PeerConfig p, Supplier<Instant> clock) {
    long life = p.ikeLifetime().lifeTime().toSeconds();
    List<Phase1Proposal> proposals =
        p.ikeProposals().stream().flatMap(ip -> phase1Proposal(ip, life).stream()).toList();
    if (p.auth() instanceof AuthConfig.PubKey pk) {
      return Phase1Config.withSignatures(
          proposals,
          new Phase1Config.Signatures(pk, clock),
          idPayload(p.localId()),
          Optional.ofNullable(p.remoteId()).map(V1PeerConfigs::idPayload),
          p.aggressive());
    }
    return new Phase1Config(
        proposals,
        ((AuthConfig.Psk) p.auth()).key(),
        idPayload(p.localId()),
        Optional.ofNullable(p.remoteId()).map(V1PeerConfigs::idPayload),
        p.aggressive());
  }

  /** The phase 1 transform of an IKEv2 proposal, if IKEv1 has one. */
  static Optional<Phase1Proposal> phase1Proposal(IkeProposal ip, long lifetimeSeconds) {
    EspSuite s = ip.suite();
    if (!s.encr().equals(EncrAlgorithm.AES_CBC)) {
      return Optional.empty();
    }
    Phase1Attribute.Hash hash;
    if (ip.prf().equals(PrfAlgorithm.HMAC_SHA2_256)) {
      hash = Phase1Attribute.Hash.SHA2_256;
    } else if (ip.prf().equals(PrfAlgorithm.HMAC_SHA2_384)) {
      hash = Phase1Attribute.Hash.SHA2_384;
    } else if (ip.prf().equals(PrfAlgorithm.HMAC_SHA2_512)) {
      hash = Phase1Attribute.Hash.SHA2_512;
    } else if (ip.prf().equals(PrfAlgorithm.HMAC_SHA1)) {
      hash = Phase1Attribute.Hash.SHA1;
    } else {
      return Optional.empty();
    }
    Phase1Proposal p =
        new Phase1Proposal(
            Phase1Attribute.Encryption.AES_CBC, s.keyBits(), hash, ip.dh(), lifetimeSeconds);
    return p.isSupported() ? Optional.of(p) : Optional.empty();
  }

  /** The phase 1 ID payload of an identity (RFC 2407 section 4.6.2). */
  static IdPayload idPayload(PeerIdentity id) {
    if (id instanceof PeerIdentity.IpAddress a) {
      return IdPayload.address(a.address());
    }
    if (id instanceof PeerIdentity.Fqdn f) {
      return IdPayload.fqdn(f.name());
    }
    if (id instanceof PeerIdentity.Email e) {
      return IdPayload.userFqdn(e.address());
    }
    if (id instanceof PeerIdentity.Dn d) {
      return IdPayload.derDn(d.name().getEncoded());
    }
    throw new IllegalArgumentException("no IKEv1 ID payload for " + id.getClass().getSimpleName());
  }

  /**
   * The Quick Mode of {@code c} between {@code local} and {@code remote} (selectors that the
   * configuration leaves empty are those outer addresses). ESP always travels in UDP (RFC 3948), so
   * the UDP-encapsulated modes of RFC 3947 section 5 are offered.
   */
  static QuickModeConfig quickMode(ChildConfig c, InetAddress local, InetAddress remote) {
    List<TsRange> localTs = c.localTs().isEmpty() ? List.of(TsRange.host(local)) : c.localTs();
    List<TsRange> remoteTs = c.remoteTs().isEmpty() ? List.of(TsRange.host(remote)) : c.remoteTs();
    return new QuickModeConfig(
        c.name(),
        c.policyRef(),
        c.proposals().stream().map(EspProposal::suite).distinct().toList(),
        c.proposals().get(0).pfsGroup(),
        c.mode(),
        true,
        localTs,
        remoteTs,
        c.lifetime().lifeTime().toSeconds(),
        0);
  }
}
