package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.Wire;

/**
 * Signature payload, SIG (RFC 2408 section 3.12): SIG_I / SIG_R of signature-authenticated phase 1
 * (RFC 2409 section 5.1).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                                                               !
 * ~                         Signature Data                        ~
 * !                                                               !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Validation at decode: the data is not empty, else INVALID-SIGNATURE.
 */
public record SigPayload(Bytes signatureData) implements Payload {
  /** Smallest accepted data length. */
  public static final int MIN_LENGTH = 1;

  /** Largest accepted data length. */
  public static final int MAX_LENGTH = MAX_BODY_LENGTH;

  public SigPayload {
    Objects.requireNonNull(signatureData, "signatureData");
    Wire.requireRange("signatureData length", signatureData.length(), MIN_LENGTH, MAX_LENGTH);
  }

  /** Decodes the body at {@code offset}, {@code length} bytes. */
  public static ParseResult<SigPayload> decode(byte[] buf, int offset, int length) {
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      return ParseResult.invalid(
          NotifyType.INVALID_SIGNATURE,
          offset,
          "SIG payload data of " + length + " bytes, expected " + MIN_LENGTH + ".." + MAX_LENGTH);
    }
    return ParseResult.ok(new SigPayload(Bytes.copyOf(buf, offset, length)));
  }

  @Override
  public PayloadType type() {
    return PayloadType.SIG;
  }

  @Override
  public int bodyLength() {
    return signatureData.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    signatureData.writeTo(out);
  }
}
