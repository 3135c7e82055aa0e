package org.meshsec.esp.encap;

import io.netty.buffer.ByteBuf;

/**
 * UDP encapsulation of ESP (RFC 3948): what arrives on UDP port 4500 is one of
 *
 * <pre>
 *  ESP:        | SPI (non-zero, 4) | Sequence (4) | ...          RFC 3948 section 2.1
 *  IKE:        | Non-ESP Marker 0x00000000 (4) | IKE header ...  RFC 3948 section 2.2
 *  keepalive:  | 0xFF |                                          RFC 3948 section 2.3
 * </pre>
 *
 * Stateless and thread-safe. Nothing here reads past the buffer's readable bytes or changes its
 * indexes.
 */
public final class UdpEncap {

  /** UDP port for NAT-T IKE and ESP-in-UDP (RFC 3948 section 2). */
  public static final int PORT = 4500;

  /** Length of the non-ESP marker that precedes IKE messages on port 4500. */
  public static final int NON_ESP_MARKER_LENGTH = 4;

  /** The single octet of a NAT-keepalive packet. */
  public static final int KEEPALIVE_BYTE = 0xFF;

  /** Smallest ESP packet we classify as ESP: SPI + sequence (the transform checks the rest). */
  public static final int MIN_ESP_LENGTH = 8;

  /** What a UDP payload received on port 4500 carries. */
  public enum Kind {
    /** An ESP packet: readable bytes start at the SPI. */
    ESP,
    /** An IKE message after the 4-byte non-ESP marker. */
    IKE,
    /** A NAT-keepalive: recognised and ignored. */
    KEEPALIVE,
    /** Anything else: too short, or an SPI in the reserved range that is not a marker. */
    MALFORMED
  }

  private UdpEncap() {}

  /** Classifies the readable bytes of a UDP payload without consuming them. */
  public static Kind classify(ByteBuf payload) {
    int n = payload.readableBytes();
    int r = payload.readerIndex();
    if (n == 1) {
      return (payload.getByte(r) & 0xFF) == KEEPALIVE_BYTE ? Kind.KEEPALIVE : Kind.MALFORMED;
    }
    if (n < NON_ESP_MARKER_LENGTH) {
      return Kind.MALFORMED;
    }
    int first = payload.getInt(r);
    if (first == 0) {
      // An IKE header is at least 28 bytes (RFC 7296 section 3.1); the IKE codec checks the rest.
      return n >= NON_ESP_MARKER_LENGTH + 28 ? Kind.IKE : Kind.MALFORMED;
    }
    // SPIs 1..255 are reserved by IANA (RFC 4303 section 2.1) and are never assigned.
    if (Integer.compareUnsigned(first, 255) <= 0 || n < MIN_ESP_LENGTH) {
      return Kind.MALFORMED;
    }
    return Kind.ESP;
  }

  /** The SPI of an ESP packet classified as {@link Kind#ESP}. */
  public static int spi(ByteBuf esp) {
    return esp.getInt(esp.readerIndex());
  }

  /** Writes the 4-byte non-ESP marker, for sending IKE on port 4500. */
  public static void writeNonEspMarker(ByteBuf out) {
    out.writeInt(0);
  }
}
