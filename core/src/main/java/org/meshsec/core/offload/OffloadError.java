package org.meshsec.core.offload;

/**
 * Why {@link GsoSegmenter#segment} refused a packet read from a TUN device with offloads. Each is a
 * packet (or caller) error to count, never an exception. The segmenter returns {@link #code()}, a
 * negative number, so that a refusal allocates nothing; {@link #of(int)} maps it back.
 */
public enum OffloadError {
  /** Shorter than the virtio_net_hdr, or than the IP / transport headers it announces. */
  TRUNCATED,
  /** An IP version or header the offload cannot apply to (IPv4 options are fine). */
  BAD_IP_HEADER,
  /**
   * A gso_type meshsec does not segment (the kernel only sends the ones TUNSETOFFLOAD allowed), or
   * one that disagrees with the IP version or the transport protocol.
   */
  UNSUPPORTED_GSO_TYPE,
  /** IPv6 extension headers or an IPv4 fragment in a super-packet. */
  UNSUPPORTED_HEADERS,
  /** csum_start / csum_offset outside the packet, or not at the transport checksum. */
  BAD_CSUM_FIELDS,
  /** gso_size zero, or segments that would not fit an IP packet. */
  BAD_GSO_SIZE,
  /** More segments than the caller gave buffers for. */
  TOO_MANY_SEGMENTS,
  /** An output buffer without room for its segment. */
  NO_ROOM;

  private static final OffloadError[] VALUES = values();

  /** The negative return value that stands for this error. */
  public int code() {
    return -1 - ordinal();
  }

  /** The error for a negative return value {@code code}. */
  public static OffloadError of(int code) {
    return VALUES[-1 - code];
  }
}
