package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.Wire;

/**
 * Vendor ID payload, VID (RFC 2408 section 3.16): an opaque vendor-defined value, e.g. the hash
 * announcing Dead Peer Detection (RFC 3706 section 4) or NAT-T (RFC 3947 section 3.1).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                                                               !
 * ~                           Vendor ID                           ~
 * !                                                               !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Any length is accepted.
 */
public record VendorIdPayload(Bytes vendorId) implements Payload {
  /** Smallest accepted data length. */
  public static final int MIN_LENGTH = 0;

  /** Largest accepted data length. */
  public static final int MAX_LENGTH = MAX_BODY_LENGTH;

  public VendorIdPayload {
    Objects.requireNonNull(vendorId, "vendorId");
    Wire.requireRange("vendorId length", vendorId.length(), MIN_LENGTH, MAX_LENGTH);
  }

  /** Decodes the body at {@code offset}, {@code length} bytes. */
  public static ParseResult<VendorIdPayload> decode(byte[] buf, int offset, int length) {
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      return ParseResult.invalid(
          NotifyType.PAYLOAD_MALFORMED,
          offset,
          "VENDOR_ID payload data of "
              + length
              + " bytes, expected "
              + MIN_LENGTH
              + ".."
              + MAX_LENGTH);
    }
    return ParseResult.ok(new VendorIdPayload(Bytes.copyOf(buf, offset, length)));
  }

  @Override
  public PayloadType type() {
    return PayloadType.VENDOR_ID;
  }

  @Override
  public int bodyLength() {
    return vendorId.length();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    vendorId.writeTo(out);
  }
}
