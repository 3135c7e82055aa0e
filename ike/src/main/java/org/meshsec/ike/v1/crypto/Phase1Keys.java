package org.meshsec.ike.v1.crypto;

import java.util.Objects;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.crypto.Prf;

/**
 * The keys of an ISAKMP SA (RFC 2409 section 5): SKEYID, SKEYID_d (Quick Mode KEYMAT), SKEYID_a
 * (HASH payloads of Quick Mode and informational exchanges), SKEYID_e and the encryption key Ka
 * expanded from it (appendix B). The inputs are wiped by the caller; these by {@link #wipe()} when
 * the SA is deleted.
 *
 * <p>Not thread-safe: owned by one ISAKMP SA, used on its executor.
 */
public final class Phase1Keys implements AutoCloseable {
  private final Prf prf;
  private final SecretBytes skeyid;
  private final SecretBytes skeyidD;
  private final SecretBytes skeyidA;
  private final SecretBytes skeyidE;
  private final SecretBytes encryptionKey;

  private Phase1Keys(
      Prf prf,
      SecretBytes skeyid,
      SecretBytes skeyidD,
      SecretBytes skeyidA,
      SecretBytes skeyidE,
      SecretBytes encryptionKey) {
    this.prf = prf;
    this.skeyid = skeyid;
    this.skeyidD = skeyidD;
    this.skeyidA = skeyidA;
    this.skeyidE = skeyidE;
    this.encryptionKey = encryptionKey;
  }

  /**
   * Derives SKEYID_d, _a, _e and Ka from SKEYID (which this object takes over and wipes with the
   * rest).
   *
   * @param encryptionKeyLength the cipher's key length in bytes
   */
  public static Phase1Keys derive(
      Prf prf, SecretBytes skeyid, SecretBytes gxy, long ckyI, long ckyR, int encryptionKeyLength) {
    Objects.requireNonNull(prf, "prf");
    SecretBytes d = V1KeyDerivation.skeyidD(prf, skeyid, gxy, ckyI, ckyR);
    SecretBytes a = V1KeyDerivation.skeyidA(prf, skeyid, d, gxy, ckyI, ckyR);
    SecretBytes e = V1KeyDerivation.skeyidE(prf, skeyid, a, gxy, ckyI, ckyR);
    SecretBytes ka = V1KeyDerivation.encryptionKey(prf, e, encryptionKeyLength);
    return new Phase1Keys(prf, skeyid, d, a, e, ka);
  }

  public Prf prf() {
    return prf;
  }

  public SecretBytes skeyid() {
    return skeyid;
  }

  public SecretBytes skeyidD() {
    return skeyidD;
  }

  public SecretBytes skeyidA() {
    return skeyidA;
  }

  public SecretBytes skeyidE() {
    return skeyidE;
  }

  /** Ka, the phase 1 cipher key. */
  public SecretBytes encryptionKey() {
    return encryptionKey;
  }

  /** Wipes every key. Idempotent. */
  public void wipe() {
    skeyid.wipe();
    skeyidD.wipe();
    skeyidA.wipe();
    skeyidE.wipe();
    encryptionKey.wipe();
  }

  @Override
  public void close() {
    wipe();
  }

  @Override
  public String toString() {
    return "Phase1Keys[" + prf.algorithm() + (skeyid.isWiped() ? ", wiped]" : "]");
  }
}
