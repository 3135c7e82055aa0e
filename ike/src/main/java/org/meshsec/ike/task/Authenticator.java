package org.meshsec.ike.task;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.meshsec.ike.config.AuthConfig;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.crypto.AuthComputation;
import org.meshsec.ike.crypto.AuthResult;
import org.meshsec.ike.crypto.IkeSaKeys;
import org.meshsec.ike.crypto.SignatureHashAlgorithm;
import org.meshsec.ike.crypto.SignatureScheme;
import org.meshsec.ike.message.AuthMethod;
import org.meshsec.ike.message.AuthPayload;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.CertEncoding;
import org.meshsec.ike.message.CertPayload;
import org.meshsec.ike.message.CertReqPayload;
import org.meshsec.ike.message.IdPayload;
import org.meshsec.ike.message.NotifyPayload;
import org.meshsec.ike.message.NotifyType;
import org.meshsec.ike.pki.PeerCertificates;
import org.meshsec.ike.pki.PeerIdentity;
import org.meshsec.ike.pki.PkiException;
import org.meshsec.ike.sa.IkeKeying;
import org.meshsec.ike.sa.IkeSa;

/**
 * The AUTH payload of each side (RFC 7296 section 2.15) from the SA's configuration: shared key
 * MIC, or a signature with our certificate (RFC 7427 DIGITAL_SIGNATURE when the peer announced a
 * matching hash in SIGNATURE_HASH_ALGORITHMS, else the classic RSA or RFC 4754 ECDSA method), and
 * the verification of the peer's: certificate path and identity in the certificate (RFC 4945
 * section 3.1, shared with IKEv1 in {@code pki.PeerCertificates}) and signature. Every failure is
 * AUTHENTICATION_FAILED (section 2.21.2); the reason goes to the log only. Stateless.
 */
final class Authenticator {
  private Authenticator() {}

  /**
   * The hashes we announce in SIGNATURE_HASH_ALGORITHMS (RFC 7427 section 4): SHA2-256/384/512 and
   * Identity, which announces that we verify Ed25519 (RFC 8420 section 2).
   */
  static NotifyPayload signatureHashes() {
    return NotifyPayload.of(
        NotifyType.SIGNATURE_HASH_ALGORITHMS,
        Bytes.of((byte) 0, (byte) 2, (byte) 0, (byte) 3, (byte) 0, (byte) 4, (byte) 0, (byte) 5));
  }

  /** Parses a SIGNATURE_HASH_ALGORITHMS notify. */
  static List<SignatureHashAlgorithm> parseHashes(NotifyPayload n) {
    List<SignatureHashAlgorithm> out = new ArrayList<>();
    Bytes d = n.data();
    for (int i = 0; i + 1 < d.length(); i += 2) {
      out.add(new SignatureHashAlgorithm((d.getUnsigned(i) << 8) | d.getUnsigned(i + 1)));
    }
    return out;
  }

  /**
   * A CERTREQ naming our trust anchors by the SHA-1 of their SubjectPublicKeyInfo (section 3.7), or
   * null for PSK authentication.
   */
  static CertReqPayload certRequest(PeerConfig config) {
    if (!(config.auth() instanceof AuthConfig.PubKey pk)) {
      return null;
    }
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] all = new byte[0];
      for (X509Certificate ca : pk.trustAnchors()) {
        all = Bytes.concat(all, sha1.digest(ca.getPublicKey().getEncoded()));
      }
      return new CertReqPayload(CertEncoding.X509_SIGNATURE, Bytes.of(all));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 unavailable", e);
    }
  }

  /** Our CERT payloads: end-entity certificate first, then intermediates (none for PSK). */
  static List<CertPayload> certificates(PeerConfig config) {
    if (!(config.auth() instanceof AuthConfig.PubKey pk)) {
      return List.of();
    }
    List<CertPayload> out = new ArrayList<>();
    for (X509Certificate c : pk.certificates()) {
      try {
        out.add(new CertPayload(CertEncoding.X509_SIGNATURE, Bytes.of(c.getEncoded())));
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new IllegalStateException("cannot encode our certificate", e);
      }
    }
    return out;
  }

  private static byte[] signedOctets(IkeSa sa, boolean initiator, IdPayload id) {
    IkeKeying k = sa.keying();
    IkeSaKeys keys = k.keys();
    return AuthComputation.signedOctets(
        k.prf(),
        initiator ? k.initRequest() : k.initResponse(),
        (initiator ? k.nonceR() : k.nonceI()).toByteArray(),
        initiator ? keys.skPi() : keys.skPr(),
        id.encodeBody());
  }

  /** Our AUTH payload. */
  static AuthPayload sign(IkeSa sa, boolean initiator, IdPayload ourId) {
    byte[] octets = signedOctets(sa, initiator, ourId);
    AuthConfig auth = sa.config().auth();
    if (auth instanceof AuthConfig.Psk psk) {
      return new AuthPayload(
          AuthMethod.SHARED_KEY_MIC,
          Bytes.of(AuthComputation.pskAuth(sa.keying().prf(), psk.key(), octets)));
    }
    PrivateKey key = ((AuthConfig.PubKey) auth).privateKey();
    SignatureScheme scheme = AuthComputation.defaultScheme(key);
    AuthMethod method;
    if (sa.keying().peerHashes().contains(scheme.hash()) || scheme == SignatureScheme.ED25519) {
      // Ed25519 has no method of its own: DIGITAL_SIGNATURE even when the peer did not announce
      // Identity (RFC 8420 section 2); such a peer fails to verify it either way.
      method = AuthMethod.DIGITAL_SIGNATURE;
    } else if (key instanceof RSAKey) {
      method = AuthMethod.RSA_DIGITAL_SIGNATURE;
    } else {
      int bits = ((ECKey) key).getParams().getCurve().getField().getFieldSize();
      method =
          bits <= 256
              ? AuthMethod.ECDSA_SHA256_P256
              : bits <= 384 ? AuthMethod.ECDSA_SHA384_P384 : AuthMethod.ECDSA_SHA512_P521;
    }
    byte[] data = AuthComputation.sign(method, scheme, key, octets, sa.engine().random());
    return new AuthPayload(method, Bytes.of(data));
  }

  /**
   * Verifies the peer's AUTH payload with {@code config} (section 2.15) and returns the identity it
   * proved.
   *
   * @param peerIsInitiator whether the peer is the original initiator
   * @throws IkeException AUTHENTICATION_FAILED
   */
  static PeerIdentity verify(
      IkeSa sa,
      PeerConfig config,
      boolean peerIsInitiator,
      IdPayload peerId,
      AuthPayload auth,
      List<CertPayload> certs)
      throws IkeException {
    PeerIdentity claimed =
        Identities.identity(peerId)
            .orElseThrow(() -> failed("unsupported ID type " + peerId.idType()));
    if (config.remoteId() != null && !PeerCertificates.sameIdentity(config.remoteId(), claimed)) {
      throw failed("peer identity " + claimed + " is not " + config.remoteId());
    }
    byte[] octets = signedOctets(sa, peerIsInitiator, peerId);
    byte[] data = auth.data().toByteArray();
    AuthResult result;
    if (config.auth() instanceof AuthConfig.Psk psk) {
      if (!auth.method().equals(AuthMethod.SHARED_KEY_MIC)) {
        throw failed("peer used " + auth.method() + ", configured a shared key");
      }
      result = AuthComputation.verifyPsk(sa.keying().prf(), psk.key(), octets, data);
    } else {
      AuthConfig.PubKey pk = (AuthConfig.PubKey) config.auth();
      if (auth.method().equals(AuthMethod.SHARED_KEY_MIC) || !auth.method().isSupported()) {
        throw failed("peer used " + auth.method() + ", configured public key authentication");
      }
      List<X509Certificate> chain = parse(certs);
      Optional<String> refusal =
          PeerCertificates.refusal(
              pk.validator(),
              chain,
              claimed,
              config.remoteId() != null,
              sa.engine().scheduler().now());
      if (refusal.isPresent()) {
        throw failed(refusal.get());
      }
      X509Certificate cert = chain.get(0);
      result =
          AuthComputation.verify(
              auth.method(),
              data,
              cert.getPublicKey(),
              octets,
              EnumSet.allOf(SignatureScheme.class));
    }
    if (result instanceof AuthResult.Rejected r) {
      throw failed("AUTH payload rejected: " + r.reason());
    }
    return claimed;
  }

  private static List<X509Certificate> parse(List<CertPayload> certs) throws IkeException {
    List<byte[]> der = new ArrayList<>();
    for (CertPayload c : certs) {
      if (c.encoding().equals(CertEncoding.X509_SIGNATURE)) {
        der.add(c.data().toByteArray());
      }
    }
    try {
      return PeerCertificates.parse(der);
    } catch (PkiException e) {
      throw failed(e.getMessage());
    }
  }

  static IkeException failed(String reason) {
    return IkeException.notify(NotifyType.AUTHENTICATION_FAILED, reason);
  }
}
