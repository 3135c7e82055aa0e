package org.meshsec.core.packet;

/** Result of {@link PacketInfo#parse}: OK, or why the packet is malformed. */
public enum ParseStatus {
  OK,
  /** Empty, or shorter than the fixed IP header. */
  TRUNCATED,
  /** Version nibble is neither 4 nor 6. */
  BAD_VERSION,
  /** IPv4 IHL below 5, or header longer than the packet. */
  BAD_HEADER_LENGTH,
  /** Total / payload length disagrees with the bytes present. */
  BAD_TOTAL_LENGTH,
  /** An IPv6 extension header chain runs past the packet or is too long. */
  BAD_EXTENSION_HEADER,
  /** The upper-layer header is cut short. */
  TRUNCATED_L4
}
