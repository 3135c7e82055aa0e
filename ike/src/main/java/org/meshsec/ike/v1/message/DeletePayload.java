package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.Wire;

/**
 * Delete payload, D (RFC 2408 section 3.15).
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !              Domain of Interpretation  (DOI)                  !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !  Protocol-Id  !   SPI Size    !           # of SPIs           !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~               Security Parameter Index(es) (SPI)              ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Deleting the ISAKMP SA names it by its 16-byte cookie pair (SPI Size 16); AH and ESP SAs by their
 * 4-byte SPIs. Validation at decode: SPI Size times # of SPIs fills the body exactly, SPI Size is
 * not 0 when SPIs are listed (PAYLOAD-MALFORMED).
 *
 * @param doi the Domain of Interpretation (1 for IPsec)
 * @param protocolId the protocol of the SAs
 * @param spiSize the size of each SPI
 * @param spis the SPIs, each {@code spiSize} bytes
 */
public record DeletePayload(long doi, ProtocolId protocolId, int spiSize, List<Bytes> spis)
    implements Payload {
  public DeletePayload {
    Wire.requireRange("DOI", doi, 0, 0xFFFF_FFFFL);
    Objects.requireNonNull(protocolId, "protocolId");
    Wire.requireRange("SPI size", spiSize, 0, 255);
    spis = List.copyOf(spis);
    Wire.requireRange("SPI count", spis.size(), 0, 0xFFFF);
    for (Bytes s : spis) {
      if (s.length() != spiSize) {
        throw new IllegalArgumentException("SPI of " + s.length() + " bytes, size " + spiSize);
      }
    }
  }

  /** Deletion of the ISAKMP SA named by its cookies. */
  public static DeletePayload isakmpSa(long initiatorCookie, long responderCookie) {
    return new DeletePayload(
        SaPayload.DOI_IPSEC,
        ProtocolId.ISAKMP,
        16,
        List.of(NotifyPayload.cookiePair(initiatorCookie, responderCookie)));
  }

  /** Deletion of ESP SAs by their 4-byte SPIs (the receiver's inbound SPIs, RFC 2408 3.15). */
  public static DeletePayload esp(int... spis) {
    List<Bytes> list = new ArrayList<>();
    for (int spi : spis) {
      list.add(Bytes.of((byte) (spi >>> 24), (byte) (spi >>> 16), (byte) (spi >>> 8), (byte) spi));
    }
    return new DeletePayload(SaPayload.DOI_IPSEC, ProtocolId.ESP, 4, list);
  }

  /** Decodes the body at {@code offset}, {@code length} bytes. */
  public static ParseResult<DeletePayload> decode(byte[] buf, int offset, int length) {
    if (length < 8) {
      return ParseResult.fail(
          ParseError.Kind.TRUNCATED, offset, "Delete payload body of " + length + " bytes");
    }
    int spiSize = Wire.u8(buf, offset + 5);
    int count = Wire.u16(buf, offset + 6);
    if ((long) spiSize * count != length - 8 || (spiSize == 0 && count != 0)) {
      return ParseResult.invalid(
          NotifyType.PAYLOAD_MALFORMED,
          offset + 5,
          count + " SPIs of " + spiSize + " bytes in " + (length - 8) + " bytes");
    }
    List<Bytes> spis = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      spis.add(Bytes.copyOf(buf, offset + 8 + i * spiSize, spiSize));
    }
    return ParseResult.ok(
        new DeletePayload(
            Wire.u32(buf, offset), new ProtocolId(Wire.u8(buf, offset + 4)), spiSize, spis));
  }

  @Override
  public PayloadType type() {
    return PayloadType.DELETE;
  }

  @Override
  public int bodyLength() {
    return 8 + spiSize * spis.size();
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    Wire.putU32(out, doi);
    Wire.putU8(out, protocolId.value());
    Wire.putU8(out, spiSize);
    Wire.putU16(out, spis.size());
    for (Bytes s : spis) {
      s.writeTo(out);
    }
  }
}
