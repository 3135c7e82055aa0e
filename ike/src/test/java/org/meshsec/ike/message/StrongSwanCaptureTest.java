package org.meshsec.ike.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Codec tests on messages strongSwan 5.9.8 actually sent (recorded from the interop runs; see
 * core/src/test/resources/captures/strongswan/README.md): decode and check fields, re-encode and
 * compare bytes, and change one byte at a named offset for the typed error.
 */
class StrongSwanCaptureTest {

  static byte[] load(String suite, String file) throws IOException {
    String path = "/captures/strongswan/" + suite + "/" + file;
    try (InputStream in = StrongSwanCaptureTest.class.getResourceAsStream(path)) {
      assertTrue(in != null, "missing " + path);
      StringBuilder hex = new StringBuilder();
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (!line.startsWith("#")) {
          hex.append(line.trim());
        }
      }
      return HexFormat.of().parseHex(hex.toString());
    }
  }

  static Message decode(byte[] b) {
    DecodeResult<Message> r = Message.decode(b);
    assertInstanceOf(DecodeResult.Ok.class, r, () -> "decode failed: " + r);
    return r.orElseThrow();
  }

  @ParameterizedTest
  @CsvSource({"aes128gcm16-prfsha256-x25519, 31, 20", "aes256-sha256-modp3072, 15, 12"})
  void ikeSaInitRequestAndResponse(String suite, int group, int encr) throws IOException {
    for (String f : List.of("ikev2_sa_init_request.hex", "ikev2_sa_init_response.hex")) {
      byte[] bytes = load(suite, f);
      Message m = decode(bytes);
      boolean response = f.contains("response");
      assertEquals(ExchangeType.IKE_SA_INIT, m.header().exchangeType(), f);
      assertEquals(0, m.header().messageId());
      assertEquals(!response, m.header().initiatorFlag());
      assertEquals(response, m.header().responseFlag());
      assertEquals(bytes.length, m.header().length());
      SaPayload sa = m.first(SaPayload.class).orElseThrow();
      assertTrue(
          sa.proposals().get(0).transforms().stream()
              .anyMatch(t -> t.type().equals(TransformType.ENCR) && t.id() == encr),
          suite + " " + sa);
      assertEquals(group, m.first(KePayload.class).orElseThrow().dhGroup());
      assertTrue(m.first(NoncePayload.class).isPresent());
      // kernel-libipsec makes charon fake NAT detection so that ESP is always UDP-encapsulated
      assertTrue(m.notify(NotifyType.NAT_DETECTION_SOURCE_IP).isPresent());
      assertTrue(m.notify(NotifyType.NAT_DETECTION_DESTINATION_IP).isPresent());
      assertArrayEquals(bytes, m.encode(), "re-encoded byte for byte: " + f);
      assertTrue(ExchangeRules.validate(m, !response).isEmpty(), f);
    }
  }

  @ParameterizedTest
  @CsvSource({"aes128gcm16-prfsha256-x25519", "aes256-sha256-modp3072"})
  void ikeAuthIsSealedAndReEncodesExactly(String suite) throws IOException {
    for (String f : List.of("ikev2_auth_request.hex", "ikev2_auth_response.hex")) {
      byte[] bytes = load(suite, f);
      Message m = decode(bytes);
      assertEquals(ExchangeType.IKE_AUTH, m.header().exchangeType());
      assertEquals(1, m.header().messageId());
      assertEquals(PayloadType.SK, m.header().nextPayload());
      assertFalse(m.payloads().isEmpty());
      assertArrayEquals(bytes, m.encode(), f);
    }
  }

  @ParameterizedTest
  @CsvSource({"aes128gcm16-prfsha256-x25519", "aes256-sha256-modp3072"})
  void oneByteChangedAtANamedOffsetGivesTheTypedError(String suite) throws IOException {
    byte[] bytes = load(suite, "ikev2_sa_init_request.hex");
    byte[] version = bytes.clone();
    version[IkeHeader.OFFSET_VERSION] = 0x30; // major version 3
    assertInstanceOf(DecodeResult.Err.class, Message.decode(version));
    byte[] length = bytes.clone();
    length[IkeHeader.OFFSET_LENGTH + 3]++; // header length no longer the datagram length
    assertInstanceOf(DecodeResult.Err.class, Message.decode(length));
    byte[] firstPayloadLength = bytes.clone();
    firstPayloadLength[28 + 2] = (byte) 0xFF; // the SA payload claims to run past the end
    DecodeResult<Message> r = Message.decode(firstPayloadLength);
    assertInstanceOf(DecodeResult.Err.class, r);
    assertEquals(
        NotifyType.INVALID_SYNTAX,
        ((DecodeResult.Err<Message>) r).error().notifyType().orElseThrow());
  }
}
