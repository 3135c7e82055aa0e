package org.meshsec.ike.crypto;

import org.meshsec.esp.EspSuite;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.message.Bytes;

/**
 * IKEv2 key derivation (RFC 7296 sections 2.14, 2.17 and 2.18). Stateless and thread-safe.
 *
 * <pre>
 * IKE SA      SKEYSEED = prf(Ni | Nr, g^ir)
 *             {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
 *                      = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
 * IKE rekey   SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)       [old SA's prf]
 * Child SA    KEYMAT   = prf+(SK_d, Ni | Nr)  or  prf+(SK_d, g^ir (new) | Ni | Nr)
 * </pre>
 *
 * <p>Ni and Nr are the nonce payload bodies (Nonce Data only), g^ir the shared secret as {@link
 * KeyExchange} produces it, SPIi and SPIr the 8-byte IKE SPIs (of the new SA, when rekeying).
 */
public final class KeyDerivation {
  private KeyDerivation() {}

  /** SKEYSEED = prf(Ni | Nr, g^ir) (RFC 7296 section 2.14). */
  public static SecretBytes skeyseed(Prf prf, byte[] ni, byte[] nr, SecretBytes gir) {
    byte[] key = Bytes.concat(ni, nr);
    return SecretBytes.wrap(gir.withBytes(g -> prf.compute(key, g)));
  }

  /**
   * The seven IKE SA keys from SKEYSEED (RFC 7296 section 2.14), sized for the negotiated PRF and
   * encryption/integrity transforms.
   */
  public static IkeSaKeys ikeSaKeys(
      Prf prf, EspSuite suite, SecretBytes skeyseed, byte[] ni, byte[] nr, long spiI, long spiR) {
    byte[] seed = Bytes.concat(ni, nr, Bytes.bigEndian64(spiI), Bytes.bigEndian64(spiR));
    try (SecretBytes keymat =
        prf.expand(skeyseed, seed, IkeSaKeys.keymatLength(prf.algorithm(), suite))) {
      return new IkeSaKeys(prf.algorithm(), suite, keymat);
    }
  }

  /**
   * SKEYSEED of a rekeyed IKE SA: prf(SK_d (old), g^ir (new) | Ni | Nr) (RFC 7296 section 2.18).
   * {@code oldPrf} is the PRF of the IKE SA being rekeyed ("it is the old IKE SA's PRF that is used
   * to generate SKEYSEED"); the new SA's keys then come from {@link #ikeSaKeys} with the new SA's
   * PRF, suite and SPIs.
   */
  public static SecretBytes rekeySkeyseed(
      Prf oldPrf, SecretBytes oldSkD, SecretBytes girNew, byte[] ni, byte[] nr) {
    return SecretBytes.wrap(girNew.withBytes(g -> oldPrf.compute(oldSkD, g, ni, nr)));
  }

  /**
   * KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr), {@code length} bytes (RFC 7296 section 2.17).
   *
   * @param girNew the shared secret of the CREATE_CHILD_SA key exchange (PFS), or null without one
   */
  public static SecretBytes childKeymat(
      Prf prf, SecretBytes skD, SecretBytes girNew, byte[] ni, byte[] nr, int length) {
    byte[] seed =
        girNew == null ? Bytes.concat(ni, nr) : girNew.withBytes(g -> Bytes.concat(g, ni, nr));
    try {
      return prf.expand(skD, seed, length);
    } finally {
      if (girNew != null) {
        java.util.Arrays.fill(seed, (byte) 0);
      }
    }
  }

  /**
   * The keys of a Child SA pair (RFC 7296 section 2.17): KEYMAT split into the
   * initiator-to-responder SA's material, then the responder-to-initiator SA's, each as {@link
   * EspSuite#keyMaterialLength()} bytes (encryption key [+ salt] [+ integrity key]).
   *
   * @param girNew the shared secret of the CREATE_CHILD_SA key exchange (PFS), or null without one
   */
  public static ChildSaKeys childSaKeys(
      Prf prf, SecretBytes skD, EspSuite suite, SecretBytes girNew, byte[] ni, byte[] nr) {
    int n = suite.keyMaterialLength();
    try (SecretBytes keymat = childKeymat(prf, skD, girNew, ni, nr, 2 * n)) {
      return new ChildSaKeys(suite, keymat.slice(0, n), keymat.slice(n, n));
    }
  }
}
