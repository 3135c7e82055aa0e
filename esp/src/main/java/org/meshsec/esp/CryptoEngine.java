package org.meshsec.esp;

/**
 * The source of cipher and MAC implementations for {@link EspContext}: the JDK's JCA provider
 * (HotSpot intrinsics for AES-GCM, AES-CBC, HMAC-SHA2) or Bouncy Castle's lightweight API. Both
 * pass the same known-answer tests (ARCHITECTURE.md, "Crypto").
 *
 * <p>Implementations are thread-safe and stateless; the per-SA cipher state they create is not.
 */
public interface CryptoEngine {

  /** A short name for logs and benchmarks: {@code jca} or {@code bc}. */
  String name();

  /** The JDK's JCA provider. */
  static CryptoEngine jca() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Bouncy Castle's lightweight (pure-Java) implementations. */
  static CryptoEngine bouncyCastle() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** The engine measured faster for this suite on this machine (see bench/RESULTS.md). */
  static CryptoEngine preferred(EspSuite suite) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
