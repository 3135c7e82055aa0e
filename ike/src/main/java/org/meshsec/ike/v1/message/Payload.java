package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;

/**
 * One ISAKMP payload (RFC 2408 section 3.2). Each implementation is a record that decodes (a static
 * {@code decode(byte[] buf, int offset, int length)} over the payload body, validating the fields
 * of its section) and encodes ({@link #encodeBody(ByteBuffer)}) side by side.
 *
 * <p>The generic payload header is handled by {@link PayloadChain}, not by the payloads:
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * IKEv1 has no critical bit: the RESERVED octet is ignored on receipt and sent as zero. RFC 2408
 * section 5.2 and 5.3 allow rejecting an unknown Next Payload value with INVALID-PAYLOAD-TYPE; like
 * strongSwan, this codec keeps such payloads as {@link UnknownPayload} (they are chained by the
 * generic header, so skipping them is safe) and leaves the decision to the exchange.
 *
 * <p>The bodies (everything after the generic header) are what RFC 2409 calls {@code SAi_b}, {@code
 * IDii_b}, {@code Ni_b}: {@link #encodeBody()} gives them for the HASH computations.
 *
 * <p>All implementations are immutable records and thread-safe.
 */
public sealed interface Payload
    permits SaPayload,
        KePayload,
        IdPayload,
        CertPayload,
        CertReqPayload,
        HashPayload,
        SigPayload,
        NoncePayload,
        NotifyPayload,
        DeletePayload,
        VendorIdPayload,
        NatDPayload,
        NatOaPayload,
        UnknownPayload {

  /** Size of the generic payload header. */
  int HEADER_LENGTH = 4;

  /** The largest body that fits the 16-bit Payload Length. */
  int MAX_BODY_LENGTH = 0xFFFF - HEADER_LENGTH;

  /** The payload type written in the preceding Next Payload field. */
  PayloadType type();

  /** Length of the body, without the 4-byte generic header. */
  int bodyLength();

  /** Writes the body (everything after the generic header) at the buffer's position. */
  void encodeBody(ByteBuffer out);

  /** The encoded body as a fresh array (the {@code _b} of RFC 2409 section 5). */
  default byte[] encodeBody() {
    ByteBuffer out = ByteBuffer.allocate(bodyLength());
    encodeBody(out);
    return out.array();
  }
}
