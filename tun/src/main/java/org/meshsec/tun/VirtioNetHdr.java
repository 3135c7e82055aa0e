package org.meshsec.tun;

import io.netty.buffer.ByteBuf;

/**
 * The {@code struct virtio_net_hdr} (virtio 1.2 specification section 5.1.6, {@code
 * <linux/virtio_net.h>}) that precedes every packet read from or written to a TUN device opened
 * with IFF_VNET_HDR ({@link TunOptions#vnetHdr()}):
 *
 * <pre>
 *  0        1         2                4                6                  8                  10
 *  +--------+---------+----------------+----------------+------------------+------------------+
 *  | flags  | gsoType | hdrLen (le16)  | gsoSize (le16) | csumStart (le16) | csumOffset (le16)|
 *  +--------+---------+----------------+----------------+------------------+------------------+
 * </pre>
 *
 * The 16-bit fields are little-endian (the virtio byte order of a legacy device on the
 * little-endian machines meshsec runs on; TUNSETVNETLE is not used). {@code flags} NEEDS_CSUM means
 * the transport checksum is partial: the field at {@code csumStart + csumOffset} holds the folded
 * pseudo-header sum, and the checksum over {@code [csumStart, end)} still has to be computed.
 * {@code gsoType} other than NONE means the packet is a super-packet to be cut into segments of
 * {@code gsoSize} payload bytes. {@code hdrLen} is a hint only: the kernel may set it to more than
 * the headers (on its forwarding path), so the segmenter computes the header length from the packet
 * itself.
 *
 * <p>Static accessors on absolute indexes of a {@link ByteBuf}; stateless, thread-safe.
 */
public final class VirtioNetHdr {
  /** sizeof(struct virtio_net_hdr). */
  public static final int LENGTH = 10;

  /** VIRTIO_NET_HDR_F_NEEDS_CSUM. */
  public static final int F_NEEDS_CSUM = 1;

  /** VIRTIO_NET_HDR_F_DATA_VALID (receive side: checksum already verified). */
  public static final int F_DATA_VALID = 2;

  public static final int GSO_NONE = 0;
  public static final int GSO_TCPV4 = 1;
  public static final int GSO_UDP = 3;
  public static final int GSO_TCPV6 = 4;
  public static final int GSO_UDP_L4 = 5;

  /** VIRTIO_NET_HDR_GSO_ECN, or-ed into gsoType: the first segment carries TCP CWR. */
  public static final int GSO_ECN = 0x80;

  private VirtioNetHdr() {}

  public static int flags(ByteBuf buf, int index) {
    return buf.getUnsignedByte(index);
  }

  public static int gsoType(ByteBuf buf, int index) {
    return buf.getUnsignedByte(index + 1);
  }

  public static int hdrLen(ByteBuf buf, int index) {
    return buf.getUnsignedShortLE(index + 2);
  }

  public static int gsoSize(ByteBuf buf, int index) {
    return buf.getUnsignedShortLE(index + 4);
  }

  public static int csumStart(ByteBuf buf, int index) {
    return buf.getUnsignedShortLE(index + 6);
  }

  public static int csumOffset(ByteBuf buf, int index) {
    return buf.getUnsignedShortLE(index + 8);
  }

  /** Writes all six fields at {@code index}. */
  public static void set(
      ByteBuf buf,
      int index,
      int flags,
      int gsoType,
      int hdrLen,
      int gsoSize,
      int csumStart,
      int csumOffset) {
    buf.setByte(index, flags);
    buf.setByte(index + 1, gsoType);
    buf.setShortLE(index + 2, hdrLen);
    buf.setShortLE(index + 4, gsoSize);
    buf.setShortLE(index + 6, csumStart);
    buf.setShortLE(index + 8, csumOffset);
  }

  /** Writes an all-zero header (no offload: a whole packet with a complete checksum). */
  public static void setNone(ByteBuf buf, int index) {
    buf.setZero(index, LENGTH);
  }

  /** A readable rendering of the header at {@code index}, for logs and test failures. */
  public static String toString(ByteBuf buf, int index) {
    return "virtio_net_hdr(flags="
        + flags(buf, index)
        + ", gsoType="
        + gsoType(buf, index)
        + ", hdrLen="
        + hdrLen(buf, index)
        + ", gsoSize="
        + gsoSize(buf, index)
        + ", csumStart="
        + csumStart(buf, index)
        + ", csumOffset="
        + csumOffset(buf, index)
        + ")";
  }
}
