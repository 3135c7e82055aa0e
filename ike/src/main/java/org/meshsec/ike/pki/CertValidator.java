package org.meshsec.ike.pki;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a peer's certificate (with the intermediates it sent in CERT payloads) is trusted
 * for IKE authentication (RFC 7296 section 3.6, RFC 4945 section 5): either it chains to one of the
 * configured CA certificates, validated by the JDK's PKIX {@link CertPathValidator} (RFC 5280
 * section 6) with revocation checking off, or it is exactly one of the pinned certificates.
 *
 * <p>Paths are built here, by following issuer names through the intermediates, so that the
 * validator's reason for a failure (expired, bad signature, ...) reaches the caller instead of a
 * builder's generic "no path found". Pinned certificates and CA certificates must be within their
 * validity period too (PKIX does not check the anchor's).
 *
 * <p>Immutable and thread-safe.
 */
public final class CertValidator {

  /** Longest chain followed (peer + intermediates), to bound the search. */
  static final int MAX_DEPTH = 8;

  private final List<X509Certificate> anchors;
  private final List<X509Certificate> pinned;

  /**
   * @param trustAnchors CA certificates whose subordinates are trusted
   * @param pinned peer certificates trusted as they are, without a CA
   */
  public CertValidator(
      Collection<X509Certificate> trustAnchors, Collection<X509Certificate> pinned) {
    this.anchors = List.copyOf(trustAnchors);
    this.pinned = List.copyOf(pinned);
  }

  /**
   * Validates {@code peer} at time {@code at}.
   *
   * @param intermediates certificates the peer sent besides its own, in any order
   */
  public ValidationResult validate(
      X509Certificate peer, List<X509Certificate> intermediates, Instant at) {
    Date date = Date.from(at);
    for (X509Certificate p : pinned) {
      if (p.equals(peer)) {
        ValidationResult.Untrusted dates = checkDates(peer, date, "pinned certificate");
        return dates != null ? dates : new ValidationResult.Trusted(List.of(peer), null, true);
      }
    }
    List<Candidate> candidates = new ArrayList<>();
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(peer);
    collect(chain, intermediates, candidates);
    if (candidates.isEmpty()) {
      return new ValidationResult.Untrusted(
          ValidationFailure.UNTRUSTED,
          "no path from " + peer.getSubjectX500Principal() + " to a configured CA");
    }
    ValidationResult.Untrusted first = null;
    for (Candidate c : candidates) {
      ValidationResult r = check(c, date);
      if (r.isTrusted()) {
        return r;
      }
      if (first == null) {
        first = (ValidationResult.Untrusted) r;
      }
    }
    return first;
  }

  private record Candidate(List<X509Certificate> path, X509Certificate anchor) {}

  /** Depth-first: every path from the chain's last certificate to an anchor, by issuer name. */
  private void collect(
      List<X509Certificate> chain, List<X509Certificate> pool, List<Candidate> out) {
    X509Certificate last = chain.get(chain.size() - 1);
    for (X509Certificate a : anchors) {
      if (a.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
        out.add(new Candidate(List.copyOf(chain), a));
      }
    }
    if (chain.size() >= MAX_DEPTH) {
      return;
    }
    for (X509Certificate next : pool) {
      if (!chain.contains(next)
          && next.getSubjectX500Principal().equals(last.getIssuerX500Principal())
          && !anchors.contains(next)) {
        chain.add(next);
        collect(chain, pool, out);
        chain.remove(chain.size() - 1);
      }
    }
  }

  private static ValidationResult check(Candidate c, Date date) {
    ValidationResult.Untrusted anchorDates = checkDates(c.anchor, date, "CA certificate");
    if (anchorDates != null) {
      return anchorDates;
    }
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      CertPath path = cf.generateCertPath(c.path);
      PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(c.anchor, null)));
      params.setRevocationEnabled(false);
      params.setDate(date);
      CertPathValidator.getInstance("PKIX").validate(path, params);
      return new ValidationResult.Trusted(c.path, c.anchor, false);
    } catch (CertPathValidatorException e) {
      ValidationFailure reason = map(e);
      if (reason == ValidationFailure.UNTRUSTED && !signedBy(last(c.path), c.anchor)) {
        // PKIX matches anchors by name and key identifier, so a certificate naming our CA as
        // issuer but signed by another key reads "no trust anchor"; say what it is.
        return new ValidationResult.Untrusted(
            ValidationFailure.BAD_SIGNATURE,
            last(c.path).getSubjectX500Principal()
                + " names "
                + c.anchor.getSubjectX500Principal()
                + " as issuer but is not signed by its key");
      }
      return new ValidationResult.Untrusted(reason, describe(e, c.path));
    } catch (CertificateException
        | NoSuchAlgorithmException
        | InvalidAlgorithmParameterException e) {
      throw new IllegalStateException("JDK PKIX support missing", e);
    }
  }

  private static X509Certificate last(List<X509Certificate> path) {
    return path.get(path.size() - 1);
  }

  private static boolean signedBy(X509Certificate cert, X509Certificate issuer) {
    try {
      cert.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static ValidationFailure map(CertPathValidatorException e) {
    CertPathValidatorException.Reason r = e.getReason();
    if (r == BasicReason.EXPIRED) {
      return ValidationFailure.EXPIRED;
    }
    if (r == BasicReason.NOT_YET_VALID) {
      return ValidationFailure.NOT_YET_VALID;
    }
    if (r == BasicReason.INVALID_SIGNATURE) {
      return ValidationFailure.BAD_SIGNATURE;
    }
    if (r == PKIXReason.NO_TRUST_ANCHOR) {
      return ValidationFailure.UNTRUSTED;
    }
    return ValidationFailure.INVALID_PATH;
  }

  private static String describe(CertPathValidatorException e, List<X509Certificate> path) {
    int i = e.getIndex();
    String who = i >= 0 && i < path.size() ? " at " + path.get(i).getSubjectX500Principal() : "";
    return e.getReason() + who + ": " + e.getMessage();
  }

  private static ValidationResult.Untrusted checkDates(X509Certificate c, Date date, String what) {
    try {
      c.checkValidity(date);
      return null;
    } catch (CertificateExpiredException e) {
      return new ValidationResult.Untrusted(
          ValidationFailure.EXPIRED, what + " " + c.getSubjectX500Principal() + " has expired");
    } catch (CertificateNotYetValidException e) {
      return new ValidationResult.Untrusted(
          ValidationFailure.NOT_YET_VALID,
          what + " " + c.getSubjectX500Principal() + " is not yet valid");
    }
  }
}
