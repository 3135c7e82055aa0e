package org.meshsec.ike.v1.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.crypto.Prf;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.v1.message.CbcCipher;
import org.meshsec.ike.v1.message.Phase1Attribute;

/**
 * Published vectors and the RFC 2409 formulas spelled out with raw HMAC/digest calls, for the cases
 * the strongSwan recordings do not reach (signature SKEYID, SHA-1, the appendix B key expansion,
 * 3DES, PFS-less and PFS KEYMAT beyond one prf block).
 */
class V1KeyDerivationTest {
  private static final HexFormat HEX = HexFormat.of();

  /**
   * The SHA-1 digital-signature case of the NIST CAVP SP 800-135 IKEv1 KDF vectors (response file
   * format "Ni_b || Nr_b", "gxy || CKY_I || CKY_R || BYTE(0x00)"), as reproduced in public KDF test
   * suites.
   */
  @Test
  void cavpSha1SignatureVector() {
    Prf prf = V1KeyDerivation.prfFor(Phase1Attribute.Hash.SHA1);
    long ckyI = 0x382e5c8b0a3fa307L;
    long ckyR = 0xba4b7616700a2413L;
    byte[] ni = HEX.parseHex("ced5635da6796075");
    byte[] nr = HEX.parseHex("6244b427712fb776");
    SecretBytes gxy =
        SecretBytes.copyOf(
            HEX.parseHex(
                "2a2e0bbe8da3657a83f3d35826e49e2d38e557e912a1b9e6c30c63577b3eab71"
                    + "5466202862027f2c26f3090743555579611771db0b92bef93834432a3a7762fc"
                    + "8a0f4889fd281d6082770d10a40d7bad61e832f041e620d6787e7f62ab2861dd"
                    + "fbe272e0d9d3cdec5f1bbf750e24b8b32d6d714968ad69ce5086c32ad2742ebc"));
    SecretBytes skeyid = V1KeyDerivation.skeyidSignature(prf, ni, nr, gxy);
    assertEquals("dc37ac99de6dcfbd1ee74af7fb36f9b4b0a7829d", HEX.formatHex(skeyid.copy()));
    try (Phase1Keys keys = Phase1Keys.derive(prf, skeyid, gxy, ckyI, ckyR, 16)) {
      assertEquals(
          "486293ed547adb562cefdaf43d3d8457b196f2b6", HEX.formatHex(keys.skeyidD().copy()));
      assertEquals(
          "f4053b5ca07e59bb41b8f401037ca90b72b3917e", HEX.formatHex(keys.skeyidA().copy()));
      assertEquals(
          "49a1d53a80fb77e663552964fbbcb45092021473", HEX.formatHex(keys.skeyidE().copy()));
      assertEquals("49a1d53a80fb77e663552964fbbcb450", HEX.formatHex(keys.encryptionKey().copy()));
      keys.wipe();
      assertTrue(keys.skeyid().isWiped());
      assertTrue(keys.encryptionKey().isWiped());
      assertFalse(keys.toString().contains("49a1"));
    }
  }

  private static byte[] hmac(String alg, byte[] key, byte[]... parts) throws Exception {
    Mac mac = Mac.getInstance(alg);
    mac.init(new SecretKeySpec(key, alg));
    for (byte[] p : parts) {
      mac.update(p);
    }
    return mac.doFinal();
  }

  /** RFC 2409 appendix B: a 20-byte SKEYID_e (HMAC-SHA1) expanded for AES-256. */
  @Test
  void encryptionKeyExpansionWhenSkeyidEIsShort() throws Exception {
    Prf prf = V1KeyDerivation.prfFor(Phase1Attribute.Hash.SHA1);
    byte[] e = HEX.parseHex("00112233445566778899aabbccddeeff01234567");
    SecretBytes ka = V1KeyDerivation.encryptionKey(prf, SecretBytes.copyOf(e), 32);
    byte[] k1 = hmac("HmacSHA1", e, new byte[] {0});
    byte[] k2 = hmac("HmacSHA1", e, k1);
    assertArrayEquals(Arrays.copyOf(Bytes.concat(k1, k2), 32), ka.copy());
    // Long enough: Ka is the first bytes of SKEYID_e itself.
    assertArrayEquals(
        Arrays.copyOf(e, 16), V1KeyDerivation.encryptionKey(prf, SecretBytes.copyOf(e), 16).copy());
    // 3DES needs 24 bytes: also expanded from a 20-byte SKEYID_e.
    assertArrayEquals(
        Arrays.copyOf(Bytes.concat(k1, k2), 24),
        V1KeyDerivation.encryptionKey(prf, SecretBytes.copyOf(e), 24).copy());
  }

  /** RFC 2409 section 5.5: KEYMAT beyond one prf output, with and without PFS. */
  @Test
  void keymatExpansion() throws Exception {
    Prf prf = V1KeyDerivation.prfFor(Phase1Attribute.Hash.SHA1);
    byte[] d = HEX.parseHex("0102030405060708090a0b0c0d0e0f1011121314");
    byte[] spi = HEX.parseHex("c0ffee01");
    byte[] ni = HEX.parseHex("1111111111111111");
    byte[] nr = HEX.parseHex("2222222222222222");
    byte[] g = HEX.parseHex("abcdef0123456789");
    byte[] seed = Bytes.concat(new byte[] {3}, spi, ni, nr);
    byte[] k1 = hmac("HmacSHA1", d, seed);
    byte[] k2 = hmac("HmacSHA1", d, k1, seed);
    byte[] k3 = hmac("HmacSHA1", d, k2, seed);
    assertArrayEquals(
        Arrays.copyOf(Bytes.concat(k1, k2, k3), 56),
        V1KeyDerivation.keymat(prf, SecretBytes.copyOf(d), null, 3, spi, ni, nr, 56).copy());
    byte[] pfsSeed = Bytes.concat(g, seed);
    byte[] p1 = hmac("HmacSHA1", d, pfsSeed);
    byte[] p2 = hmac("HmacSHA1", d, p1, pfsSeed);
    assertArrayEquals(
        Arrays.copyOf(Bytes.concat(p1, p2), 36),
        V1KeyDerivation.keymat(
                prf, SecretBytes.copyOf(d), SecretBytes.copyOf(g), 3, spi, ni, nr, 36)
            .copy());
  }

  @Test
  void quickModeAndInformationalHashesFollowRfc2409() throws Exception {
    Prf prf = V1KeyDerivation.prfFor(Phase1Attribute.Hash.SHA2_256);
    byte[] a = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
    SecretBytes skeyidA = SecretBytes.copyOf(a);
    byte[] mid = HEX.parseHex("89abcdef");
    byte[] rest = HEX.parseHex("0a00000c0102030405060708");
    byte[] ni = HEX.parseHex("0101010101010101");
    byte[] nr = HEX.parseHex("0202020202020202");
    assertArrayEquals(
        hmac("HmacSHA256", a, mid, rest),
        V1KeyDerivation.quickModeHash1(prf, skeyidA, 0x89abcdefL, rest));
    assertArrayEquals(
        hmac("HmacSHA256", a, mid, ni, rest),
        V1KeyDerivation.quickModeHash2(prf, skeyidA, 0x89abcdefL, ni, rest));
    assertArrayEquals(
        hmac("HmacSHA256", a, new byte[] {0}, mid, ni, nr),
        V1KeyDerivation.quickModeHash3(prf, skeyidA, 0x89abcdefL, ni, nr));
    assertArrayEquals(
        hmac("HmacSHA256", a, mid, rest),
        V1KeyDerivation.informationalHash(prf, skeyidA, 0x89abcdefL, rest));
  }

  @Test
  void unsupportedHashesAreRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> V1KeyDerivation.prfFor(Phase1Attribute.Hash.MD5));
    assertThrows(
        IllegalArgumentException.class, () -> V1KeyDerivation.prfFor(new Phase1Attribute.Hash(99)));
  }

  /** RFC 2409 appendix B: phase 1 IV, chaining, and the per-Message-ID phase 2 IVs. */
  @Test
  void ivChain() throws Exception {
    byte[] gxi = HEX.parseHex("01020304");
    byte[] gxr = HEX.parseHex("05060708");
    IvChain chain = new IvChain(Phase1Attribute.Hash.SHA1, 16, gxi, gxr);
    byte[] expected =
        Arrays.copyOf(MessageDigest.getInstance("SHA-1").digest(Bytes.concat(gxi, gxr)), 16);
    assertArrayEquals(expected, chain.iv(0));
    byte[] last = HEX.parseHex("ffeeddccbbaa99887766554433221100");
    chain.update(0, last);
    assertArrayEquals(last, chain.iv(0), "CBC chaining across phase 1 messages");
    byte[] qm = chain.iv(0x01020304L);
    byte[] expectedQm =
        Arrays.copyOf(
            MessageDigest.getInstance("SHA-1").digest(Bytes.concat(last, HEX.parseHex("01020304"))),
            16);
    assertArrayEquals(expectedQm, qm, "hash(last phase 1 block | M-ID)");
    assertArrayEquals(qm, chain.iv(0x01020304L), "stable until updated");
    byte[] next = HEX.parseHex("00000000000000000000000000000001");
    chain.update(0x01020304L, next);
    assertArrayEquals(next, chain.iv(0x01020304L));
    assertNotEquals(Bytes.of(chain.iv(7)), Bytes.of(chain.iv(8)), "each exchange its own IV");
    chain.forget(0x01020304L);
    assertArrayEquals(expectedQm, chain.iv(0x01020304L), "a forgotten exchange starts over");
    for (int i = 100; i < 100 + IvChain.MAX_EXCHANGES + 4; i++) {
      chain.update(i, next);
    }
    assertArrayEquals(
        IvChain.phase2Iv(Phase1Attribute.Hash.SHA1, last, 100, 16),
        chain.iv(100),
        "the oldest exchanges are evicted");
    assertThrows(IllegalArgumentException.class, () -> chain.update(0, new byte[8]));
  }

  @Test
  void legacyCipherNeedsTheFlag() {
    byte[] key = new byte[24];
    assertThrows(
        IllegalArgumentException.class, () -> CbcCipher.tripleDes(key, CbcCipher.Legacy.REFUSE));
    assertEquals(
        null,
        CbcCipher.forAlgorithm(
            Phase1Attribute.Encryption.TRIPLE_DES_CBC, key, CbcCipher.Legacy.REFUSE));
    CbcCipher des = CbcCipher.tripleDes(key, CbcCipher.Legacy.ALLOW);
    assertEquals(8, des.blockSize());
    byte[] iv = new byte[8];
    byte[] plain = HEX.parseHex("0011223344556677");
    assertArrayEquals(plain, des.decrypt(iv, des.encrypt(iv, plain)));
    assertEquals(24, CbcCipher.keyLength(Phase1Attribute.Encryption.TRIPLE_DES_CBC, 0));
    assertEquals(16, CbcCipher.keyLength(Phase1Attribute.Encryption.AES_CBC, 0));
    assertEquals(32, CbcCipher.keyLength(Phase1Attribute.Encryption.AES_CBC, 256));
    assertEquals(0, CbcCipher.keyLength(Phase1Attribute.Encryption.AES_CBC, 100));
    assertFalse(des.toString().contains("00000000"));
  }
}
