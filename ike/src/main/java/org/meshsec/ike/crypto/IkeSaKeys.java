package org.meshsec.ike.crypto;

import org.meshsec.esp.EspSuite;
import org.meshsec.esp.SecretBytes;

/**
 * The seven keys of an IKE SA (RFC 7296 section 2.14), in the order prf+ produces them:
 *
 * <pre>
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+ (SKEYSEED, Ni | Nr | SPIi | SPIr)
 * </pre>
 *
 * <p>SK_d, SK_pi and SK_pr have the PRF's key length. SK_ai/SK_ar have the integrity key length and
 * are empty for an AEAD cipher; SK_ei/SK_er are the encryption key followed, for AES-GCM (RFC 5282)
 * and ChaCha20-Poly1305 (RFC 7634), by the 4-byte salt. The layout for encryption and integrity is
 * that of {@link EspSuite}, used here as the validated (ENCR, key size, INTEG) triple of the IKE
 * SA.
 *
 * <p>Not thread-safe: owned by one IKE SA, which calls {@link #wipe()} when it is deleted. {@link
 * #toString()} shows only the algorithms.
 */
public final class IkeSaKeys implements AutoCloseable {

  private final PrfAlgorithm prf;
  private final EspSuite suite;
  private final SecretBytes skD;
  private final SecretBytes skAi;
  private final SecretBytes skAr;
  private final SecretBytes skEi;
  private final SecretBytes skEr;
  private final SecretBytes skPi;
  private final SecretBytes skPr;

  IkeSaKeys(PrfAlgorithm prf, EspSuite suite, SecretBytes keymat) {
    this.prf = prf;
    this.suite = suite;
    int d = prf.keyLength();
    int a = suite.integKeyLength();
    int e = suite.encKeyLength() + suite.saltLength();
    int off = 0;
    skD = keymat.slice(off, d);
    off += d;
    skAi = keymat.slice(off, a);
    off += a;
    skAr = keymat.slice(off, a);
    off += a;
    skEi = keymat.slice(off, e);
    off += e;
    skEr = keymat.slice(off, e);
    off += e;
    skPi = keymat.slice(off, d);
    off += d;
    skPr = keymat.slice(off, d);
  }

  /**
   * The keys of a resumed IKE SA (a hot restart) from {@code keymat}, the seven keys in prf+ order
   * as {@link #keymat()} gave them; the caller keeps and wipes {@code keymat}.
   *
   * @throws IllegalArgumentException when the length does not fit the PRF and suite
   */
  public static IkeSaKeys fromKeymat(PrfAlgorithm prf, EspSuite suite, SecretBytes keymat) {
    if (keymat.length() != keymatLength(prf, suite)) {
      throw new IllegalArgumentException("key material of the wrong length for " + suite);
    }
    return new IkeSaKeys(prf, suite, keymat);
  }

  /**
   * A copy of the seven keys in prf+ order (SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr),
   * for carrying the SA over a hot restart; the caller wipes it.
   *
   * @throws IllegalStateException after {@link #wipe()}
   */
  public SecretBytes keymat() {
    SecretBytes[] all = {skD, skAi, skAr, skEi, skEr, skPi, skPr};
    byte[] out = new byte[keymatLength(prf, suite)];
    int off = 0;
    for (SecretBytes k : all) {
      byte[] c = k.copy();
      System.arraycopy(c, 0, out, off, c.length);
      off += c.length;
      java.util.Arrays.fill(c, (byte) 0);
    }
    return SecretBytes.wrap(out);
  }

  /** Total bytes prf+ must produce for this PRF and cipher suite. */
  public static int keymatLength(PrfAlgorithm prf, EspSuite suite) {
    return 3 * prf.keyLength()
        + 2 * suite.integKeyLength()
        + 2 * (suite.encKeyLength() + suite.saltLength());
  }

  /** The IKE SA's PRF. */
  public PrfAlgorithm prf() {
    return prf;
  }

  /** The IKE SA's encryption and integrity transforms. */
  public EspSuite suite() {
    return suite;
  }

  /** SK_d: the key Child SA keys and a rekeyed IKE SA's SKEYSEED derive from. */
  public SecretBytes skD() {
    return skD;
  }

  /** SK_ai: integrity key for messages from the initiator (empty for AEAD). */
  public SecretBytes skAi() {
    return skAi;
  }

  /** SK_ar: integrity key for messages from the responder (empty for AEAD). */
  public SecretBytes skAr() {
    return skAr;
  }

  /** SK_ei: encryption key [+ salt] for messages from the initiator. */
  public SecretBytes skEi() {
    return skEi;
  }

  /** SK_er: encryption key [+ salt] for messages from the responder. */
  public SecretBytes skEr() {
    return skEr;
  }

  /** SK_pi: the key for the initiator's AUTH payload (RFC 7296 section 2.15). */
  public SecretBytes skPi() {
    return skPi;
  }

  /** SK_pr: the key for the responder's AUTH payload. */
  public SecretBytes skPr() {
    return skPr;
  }

  /** Overwrites all seven keys. Idempotent. */
  public void wipe() {
    skD.wipe();
    skAi.wipe();
    skAr.wipe();
    skEi.wipe();
    skEr.wipe();
    skPi.wipe();
    skPr.wipe();
  }

  /** Same as {@link #wipe()}. */
  @Override
  public void close() {
    wipe();
  }

  @Override
  public String toString() {
    return "IkeSaKeys[prf=" + prf + ", suite=" + suite + (skD.isWiped() ? ", wiped]" : "]");
  }
}
