package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Key Exchange payload, KE (RFC 7296 section 3.4).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Diffie-Hellman Group Num    |           RESERVED            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                       Key Exchange Data                       ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Validation at decode: the data is not empty and, for the groups whose public value has a fixed
 * size, has exactly that size (section 3.4: a MODP value is as long as the prime, zero-padded; ECP
 * values are x||y per RFC 5903; Curve25519/448 per RFC 8031). Other groups are left to the key
 * exchange code.
 */
public record KePayload(int dhGroup, Bytes keyExchangeData) implements Payload {
  public KePayload {
    Wire.requireRange("DH group", dhGroup, 0, 0xFFFF);
    Objects.requireNonNull(keyExchangeData, "keyExchangeData");
    Wire.requireRange("KE data length", keyExchangeData.length(), 1, MAX_BODY_LENGTH - 4);
    int expected = expectedLength(dhGroup);
    if (expected >= 0 && keyExchangeData.length() != expected) {
      throw new IllegalArgumentException(
          "group " + dhGroup + " needs " + expected + " bytes of KE data");
    }
  }

  @Override
  public PayloadType type() {
    return PayloadType.KE;
  }

  /** The fixed public value length of {@code group} in bytes, or -1 when not fixed or unknown. */
  public static int expectedLength(int group) {
    return switch (group) {
      case 1 -> 96; // MODP 768
      case 2 -> 128; // MODP 1024
      case 5 -> 192; // MODP 1536
      case 14 -> 256; // MODP 2048
      case 15 -> 384; // MODP 3072
      case 16 -> 512; // MODP 4096
      case 17 -> 768; // MODP 6144
      case 18 -> 1024; // MODP 8192
      case 19 -> 64; // ECP 256
      case 20 -> 96; // ECP 384
      case 21 -> 132; // ECP 521
      case 31 -> 32; // Curve25519
      case 32 -> 56; // Curve448
      default -> -1;
    };
  }

  public static DecodeResult<KePayload> decode(byte[] buf, int offset, int length) {
    if (length < 4) {
      return DecodeResult.fail(IkeParseError.Kind.TRUNCATED, offset, "KE body needs 4 bytes");
    }
    int group = Wire.u16(buf, offset);
    int dataLength = length - 4;
    if (dataLength == 0) {
      return DecodeResult.fail(
          IkeParseError.Kind.INVALID_PAYLOAD, offset + 4, "KE without key exchange data");
    }
    int expected = expectedLength(group);
    if (expected >= 0 && dataLength != expected) {
      return DecodeResult.fail(
          IkeParseError.Kind.INVALID_PAYLOAD,
          offset + 4,
          "KE data for group " + group + " is " + dataLength + " bytes, expected " + expected);
    }
    return DecodeResult.ok(new KePayload(group, Bytes.copyOf(buf, offset + 4, dataLength)));
  }

  @Override
  public int bodyLength() {
    return 4 + keyExchangeData.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    Wire.putU16(out, dhGroup);
    Wire.putU16(out, 0);
    keyExchangeData.writeTo(out);
  }
}
