package org.meshsec.esp;

/**
 * Size arithmetic of ESP in UDP (RFC 4303 section 2, RFC 3948 section 2.1), used to pick the TUN
 * MTU so that no protected packet needs fragmenting on the underlay.
 *
 * <pre>
 *  outer IP (20 | 40) | UDP (8) | SPI+Seq (8) | IV | payload | pad | pad len, next hdr (2) | ICV
 *                                              |&lt;-- encrypted: aligned to blockSize -------&gt;|
 * </pre>
 *
 * In tunnel mode the payload is the whole TUN packet (its IP header included). In transport mode
 * the TUN packet's IP header is replaced by the outer one, so the payload is the TUN packet minus
 * its fixed IP header. Transport mode joins the two hosts' own addresses (RFC 4301 section 4.1), so
 * the inner and outer IP versions are the same; the config loader enforces that. The ESN high bits
 * are not transmitted (RFC 4303 section 2.2.1) and add nothing.
 *
 * <p>Stateless and thread-safe.
 */
public final class EspOverhead {
  /** UDP header (RFC 768). */
  public static final int UDP_HEADER = 8;

  /** SPI and sequence number (RFC 4303 section 2). */
  public static final int ESP_HEADER = 8;

  /** Pad Length and Next Header octets (RFC 4303 section 2.4, 2.6). */
  public static final int ESP_TRAILER = 2;

  private EspOverhead() {}

  /** Fixed IP header length: 20 for IPv4 (no options), 40 for IPv6 (no extension headers). */
  public static int ipHeaderLength(int ipVersion) {
    return switch (ipVersion) {
      case 4 -> 20;
      case 6 -> 40;
      default -> throw new IllegalArgumentException("IP version must be 4 or 6: " + ipVersion);
    };
  }

  /**
   * Worst-case bytes added to a TUN packet: outer IP + UDP + ESP header + IV + maximum padding
   * ({@code blockSize - 1}) + 2 + ICV, minus the replaced inner IP header in transport mode. For
   * AES-GCM tunnel mode over IPv4: 20 + 8 + 8 + 8 + 3 + 2 + 16 = 65.
   */
  public static int maxOverhead(EspSuite suite, IpsecMode mode, int outerIpVersion) {
    int outer = ipHeaderLength(outerIpVersion);
    int added =
        outer
            + UDP_HEADER
            + ESP_HEADER
            + suite.ivLength()
            + (suite.blockSize() - 1)
            + ESP_TRAILER
            + suite.icvLength();
    return mode == IpsecMode.TRANSPORT ? added - outer : added;
  }

  /**
   * Length of the outer IP packet (as sent on the underlay) that carries a TUN packet of {@code
   * innerLength} bytes, padding included.
   */
  public static int outerPacketLength(
      int innerLength, EspSuite suite, IpsecMode mode, int outerIpVersion) {
    int outer = ipHeaderLength(outerIpVersion);
    int payload = mode == IpsecMode.TRANSPORT ? innerLength - outer : innerLength;
    int bs = suite.blockSize();
    int encrypted = (payload + ESP_TRAILER + bs - 1) / bs * bs;
    return outer + UDP_HEADER + ESP_HEADER + suite.ivLength() + encrypted + suite.icvLength();
  }

  /**
   * The largest TUN packet whose ESP packet fits in {@code underlayMtu} bytes, taking the padding
   * alignment into account exactly (like Linux {@code esp4_get_mtu}): the encrypted part may use
   * all the room left after the fixed headers and ICV, rounded down to the block size, minus the
   * 2-byte trailer. This is never less than {@code underlayMtu - maxOverhead(...)} and up to {@code
   * blockSize - 1} bytes more: AES-GCM tunnel over IPv4 with a 1500-byte underlay gives 1438 (1500
   * - 65 = 1435 would waste 3 bytes).
   *
   * @return the length, which is 0 or negative when nothing fits
   */
  public static int maxInnerPacket(
      int underlayMtu, EspSuite suite, IpsecMode mode, int outerIpVersion) {
    int outer = ipHeaderLength(outerIpVersion);
    int room = underlayMtu - outer - UDP_HEADER - ESP_HEADER - suite.ivLength() - suite.icvLength();
    int bs = suite.blockSize();
    int payload = Math.floorDiv(room, bs) * bs - ESP_TRAILER;
    return mode == IpsecMode.TRANSPORT ? payload + outer : payload;
  }
}
