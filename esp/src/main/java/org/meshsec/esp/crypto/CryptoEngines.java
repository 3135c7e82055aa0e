package org.meshsec.esp.crypto;

import org.meshsec.esp.CryptoEngine;
import org.meshsec.esp.EncrAlgorithm;
import org.meshsec.esp.EspSuite;

/**
 * The {@link CryptoEngine}s there are, and the one to use for a suite. Apart from the interface so
 * that the interface does not import its implementations. Stateless and thread-safe.
 */
public final class CryptoEngines {
  private CryptoEngines() {}

  /** The JDK's JCA provider. */
  public static CryptoEngine jca() {
    return JcaCryptoEngine.INSTANCE;
  }

  /** Bouncy Castle's lightweight (pure-Java) implementations. */
  public static CryptoEngine bouncyCastle() {
    return BcCryptoEngine.INSTANCE;
  }

  /**
   * The engine expected to be faster for this suite on this machine, chosen without measuring at
   * startup: JCA for AES (GCM and CBC) and HMAC, where HotSpot uses AES-NI, CLMUL and SHA
   * intrinsics (about 2.5 GB/s for AES-128-GCM against Bouncy Castle's 0.13 GB/s,
   * bench/RESULTS.md); JCA for ChaCha20-Poly1305 too, which every JDK since 11 ships and which is
   * at least as fast as Bouncy Castle's pure-Java version. Bouncy Castle only when the JDK lacks
   * ChaCha20-Poly1305 (a stripped-down provider list). bench/ measures both and may refine this
   * choice.
   */
  public static CryptoEngine preferred(EspSuite suite) {
    if (suite.encr().equals(EncrAlgorithm.CHACHA20_POLY1305)
        && !JcaCryptoEngine.hasChaCha20Poly1305()) {
      return bouncyCastle();
    }
    return jca();
  }
}
