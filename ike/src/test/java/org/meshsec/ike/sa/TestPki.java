package org.meshsec.ike.sa;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.meshsec.ike.config.AuthConfig;
import org.meshsec.ike.crypto.DeterministicRandom;
import org.meshsec.ike.pki.Certificates;
import org.meshsec.ike.pki.KeyType;
import org.meshsec.ike.pki.Keys;
import org.meshsec.ike.pki.PkiException;
import org.meshsec.ike.pki.SubjectAltName;

/**
 * A test PKI made with {@code org.meshsec.ike.pki}: a root CA, an intermediate CA under it, and
 * end-entity certificates for the nodes (dNSName nodeN.mesh), valid around the virtual epoch.
 */
public final class TestPki {
  public static final Instant NOT_BEFORE = Instant.parse("2024-01-01T00:00:00Z");
  public static final Instant NOT_AFTER = Instant.parse("2030-01-01T00:00:00Z");

  public final KeyType type;
  public final KeyPair rootKey;
  public final X509Certificate root;
  public final KeyPair subKey;
  public final X509Certificate sub;
  private final DeterministicRandom random;

  public TestPki(KeyType type, long seed) {
    this.type = type;
    this.random = new DeterministicRandom(seed);
    try {
      rootKey = Keys.generate(type, random);
      root =
          Certificates.selfSigned(
              rootKey,
              new X500Principal("CN=mesh root " + seed),
              NOT_BEFORE,
              NOT_AFTER,
              List.of(),
              true,
              random);
      subKey = Keys.generate(type, random);
      sub =
          Certificates.issue(
              Certificates.request(
                  subKey, new X500Principal("CN=mesh intermediate " + seed), List.of(), random),
              root,
              rootKey.getPrivate(),
              NOT_BEFORE,
              NOT_AFTER,
              List.of(),
              true,
              random);
    } catch (PkiException e) {
      throw new AssertionError(e);
    }
  }

  /** A node's key and certificate, issued by the intermediate CA, naming {@code dns}. */
  public record Identity(KeyPair key, X509Certificate cert, X509Certificate issuer) {}

  public Identity issue(String dns) {
    try {
      KeyPair k = Keys.generate(type, random);
      X509Certificate c =
          Certificates.issue(
              Certificates.request(k, new X500Principal("CN=" + dns), List.of(), random),
              sub,
              subKey.getPrivate(),
              NOT_BEFORE,
              NOT_AFTER,
              List.of(SubjectAltName.dns(dns)),
              false,
              random);
      return new Identity(k, c, sub);
    } catch (PkiException e) {
      throw new AssertionError(e);
    }
  }

  /** Public key authentication with {@code id}, sending the intermediate, trusting our root. */
  public AuthConfig auth(Identity id) {
    return new AuthConfig.PubKey(
        id.key().getPrivate(), List.of(id.cert(), id.issuer()), List.of(root), List.of());
  }
}
