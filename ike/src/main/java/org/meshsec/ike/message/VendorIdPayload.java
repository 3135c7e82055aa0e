package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Vendor ID payload, V (RFC 7296 section 3.12): an opaque identifier, typically a hash. Any length
 * (including empty) is accepted; the receiver only compares it with the ids it knows.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                        Vendor ID (VID)                        ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public record VendorIdPayload(Bytes vendorId) implements Payload {
  public VendorIdPayload {
    Objects.requireNonNull(vendorId, "vendorId");
    Wire.requireRange("vendor id length", vendorId.length(), 0, MAX_BODY_LENGTH);
  }

  @Override
  public PayloadType type() {
    return PayloadType.VENDOR_ID;
  }

  public static DecodeResult<VendorIdPayload> decode(byte[] buf, int offset, int length) {
    return DecodeResult.ok(new VendorIdPayload(Bytes.copyOf(buf, offset, length)));
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
