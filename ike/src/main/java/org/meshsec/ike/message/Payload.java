package org.meshsec.ike.message;

import java.nio.ByteBuffer;

/**
 * One IKEv2 payload (RFC 7296 section 3.2). Each implementation is a record that decodes (a static
 * {@code decode(byte[] buf, int offset, int length)} over the payload body, validating the fields
 * of its section) and encodes ({@link #encodeBody(ByteBuffer)}) side by side.
 *
 * <p>The generic payload header is handled by {@link Message}, not by the payloads:
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The critical bit is kept only for {@link UnknownPayload}s; for the payload types this codec
 * understands it is ignored on receipt and sent as zero (RFC 7296 section 3.2).
 *
 * <p>All implementations are immutable records and thread-safe.
 */
public sealed interface Payload
    permits SaPayload,
        KePayload,
        IdPayload,
        CertPayload,
        CertReqPayload,
        AuthPayload,
        NoncePayload,
        NotifyPayload,
        DeletePayload,
        VendorIdPayload,
        TsPayload,
        SkPayload,
        SealedSkPayload,
        SkfPayload,
        CpPayload,
        EapPayload,
        UnknownPayload {

  /** Size of the generic payload header. */
  int HEADER_LENGTH = 4;

  /** The largest body that fits the 16-bit Payload Length. */
  int MAX_BODY_LENGTH = 0xFFFF - HEADER_LENGTH;

  /** The payload type written in the preceding Next Payload field. */
  PayloadType type();

  /** The critical bit; false except for unknown payloads that carried it. */
  default boolean critical() {
    return false;
  }

  /** Length of the body, without the 4-byte generic header. */
  int bodyLength();

  /** Writes the body (everything after the generic header) at the buffer's position. */
  void encodeBody(ByteBuffer out);

  /**
   * The encoded body as a fresh array; e.g. the AUTH computation signs the IDi/IDr body (RFC 7296
   * section 2.15).
   */
  default byte[] encodeBody() {
    ByteBuffer out = ByteBuffer.allocate(bodyLength());
    encodeBody(out);
    return out.array();
  }
}
