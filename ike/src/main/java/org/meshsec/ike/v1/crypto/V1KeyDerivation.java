package org.meshsec.ike.v1.crypto;

import java.util.Arrays;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.crypto.Prf;
import org.meshsec.ike.crypto.PrfAlgorithm;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.v1.message.Phase1Attribute;

/**
 * IKEv1 key derivation and authentication hashes (RFC 2409 sections 5, 5.5, 5.7 and appendix B),
 * over the negotiated prf ({@link Prf}; without a PRF attribute it is HMAC with the negotiated
 * hash, RFC 2409 section 4, {@link #prfFor}). Stateless and thread-safe.
 *
 * <pre>
 * SKEYID   = prf(pre-shared-key, Ni_b | Nr_b)                   pre-shared keys
 *          = prf(Ni_b | Nr_b, g^xy)                             signatures
 * SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
 * SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
 * SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
 * Ka       = first bytes of SKEYID_e, or of K1 | K2 | ... with
 *            K1 = prf(SKEYID_e, 0), Ki = prf(SKEYID_e, Ki-1)     when SKEYID_e is too short
 * HASH_I   = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
 * HASH_R   = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)
 * HASH(1)  = prf(SKEYID_a, M-ID | SA | Ni [ | KE ] [ | IDci | IDcr ])    Quick Mode
 * HASH(2)  = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [ | KE ] [ | IDci | IDcr ])
 * HASH(3)  = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)
 * HASH(1)  = prf(SKEYID_a, M-ID | N/D)                          Informational (section 5.7)
 * KEYMAT   = K1 | K2 | ...,  K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b),
 *                            Ki = prf(SKEYID_d, Ki-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
 * </pre>
 *
 * The single octets 0, 1, 2 are the literal values. {@code _b} is a payload body without its
 * generic header ({@code Payload.encodeBody()}); "SA | Ni ..." in the Quick Mode hashes is every
 * payload after the HASH payload, generic headers included and padding excluded ({@code
 * IsakmpMessage.encodePayloadsAfter}). CKY-I, CKY-R are the 8-byte cookies, M-ID the 4-byte Message
 * ID, g^xy the shared secret as {@code KeyExchange} produces it (MODP left-padded to the prime
 * length), SPI the inbound SPI of the SA the KEYMAT is for.
 */
public final class V1KeyDerivation {
  private V1KeyDerivation() {}

  /**
   * The prf of a phase 1 SA negotiated without a PRF attribute: HMAC with the negotiated hash.
   *
   * @throws IllegalArgumentException if meshsec does not implement it (MD5, Tiger, unknown)
   */
  public static Prf prfFor(Phase1Attribute.Hash hash) {
    PrfAlgorithm algorithm =
        switch (hash.value()) {
          case 2 -> PrfAlgorithm.HMAC_SHA1;
          case 4 -> PrfAlgorithm.HMAC_SHA2_256;
          case 5 -> PrfAlgorithm.HMAC_SHA2_384;
          case 6 -> PrfAlgorithm.HMAC_SHA2_512;
          default -> throw new IllegalArgumentException("unsupported hash " + hash);
        };
    return Prf.of(algorithm);
  }

  /** SKEYID for pre-shared key authentication: prf(pre-shared-key, Ni_b | Nr_b). */
  public static SecretBytes skeyidPsk(Prf prf, SecretBytes psk, byte[] niB, byte[] nrB) {
    return SecretBytes.wrap(prf.compute(psk, niB, nrB));
  }

  /** SKEYID for signature authentication: prf(Ni_b | Nr_b, g^xy). */
  public static SecretBytes skeyidSignature(Prf prf, byte[] niB, byte[] nrB, SecretBytes gxy) {
    byte[] secret = gxy.copy();
    try {
      return SecretBytes.wrap(prf.compute(Bytes.concat(niB, nrB), secret));
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }

  /** SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0). */
  public static SecretBytes skeyidD(
      Prf prf, SecretBytes skeyid, SecretBytes gxy, long ckyI, long ckyR) {
    return derive(prf, skeyid, null, gxy, ckyI, ckyR, 0);
  }

  /** SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1). */
  public static SecretBytes skeyidA(
      Prf prf, SecretBytes skeyid, SecretBytes skeyidD, SecretBytes gxy, long ckyI, long ckyR) {
    return derive(prf, skeyid, skeyidD, gxy, ckyI, ckyR, 1);
  }

  /** SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2). */
  public static SecretBytes skeyidE(
      Prf prf, SecretBytes skeyid, SecretBytes skeyidA, SecretBytes gxy, long ckyI, long ckyR) {
    return derive(prf, skeyid, skeyidA, gxy, ckyI, ckyR, 2);
  }

  private static SecretBytes derive(
      Prf prf,
      SecretBytes skeyid,
      SecretBytes previous,
      SecretBytes gxy,
      long ckyI,
      long ckyR,
      int counter) {
    byte[] prev = previous == null ? new byte[0] : previous.copy();
    byte[] secret = gxy.copy();
    try {
      return SecretBytes.wrap(
          prf.compute(
              skeyid,
              prev,
              secret,
              Bytes.bigEndian64(ckyI),
              Bytes.bigEndian64(ckyR),
              new byte[] {(byte) counter}));
    } finally {
      Arrays.fill(prev, (byte) 0);
      Arrays.fill(secret, (byte) 0);
    }
  }

  /**
   * The phase 1 encryption key of {@code length} bytes from SKEYID_e (RFC 2409 appendix B): its
   * first bytes when it is long enough, else the first bytes of K1 | K2 | ... with K1 =
   * prf(SKEYID_e, 0) (one zero octet) and Ki = prf(SKEYID_e, Ki-1).
   */
  public static SecretBytes encryptionKey(Prf prf, SecretBytes skeyidE, int length) {
    if (skeyidE.length() >= length) {
      return skeyidE.slice(0, length);
    }
    byte[] out = new byte[length];
    byte[] k = {0};
    int off = 0;
    while (off < length) {
      byte[] next = prf.compute(skeyidE, k);
      Arrays.fill(k, (byte) 0);
      k = next;
      int n = Math.min(k.length, length - off);
      System.arraycopy(k, 0, out, off, n);
      off += n;
    }
    Arrays.fill(k, (byte) 0);
    return SecretBytes.wrap(out);
  }

  /** HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b). */
  public static byte[] hashI(
      Prf prf,
      SecretBytes skeyid,
      byte[] gxi,
      byte[] gxr,
      long ckyI,
      long ckyR,
      byte[] saiB,
      byte[] idiiB) {
    return prf.compute(
        skeyid, gxi, gxr, Bytes.bigEndian64(ckyI), Bytes.bigEndian64(ckyR), saiB, idiiB);
  }

  /** HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b). */
  public static byte[] hashR(
      Prf prf,
      SecretBytes skeyid,
      byte[] gxi,
      byte[] gxr,
      long ckyI,
      long ckyR,
      byte[] saiB,
      byte[] idirB) {
    return prf.compute(
        skeyid, gxr, gxi, Bytes.bigEndian64(ckyR), Bytes.bigEndian64(ckyI), saiB, idirB);
  }

  /** Quick Mode HASH(1) = prf(SKEYID_a, M-ID | payloads after HASH(1)). */
  public static byte[] quickModeHash1(
      Prf prf, SecretBytes skeyidA, long messageId, byte[] afterHash) {
    return prf.compute(skeyidA, messageId(messageId), afterHash);
  }

  /** Quick Mode HASH(2) = prf(SKEYID_a, M-ID | Ni_b | payloads after HASH(2)). */
  public static byte[] quickModeHash2(
      Prf prf, SecretBytes skeyidA, long messageId, byte[] niB, byte[] afterHash) {
    return prf.compute(skeyidA, messageId(messageId), niB, afterHash);
  }

  /** Quick Mode HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b). */
  public static byte[] quickModeHash3(
      Prf prf, SecretBytes skeyidA, long messageId, byte[] niB, byte[] nrB) {
    return prf.compute(skeyidA, new byte[] {0}, messageId(messageId), niB, nrB);
  }

  /** Informational HASH(1) = prf(SKEYID_a, M-ID | N/D) (RFC 2409 section 5.7). */
  public static byte[] informationalHash(
      Prf prf, SecretBytes skeyidA, long messageId, byte[] afterHash) {
    return prf.compute(skeyidA, messageId(messageId), afterHash);
  }

  /**
   * KEYMAT of one SA (RFC 2409 section 5.5), {@code length} bytes: K1 | K2 | ... with K1 =
   * prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b) and Ki = prf(SKEYID_d, Ki-1 |
   * [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b).
   *
   * @param gqmxy the shared secret of the Quick Mode key exchange (PFS), or null without one
   * @param protocol the protocol id of the SA (3 for ESP)
   * @param spi the SPI of the SA, as the receiver of that SA chose it (4 bytes for ESP)
   */
  public static SecretBytes keymat(
      Prf prf,
      SecretBytes skeyidD,
      SecretBytes gqmxy,
      int protocol,
      byte[] spi,
      byte[] niB,
      byte[] nrB,
      int length) {
    byte[] secret = gqmxy == null ? new byte[0] : gqmxy.copy();
    byte[] seed = Bytes.concat(secret, new byte[] {(byte) protocol}, spi, niB, nrB);
    byte[] out = new byte[length];
    byte[] k = new byte[0];
    int off = 0;
    try {
      while (off < length) {
        byte[] next = prf.compute(skeyidD, k, seed);
        Arrays.fill(k, (byte) 0);
        k = next;
        int n = Math.min(k.length, length - off);
        System.arraycopy(k, 0, out, off, n);
        off += n;
      }
      return SecretBytes.wrap(out);
    } finally {
      Arrays.fill(k, (byte) 0);
      Arrays.fill(secret, (byte) 0);
      Arrays.fill(seed, (byte) 0);
    }
  }

  private static byte[] messageId(long messageId) {
    return new byte[] {
      (byte) (messageId >>> 24),
      (byte) (messageId >>> 16),
      (byte) (messageId >>> 8),
      (byte) messageId
    };
  }
}
