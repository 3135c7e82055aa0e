package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.Wire;

/**
 * Key Exchange payload, KE (RFC 2408 section 3.7): the public Diffie-Hellman value g^x, for MODP
 * groups left-padded to the prime length (RFC 2409 section 5). That the length fits the negotiated
 * group is checked by the exchange, which knows the group.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                                                               !
 * ~                       Key Exchange Data                       ~
 * !                                                               !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Validation at decode: the data is not empty, else INVALID-KEY-INFORMATION.
 */
public record KePayload(Bytes keyExchangeData) implements Payload {
  /** Smallest accepted data length. */
  public static final int MIN_LENGTH = 1;

  /** Largest accepted data length. */
  public static final int MAX_LENGTH = MAX_BODY_LENGTH;

  public KePayload {
    Objects.requireNonNull(keyExchangeData, "keyExchangeData");
    Wire.requireRange("keyExchangeData length", keyExchangeData.length(), MIN_LENGTH, MAX_LENGTH);
  }

  /** Decodes the body at {@code offset}, {@code length} bytes. */
  public static ParseResult<KePayload> decode(byte[] buf, int offset, int length) {
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      return ParseResult.invalid(
          NotifyType.INVALID_KEY_INFORMATION,
          offset,
          "KE payload data of " + length + " bytes, expected " + MIN_LENGTH + ".." + MAX_LENGTH);
    }
    return ParseResult.ok(new KePayload(Bytes.copyOf(buf, offset, length)));
  }

  @Override
  public PayloadType type() {
    return PayloadType.KE;
  }

  @Override
  public int bodyLength() {
    return keyExchangeData.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    keyExchangeData.writeTo(out);
  }
}
