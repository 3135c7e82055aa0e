package org.meshsec.ike.v1.task;

import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.config.AuthConfig;
import org.meshsec.ike.crypto.AuthFailure;
import org.meshsec.ike.crypto.Prf;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.pki.PeerCertificates;
import org.meshsec.ike.pki.PeerIdentity;
import org.meshsec.ike.pki.PkiException;
import org.meshsec.ike.v1.crypto.V1KeyDerivation;
import org.meshsec.ike.v1.crypto.V1Signatures;
import org.meshsec.ike.v1.message.CertEncoding;
import org.meshsec.ike.v1.message.CertPayload;
import org.meshsec.ike.v1.message.CertReqPayload;
import org.meshsec.ike.v1.message.HashPayload;
import org.meshsec.ike.v1.message.IdPayload;
import org.meshsec.ike.v1.message.IsakmpMessage;
import org.meshsec.ike.v1.message.NotifyType;
import org.meshsec.ike.v1.message.Payload;
import org.meshsec.ike.v1.message.SigPayload;

/**
 * The authentication part of {@link MainMode} and {@link AggressiveMode} (RFC 2409 sections 5 and
 * 5.1), for pre-shared keys and for signatures with X.509 certificates:
 *
 * <pre>
 *  pre-shared key   SKEYID = prf(PSK, Ni_b | Nr_b)      ... IDii, HASH_I / IDir, HASH_R
 *  signatures       SKEYID = prf(Ni_b | Nr_b, g^xy)     ... CR in (3)/(4) of Main Mode, in (1)/(2)
 *                                                       of Aggressive Mode; IDii, CERT, SIG_I /
 *                                                       IDir, CERT, SIG_R ({@code V1Signatures})
 * </pre>
 *
 * The CR payloads name each trust anchor by its DER subject (RFC 2408 section 3.10), which is what
 * makes strongSwan send its certificate. A received SIG is checked as IKEv2 checks AUTH ({@code
 * pki.PeerCertificates}): the first X.509 CERT must be trusted, must carry the identity of the ID
 * payload, which must be the configured one if there is one; then the signature must verify with
 * its key. A HASH or SIG that does not verify leaves the exchange waiting for the genuine message;
 * an untrusted certificate or one without the claimed identity ends it with AUTHENTICATION-FAILED.
 *
 * <p>Stateless; the SA's state is not thread-safe and is used on its executor.
 */
final class Phase1Auth {
  private Phase1Auth() {}

  /** SKEYID of the configured method. */
  static SecretBytes skeyid(Phase1State sa, Prf prf, SecretBytes gxy) {
    if (sa.config().signatures().isPresent()) {
      return V1KeyDerivation.skeyidSignature(prf, sa.niB, sa.nrB, gxy);
    }
    return V1KeyDerivation.skeyidPsk(prf, sa.config().psk(), sa.niB, sa.nrB);
  }

  /** CR payloads naming our trust anchors (none with a PSK, one empty CR with pinning only). */
  static void certRequests(Phase1State sa, List<Payload> out) {
    Optional<Phase1Config.Signatures> s = sa.config().signatures();
    if (s.isEmpty()) {
      return;
    }
    List<X509Certificate> cas = s.get().credentials().trustAnchors();
    if (cas.isEmpty()) {
      out.add(new CertReqPayload(CertEncoding.X509_SIGNATURE, Bytes.EMPTY));
    }
    for (X509Certificate ca : cas) {
      out.add(
          new CertReqPayload(
              CertEncoding.X509_SIGNATURE, Bytes.of(ca.getSubjectX500Principal().getEncoded())));
    }
  }

  /** Our authentication: HASH_I/HASH_R, or our certificates and SIG_I/SIG_R. */
  static void authenticate(Phase1State sa, boolean initiator, IdPayload ourId, List<Payload> out) {
    byte[] hash = initiator ? hashI(sa, ourId) : hashR(sa, ourId);
    Optional<Phase1Config.Signatures> s = sa.config().signatures();
    if (s.isEmpty()) {
      out.add(new HashPayload(Bytes.of(hash)));
      return;
    }
    AuthConfig.PubKey pk = s.get().credentials();
    for (X509Certificate c : pk.certificates()) {
      try {
        out.add(new CertPayload(CertEncoding.X509_SIGNATURE, Bytes.of(c.getEncoded())));
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException("cannot encode our certificate", e);
      }
    }
    byte[] sig = V1Signatures.sign(s.get().method(), pk.privateKey(), hash, sa.random());
    out.add(new SigPayload(Bytes.of(sig)));
  }

  /**
   * Checks the peer's authentication in {@code in} against its ID payload {@code peerId} and
   * records the identity.
   *
   * @throws V1Exception unverified for a HASH or SIG that does not verify, AUTHENTICATION-FAILED
   *     for a certificate that is not trusted or does not carry the identity,
   *     INVALID-ID-INFORMATION for an identity that is not the configured one
   */
  static void verify(Phase1State sa, boolean peerIsInitiator, IdPayload peerId, IsakmpMessage in)
      throws V1Exception {
    byte[] hash = peerIsInitiator ? hashI(sa, peerId) : hashR(sa, peerId);
    Optional<Phase1Config.Signatures> s = sa.config().signatures();
    if (s.isEmpty()) {
      HashPayload received = MainMode.require(in, HashPayload.class);
      if (!MessageDigest.isEqual(hash, received.hashData().toByteArray())) {
        throw V1Exception.unverified((peerIsInitiator ? "HASH_I" : "HASH_R") + " does not verify");
      }
      checkRemoteId(sa, peerId);
      sa.remoteId = peerId;
      return;
    }
    SigPayload sig =
        in.first(SigPayload.class)
            .orElseThrow(
                () ->
                    V1Exception.notify(
                        NotifyType.AUTHENTICATION_FAILED,
                        "the peer authenticated with a HASH, configured signatures"));
    PeerIdentity claimed =
        PeerIdentity.fromIdPayload(peerId.idType().value(), peerId.data().toByteArray())
            .orElseThrow(
                () ->
                    V1Exception.notify(
                        NotifyType.INVALID_ID_INFORMATION,
                        "unsupported identity type " + peerId.idType()));
    checkRemoteId(sa, peerId);
    List<byte[]> der = new ArrayList<>();
    for (Payload p : in.payloads()) {
      if (p instanceof CertPayload c && c.encoding().equals(CertEncoding.X509_SIGNATURE)) {
        der.add(c.data().toByteArray());
      }
    }
    List<X509Certificate> chain;
    try {
      chain = PeerCertificates.parse(der);
    } catch (PkiException e) {
      throw V1Exception.notify(NotifyType.INVALID_CERTIFICATE, e.getMessage());
    }
    Optional<String> refusal =
        PeerCertificates.refusal(
            s.get().credentials().validator(),
            chain,
            claimed,
            sa.config().remoteId().isPresent(),
            s.get().clock().get());
    if (refusal.isPresent()) {
      throw V1Exception.notify(NotifyType.AUTHENTICATION_FAILED, refusal.get());
    }
    Optional<AuthFailure> bad =
        V1Signatures.verify(
            s.get().method(), chain.get(0).getPublicKey(), hash, sig.signatureData().toByteArray());
    if (bad.isPresent()) {
      if (bad.get() == AuthFailure.WRONG_KEY) {
        throw V1Exception.notify(
            NotifyType.AUTHENTICATION_FAILED,
            "the peer's certificate key does not fit " + s.get().method());
      }
      throw V1Exception.unverified(
          (peerIsInitiator ? "SIG_I" : "SIG_R") + " does not verify: " + bad.get());
    }
    sa.remoteId = peerId;
  }

  /**
   * The configured peer identity, if any, must be the claimed one: DNs by their canonical form,
   * host names case-insensitively ({@code pki.PeerCertificates#sameIdentity}); types meshsec does
   * not map compare as payloads.
   */
  static void checkRemoteId(Phase1State sa, IdPayload id) throws V1Exception {
    if (sa.config().remoteId().isEmpty()) {
      return;
    }
    IdPayload want = sa.config().remoteId().get();
    Optional<PeerIdentity> configured =
        PeerIdentity.fromIdPayload(want.idType().value(), want.data().toByteArray());
    Optional<PeerIdentity> claimed =
        PeerIdentity.fromIdPayload(id.idType().value(), id.data().toByteArray());
    boolean same =
        configured.isPresent() && claimed.isPresent()
            ? PeerCertificates.sameIdentity(configured.get(), claimed.get())
            : want.equals(id);
    if (!same) {
      throw V1Exception.notify(
          NotifyType.INVALID_ID_INFORMATION,
          "peer identity "
              + claimed.map(PeerIdentity::text).orElse(id.idType().toString())
              + " is not the configured one");
    }
  }

  /** HASH_I, with the prf of the method (RFC 4754 section 4 for ECDSA). */
  static byte[] hashI(Phase1State sa, IdPayload idii) {
    return V1KeyDerivation.hashI(
        prf(sa),
        sa.keys.skeyid(),
        sa.gxi,
        sa.gxr,
        sa.initiatorCookie(),
        sa.responderCookie(),
        sa.saiB,
        idii.encodeBody());
  }

  /** HASH_R, with the prf of the method. */
  static byte[] hashR(Phase1State sa, IdPayload idir) {
    return V1KeyDerivation.hashR(
        prf(sa),
        sa.keys.skeyid(),
        sa.gxi,
        sa.gxr,
        sa.initiatorCookie(),
        sa.responderCookie(),
        sa.saiB,
        idir.encodeBody());
  }

  private static Prf prf(Phase1State sa) {
    return V1Signatures.hashPrf(sa.config().authMethod(), sa.keys.prf());
  }
}
