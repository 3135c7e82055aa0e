package org.meshsec.esp;

import org.meshsec.esp.crypto.AeadCipher;
import org.meshsec.esp.crypto.BcCryptoEngine;
import org.meshsec.esp.crypto.CbcCipher;
import org.meshsec.esp.crypto.IcvMac;
import org.meshsec.esp.crypto.JcaCryptoEngine;

/**
 * The source of cipher and MAC implementations for {@link EspContext}: the JDK's JCA provider
 * (HotSpot intrinsics for AES-GCM, AES-CBC, HMAC-SHA2) or Bouncy Castle's lightweight API. Both
 * pass the same known-answer tests (PrimitiveKnownAnswerTest and the ESP packet vectors).
 *
 * <p>Implementations are thread-safe and stateless; the per-SA cipher state they create is not.
 */
public interface CryptoEngine {

  /** A short name for logs and benchmarks: {@code jca} or {@code bc}. */
  String name();

  /**
   * Creates a keyed AEAD for {@link EncrAlgorithm#AES_GCM_16} or {@link EncrAlgorithm#AES_GCM_12}
   * (16- or 32-byte key; the latter only for IKE's SK payload) or {@link
   * EncrAlgorithm#CHACHA20_POLY1305} (32-byte key). The key is copied; the salt is not part of it.
   */
  AeadCipher newAead(EncrAlgorithm encr, byte[] key);

  /** Creates a keyed AES-CBC cipher (16- or 32-byte key). The key is copied. */
  CbcCipher newAesCbc(byte[] key);

  /**
   * Creates a keyed HMAC with the hash of {@code integ} (SHA-256, -384 or -512; SHA-1 for IKE's SK
   * payload with {@link IntegAlgorithm#HMAC_SHA1_96}). Any key length is accepted (RFC 2104 section
   * 2), which the RFC 4231 known-answer tests need; ESP uses the RFC 4868 key lengths. The key is
   * copied.
   */
  IcvMac newHmac(IntegAlgorithm integ, byte[] key);

  /** The JDK's JCA provider. */
  static CryptoEngine jca() {
    return JcaCryptoEngine.INSTANCE;
  }

  /** Bouncy Castle's lightweight (pure-Java) implementations. */
  static CryptoEngine bouncyCastle() {
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
  static CryptoEngine preferred(EspSuite suite) {
    if (suite.encr().equals(EncrAlgorithm.CHACHA20_POLY1305)
        && !JcaCryptoEngine.hasChaCha20Poly1305()) {
      return bouncyCastle();
    }
    return jca();
  }
}
