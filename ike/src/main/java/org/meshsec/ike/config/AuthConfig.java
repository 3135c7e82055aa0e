package org.meshsec.ike.config;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.pki.CertValidator;

/**
 * How a peer authenticates and is authenticated in IKE_AUTH (RFC 7296 section 2.15): with a shared
 * key in both directions, or with signatures and certificates in both directions.
 */
public sealed interface AuthConfig permits AuthConfig.Psk, AuthConfig.PubKey {

  /**
   * SHARED_KEY_MIC with one key for both directions.
   *
   * @param key the pre-shared key; owned by the configuration (never printed)
   */
  record Psk(SecretBytes key) implements AuthConfig {
    public Psk {
      Objects.requireNonNull(key, "key");
    }

    /** A key from raw bytes (copied). */
    public static Psk of(byte[] key) {
      return new Psk(SecretBytes.copyOf(key));
    }

    @Override
    public String toString() {
      return "Psk[" + key + "]";
    }
  }

  /**
   * Signatures (RFC 7427 DIGITAL_SIGNATURE when the peer announced SIGNATURE_HASH_ALGORITHMS,
   * otherwise the classic RSA or ECDSA method) with X.509 certificates (RFC 7296 section 3.6).
   *
   * @param privateKey our signing key
   * @param certificates our certificate first, then intermediates to send in CERT payloads
   * @param trustAnchors CA certificates that vouch for peers
   * @param pinned peer certificates trusted as they are
   */
  record PubKey(
      PrivateKey privateKey,
      List<X509Certificate> certificates,
      List<X509Certificate> trustAnchors,
      List<X509Certificate> pinned)
      implements AuthConfig {
    public PubKey {
      Objects.requireNonNull(privateKey, "privateKey");
      certificates = List.copyOf(certificates);
      trustAnchors = List.copyOf(trustAnchors);
      pinned = List.copyOf(pinned);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("public key authentication needs our certificate");
      }
    }

    /** Our end-entity certificate. */
    public X509Certificate certificate() {
      return certificates.get(0);
    }

    /** The validator for peer certificates. */
    public CertValidator validator() {
      return new CertValidator(trustAnchors, pinned);
    }

    @Override
    public String toString() {
      return "PubKey[" + certificate().getSubjectX500Principal() + "]";
    }
  }
}
