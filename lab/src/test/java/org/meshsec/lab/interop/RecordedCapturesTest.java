package org.meshsec.lab.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The strongSwan exchanges recorded by {@link StrongSwanInteropTest} under {@code
 * src/test/resources/captures/strongswan/} are well-formed and belong together: the four IKE
 * headers agree with each other, and the initiator's key log agrees with the captured nonces under
 * RFC 7296 section 2.14 (SKEYSEED = prf(Ni | Nr, g^ir); SK_d..SK_pr = prf+(SKEYSEED, Ni | Nr | SPIi
 * | SPIr)) and section 2.17 (KEYMAT = prf+(SK_d, Ni | Nr)). Both suites use PRF_HMAC_SHA2_256. Runs
 * without root, in the default build.
 */
class RecordedCapturesTest {
  private static final String BASE = "captures/strongswan/";
  private static final int NONCE = 40;
  private static final List<String> FILES =
      List.of(
          "ikev2_sa_init_request.hex",
          "ikev2_sa_init_response.hex",
          "ikev2_auth_request.hex",
          "ikev2_auth_response.hex");

  private static byte[] message(String suite, String file) {
    return Captures.parseHex(Captures.resource(BASE + suite + "/" + file));
  }

  @ParameterizedTest
  @ValueSource(strings = {"aes128gcm16-prfsha256-x25519", "aes256-sha256-modp3072"})
  void headersDescribeOneIkeSaInitAndIkeAuthExchange(String suite) {
    int[] exchange = {Captures.IKE_SA_INIT, Captures.IKE_SA_INIT, 35, 35};
    long spiI = ByteBuffer.wrap(message(suite, FILES.get(0))).getLong(0);
    long spiR = ByteBuffer.wrap(message(suite, FILES.get(1))).getLong(8);
    assertNotEquals(0, spiI);
    assertNotEquals(0, spiR);
    for (int i = 0; i < 4; i++) {
      byte[] m = message(suite, FILES.get(i));
      ByteBuffer b = ByteBuffer.wrap(m);
      assertEquals(spiI, b.getLong(0), FILES.get(i));
      assertEquals(i == 0 ? 0 : spiR, b.getLong(8), FILES.get(i));
      assertEquals(0x20, m[17] & 0xff, "IKEv2.0");
      assertEquals(exchange[i], m[18] & 0xff);
      int flags = m[19] & 0xff;
      boolean response = i % 2 == 1;
      assertEquals(response ? 0x20 : 0x08, flags, "initiator's requests, responder's responses");
      assertEquals(i / 2, b.getInt(20), "message ID");
      assertEquals(m.length, b.getInt(24), "header length is the message length");
      int first = m[16] & 0xff;
      assertEquals(i < 2 ? 33 : 46, first, i < 2 ? "SA first in IKE_SA_INIT" : "SK in IKE_AUTH");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"aes128gcm16-prfsha256-x25519", "aes256-sha256-modp3072"})
  void keyLogFollowsFromTheCapturedExchange(String suite) throws Exception {
    byte[] req = message(suite, FILES.get(0));
    byte[] resp = message(suite, FILES.get(1));
    byte[] ni = payload(req, NONCE);
    byte[] nr = payload(resp, NONCE);
    byte[] nonces = concat(ni, nr);
    Map<String, byte[]> keys = Captures.keyLog(Captures.resource(BASE + suite + "/keys.log"));

    assertArrayEquals(nonces, keys.get("seed"), "charon's child seed is Ni | Nr");

    byte[] gir = keys.get("shared Diffie Hellman secret");
    assertNotNull(gir);
    assertEquals(suite.contains("modp3072") ? 384 : 32, gir.length);
    byte[] skeyseed = hmac(nonces, gir);
    assertArrayEquals(skeyseed, keys.get("SKEYSEED"), "SKEYSEED = prf(Ni | Nr, g^ir)");

    List<String> ikeKeys =
        List.of(
            "Sk_d secret",
            "Sk_ai secret",
            "Sk_ar secret",
            "Sk_ei secret",
            "Sk_er secret",
            "Sk_pi secret",
            "Sk_pr secret");
    byte[] logged = concatPresent(keys, ikeKeys);
    byte[] spis = java.util.Arrays.copyOfRange(resp, 0, 16); // SPIi | SPIr
    assertArrayEquals(
        prfPlus(skeyseed, concat(nonces, spis), logged.length), logged, "SK_* = prf+(...)");
    assertEquals(suite.contains("gcm"), !keys.containsKey("Sk_ai secret"), "AEAD: no SK_a");

    List<String> childKeys =
        List.of(
            "encryption initiator key",
            "integrity initiator key",
            "encryption responder key",
            "integrity responder key");
    byte[] keymat = concatPresent(keys, childKeys);
    assertEquals(suite.contains("gcm") ? 40 : 128, keymat.length);
    assertArrayEquals(
        prfPlus(keys.get("Sk_d secret"), nonces, keymat.length),
        keymat,
        "KEYMAT = prf+(SK_d, Ni | Nr), initiator's keys first, encryption before integrity");
  }

  /** The body of the first payload of {@code type} (generic header skipped; RFC 7296 3.2). */
  private static byte[] payload(byte[] msg, int type) {
    int next = msg[16] & 0xff;
    int off = 28;
    while (next != 0 && off + 4 <= msg.length) {
      int len = ((msg[off + 2] & 0xff) << 8) | (msg[off + 3] & 0xff);
      if (next == type) {
        return java.util.Arrays.copyOfRange(msg, off + 4, off + len);
      }
      next = msg[off] & 0xff;
      off += len;
    }
    throw new AssertionError("no payload of type " + type);
  }

  private static byte[] concatPresent(Map<String, byte[]> keys, List<String> labels) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String l : labels) {
      byte[] k = keys.get(l);
      if (k != null) {
        out.writeBytes(k);
      }
    }
    assertFalse(out.size() == 0, "no key of " + labels);
    return out.toByteArray();
  }

  /** RFC 7296 section 2.13: T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n). */
  private static byte[] prfPlus(byte[] key, byte[] seed, int length) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] t = new byte[0];
    for (int n = 1; out.size() < length; n++) {
      t = hmac(key, concat(concat(t, seed), new byte[] {(byte) n}));
      out.writeBytes(t);
    }
    return java.util.Arrays.copyOf(out.toByteArray(), length);
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  @ParameterizedTest
  @ValueSource(strings = {"aes128gcm16-prfsha256-x25519", "aes256-sha256-modp3072"})
  void headerCommentsNameTheRecording(String suite) {
    for (String f : FILES) {
      String text = Captures.resource(BASE + suite + "/" + f);
      assertTrue(text.startsWith("# IKE_"), f);
      assertTrue(text.contains("# strongSwan 5."), f);
      assertTrue(text.contains("ike=" + suite), f);
      assertTrue(text.contains("PSK hex "), f);
    }
  }
}
