package org.meshsec.ike.message;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.meshsec.esp.IntegAlgorithm;
import org.meshsec.esp.crypto.CryptoEngines;

/**
 * Captured IKEv2 messages with published hex, used as known-answer inputs.
 *
 * <p>Source: the Android IPsec module's unit tests (Apache-2.0), repository
 * msft-mirror-aosp/platform.packages.modules.IPsec (mirror of AOSP packages/modules/IPsec):
 *
 * <ul>
 *   <li>{@link #IKE_SA_INIT_REQUEST}: {@code IkeMessageTest.IKE_SA_INIT_HEADER_RAW_PACKET +
 *       IKE_SA_INIT_BODY_RAW_PACKET} (tests/iketests/.../ike/message/IkeMessageTest.java).
 *   <li>{@link #IKE_AUTH_REQUEST} and its keys: {@code IkeEncryptedPayloadBodyTest} (header, SK
 *       header, IV, encrypted padded data, checksum; ENCR_KEY_FROM_INIT_TO_RESP,
 *       INTE_KEY_FROM_INIT_TO_RESP; AES-128-CBC with HMAC-SHA1-96), and the decrypted content
 *       {@code IKE_AUTH_INIT_REQUEST_UNENCRYPTED_DATA} with 11 bytes of zero padding.
 * </ul>
 */
final class CapturedMessages {
  private CapturedMessages() {}

  static final String IKE_SA_INIT_REQUEST_HEX =
      "8f54bf6d8b48e6e10000000000000000212022080000000000000150"
          + "220000300000002c010100040300000c0100000c"
          + "800e00800300000803000002030000080400000200000008"
          + "020000022800008800020000b4a2faf4bb54878ae21d6385"
          + "12ece55d9236fc5046ab6cef82220f421f3ce6361faf3656"
          + "4ecb6d28798a94aad7b2b4b603ddeaaa5630adb9ece8ac37"
          + "534036040610ebdd92f46bef84f0be7db860351843858f8a"
          + "cf87056e272377f70c9f2d81e29c7b0ce4f291a3a72476bb"
          + "0b278fd4b7b0a4c26bbeb08214c707137607958729000024"
          + "c39b7f368f4681b89fa9b7be6465abd7c5f68b6ed5d3b4c7"
          + "2cb4240eb5c464122900001c00004004e54f73b7d83f6beb"
          + "881eab2051d8663f421d10b02b00001c00004005d915368c"
          + "a036004cb578ae3e3fb268509aeab1900000002069936922"
          + "8741c6d4ca094c93e242c9de19e7b7c60000000500000500";

  static final String IKE_AUTH_IV_HEX = "b9132b7bb9f658dfdc648e5017a6322a";

  static final String IKE_AUTH_REQUEST_HEX =
      "5f54bf6d8b48e6e1909232b3d1edcb5c2e20230800000001000000ec"
          + "230000d0"
          + IKE_AUTH_IV_HEX
          + "030c316ce55f365760d46426ce5cfc78bd1ed9abff63eb9594c1bd58"
          + "46de333ecd3ea2b705d18293b130395300ba92a351041345"
          + "0a10525cea51b2753b4e92b081fd78d995659a98f742278f"
          + "f9b8fd3e21554865c15c79a5134d66b2744966089e416c60"
          + "a274e44a9a3f084eb02f3bdce1e7de9de8d9a62773ab563b"
          + "9a69ba1db03c752acb6136452b8a86c41addb4210d68c423"
          + "efed80e26edca5fa3fe5d0a5ca9375ce332c474b93fb1fa3"
          + "59eb4e81"
          + "ae6e0f22abdad69ba8007d50";

  /** The decrypted inner payload chain of {@link #IKE_AUTH_REQUEST_HEX}, without padding. */
  static final String IKE_AUTH_INNER_HEX =
      "2400000c010000000a50500d2700000c010000000a505050"
          + "2100001c02000000df7c038aefaaa32d3f44b228b52a3327"
          + "44dfb2c12c00002c00000028010304032ad4c0a20300000c"
          + "0100000c800e008003000008030000020000000805000000"
          + "2d00001801000000070000100000ffff00000000ffffffff"
          + "2900001801000000070000100000ffff00000000ffffffff"
          + "29000008000040000000000c0000400100000001";

  static final String IKE_AUTH_ENCR_KEY_HEX = "5cbfd33f75796c0188c4a3a546aec4a1";
  static final String IKE_AUTH_INTEG_KEY_HEX = "554fbf5a05b7f511e05a30ce23d874db9ef55e51";

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  static byte[] ikeSaInit() {
    return hex(IKE_SA_INIT_REQUEST_HEX);
  }

  static byte[] ikeAuth() {
    return hex(IKE_AUTH_REQUEST_HEX);
  }

  /** The capture's cipher: AES-128-CBC, HMAC-SHA1-96, IVs replayed from {@code ivs}. */
  static AesCbcHmacSkCipher ikeAuthCipher(byte[]... ivs) {
    return new AesCbcHmacSkCipher(
        CryptoEngines.jca(),
        hex(IKE_AUTH_ENCR_KEY_HEX),
        IntegAlgorithm.HMAC_SHA1_96,
        hex(IKE_AUTH_INTEG_KEY_HEX),
        12,
        fixed(ivs));
  }

  /** A SecureRandom that hands out the given byte strings in turn (to replay a capture's IVs). */
  static SecureRandom fixed(byte[]... values) {
    return new SecureRandom() {
      private static final long serialVersionUID = 1L;
      private int next;

      @Override
      public void nextBytes(byte[] bytes) {
        if (next >= values.length) {
          throw new IllegalStateException("no more fixed values");
        }
        byte[] v = values[next++];
        System.arraycopy(v, 0, bytes, 0, bytes.length);
      }
    };
  }
}
