package org.meshsec.ike.pki;

import java.security.cert.X509Certificate;
import java.util.List;

/** The outcome of {@link CertValidator#validate}. */
public sealed interface ValidationResult
    permits ValidationResult.Trusted, ValidationResult.Untrusted {

  /** Whether the peer certificate is trusted. */
  default boolean isTrusted() {
    return this instanceof Trusted;
  }

  /**
   * The peer certificate is trusted.
   *
   * @param path the certificates from the peer's up to (not including) the anchor
   * @param anchor the configured CA certificate the path ends at, or null when pinned
   * @param pinned whether trust comes from an exact match with a pinned certificate
   */
  record Trusted(List<X509Certificate> path, X509Certificate anchor, boolean pinned)
      implements ValidationResult {
    public Trusted {
      path = List.copyOf(path);
    }
  }

  /**
   * The peer certificate is not trusted.
   *
   * @param reason the category, for counters and the decision
   * @param detail a message for the log naming the certificate concerned (names only)
   */
  record Untrusted(ValidationFailure reason, String detail) implements ValidationResult {}
}
