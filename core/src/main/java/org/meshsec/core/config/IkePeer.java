package org.meshsec.core.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.config.DpdConfig;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.config.RekeySchedule;
import org.meshsec.ike.config.StartAction;
import org.meshsec.ike.pki.PeerIdentity;

/**
 * A validated {@code [[peer]]} table: one IKEv2 peer (RFC 7296) or IKEv1 peer (RFC 2409) and what
 * the {@code [[policy]]} entries naming it with {@code ike = "NAME"} negotiate with it. The daemon
 * turns it into the IKE engine's {@code PeerConfig}, one Child SA configuration per policy.
 *
 * <p>Immutable, except that {@link #wipeKeys()} zeroes the pre-shared key. {@link #toString()}
 * prints no key material.
 *
 * @param name unique among peers; policies, commands and logs use it
 * @param address the peer's underlay address
 * @param local our underlay address towards it
 * @param port the peer's IKE port (500)
 * @param localId our identity (IDi / IDr)
 * @param remoteId the identity the peer must prove
 * @param auth how both sides authenticate
 * @param ikeProposals IKE SA proposals, most preferred first
 * @param ikeLifetime IKE SA rekey and hard lifetime
 * @param dpd dead peer detection
 * @param startAction what brings the Child SAs up
 * @param espProposals Child SA proposals, most preferred first (with their optional PFS group)
 * @param espLifetime Child SA rekey and hard lifetime
 * @param policies names of the policies negotiated with this peer, in config order
 * @param version the IKE major version: 2 (RFC 7296, the default) or 1 (RFC 2409)
 * @param aggressive IKEv1: initiate and accept Aggressive Mode (RFC 2409 section 5.4)
 */
public record IkePeer(
    String name,
    InetAddress address,
    InetAddress local,
    int port,
    PeerIdentity localId,
    PeerIdentity remoteId,
    Auth auth,
    List<IkeProposal> ikeProposals,
    RekeySchedule ikeLifetime,
    DpdConfig dpd,
    StartAction startAction,
    List<EspProposal> espProposals,
    RekeySchedule espLifetime,
    List<String> policies,
    int version,
    boolean aggressive) {

  public IkePeer {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(local, "local");
    Objects.requireNonNull(localId, "localId");
    Objects.requireNonNull(remoteId, "remoteId");
    Objects.requireNonNull(auth, "auth");
    ikeProposals = List.copyOf(ikeProposals);
    Objects.requireNonNull(ikeLifetime, "ikeLifetime");
    Objects.requireNonNull(dpd, "dpd");
    Objects.requireNonNull(startAction, "startAction");
    espProposals = List.copyOf(espProposals);
    Objects.requireNonNull(espLifetime, "espLifetime");
    policies = List.copyOf(policies);
    if (version != 1 && version != 2) {
      throw new IllegalArgumentException("IKE version must be 1 or 2");
    }
  }

  /** This peer with the names of the policies negotiated with it. */
  public IkePeer withPolicies(List<String> names) {
    return new IkePeer(
        name,
        address,
        local,
        port,
        localId,
        remoteId,
        auth,
        ikeProposals,
        ikeLifetime,
        dpd,
        startAction,
        espProposals,
        espLifetime,
        names,
        version,
        aggressive);
  }

  /** This peer with other credentials (what a reload compares peers without). */
  public IkePeer withAuth(Auth other) {
    return new IkePeer(
        name,
        address,
        local,
        port,
        localId,
        remoteId,
        other,
        ikeProposals,
        ikeLifetime,
        dpd,
        startAction,
        espProposals,
        espLifetime,
        policies,
        version,
        aggressive);
  }

  /** Zeroes the pre-shared key, if any. */
  public void wipeKeys() {
    if (auth instanceof Auth.Psk p) {
      p.key().wipe();
    }
  }

  /** How a peer authenticates, in both directions (RFC 7296 section 2.15). */
  public sealed interface Auth permits Auth.Psk, Auth.PubKey {

    /**
     * A pre-shared key from the secrets file.
     *
     * @param keyName its name in the secrets file
     * @param key the key bytes (compared by content, never printed)
     */
    record Psk(String keyName, SecretBytes key) implements Auth {
      public Psk {
        Objects.requireNonNull(keyName, "keyName");
        Objects.requireNonNull(key, "key");
      }
    }

    /**
     * Certificates and signatures.
     *
     * @param certFile the file holding our certificate (then intermediates)
     * @param keyFile the file holding our private key
     * @param certificates our certificate first, then intermediates
     * @param privateKey our signing key (never printed)
     * @param roots CA certificates that vouch for the peer ({@code cert_root})
     * @param pinned peer certificates trusted as they are ({@code cert_trust})
     */
    record PubKey(
        Path certFile,
        Path keyFile,
        List<X509Certificate> certificates,
        PrivateKey privateKey,
        List<X509Certificate> roots,
        List<X509Certificate> pinned)
        implements Auth {
      public PubKey {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        certificates = List.copyOf(certificates);
        Objects.requireNonNull(privateKey, "privateKey");
        roots = List.copyOf(roots);
        pinned = List.copyOf(pinned);
      }

      @Override
      public String toString() {
        return "PubKey[cert="
            + certFile
            + " ("
            + (certificates.isEmpty()
                ? "-"
                : certificates.get(0).getSubjectX500Principal().getName())
            + "), key="
            + keyFile
            + ", "
            + roots.size()
            + " root(s), "
            + pinned.size()
            + " pinned]";
      }
    }
  }
}
