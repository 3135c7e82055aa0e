package org.meshsec.esp;

import org.meshsec.esp.crypto.AeadCipher;
import org.meshsec.esp.crypto.CbcCipher;
import org.meshsec.esp.crypto.IcvMac;

/**
 * The source of cipher and MAC implementations for {@link EspContext}: the JDK's JCA provider
 * (HotSpot intrinsics for AES-GCM, AES-CBC, HMAC-SHA2) or Bouncy Castle's lightweight API. Both
 * pass the same known-answer tests; {@link org.meshsec.esp.crypto.CryptoEngines} hands them out
 * (PrimitiveKnownAnswerTest and the ESP packet vectors).
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
}
