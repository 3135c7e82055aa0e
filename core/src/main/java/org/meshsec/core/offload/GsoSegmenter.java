package org.meshsec.core.offload;

import io.netty.buffer.ByteBuf;
import org.meshsec.core.packet.Checksums;
import org.meshsec.core.packet.PacketInfo;
import org.meshsec.tun.VirtioNetHdr;

/**
 * Generic segmentation offload done in user space: cuts a super-packet read from a TUN device with
 * offloads (a {@link VirtioNetHdr} followed by an IP packet of up to 64 KB) into the packets the
 * kernel would have sent had it segmented itself, so that each can be sealed into its own ESP
 * packet.
 *
 * <p>For a TCP super-packet (gso_type TCPV4 or TCPV6, RFC 9293) every segment gets a copy of the IP
 * and TCP headers followed by at most gso_size payload bytes, and then:
 *
 * <ul>
 *   <li>IPv4 (RFC 791 section 3.1): total length of the segment, identification incremented by one
 *       per segment (modulo 2^16) from the super-packet's, header checksum recomputed;
 *   <li>IPv6 (RFC 8200 section 3): payload length of the segment;
 *   <li>TCP (RFC 9293 section 3.1): sequence number advanced by the payload before it; FIN and PSH
 *       only on the last segment, CWR only on the first (RFC 3168 section 6.1.2: the kernel sets
 *       VIRTIO_NET_HDR_GSO_ECN for such a packet); the full checksum over the pseudo-header.
 * </ul>
 *
 * A UDP super-packet (gso_type UDP_L4, Linux USO) becomes datagrams of gso_size payload bytes with
 * their own UDP length and checksum (a computed zero sent as 0xFFFF, RFC 768). A packet whose
 * gso_type is NONE is copied as it is, with its checksum completed first if NEEDS_CSUM says it is
 * partial: the kernel left the folded pseudo-header sum in the checksum field at csum_start +
 * csum_offset, and the checksum is the complement of the sum from csum_start to the end (virtio 1.2
 * section 5.1.6.2).
 *
 * <p>hdr_len from the kernel is ignored: it may cover more than the headers, so the header length
 * is taken from the IP and TCP headers themselves.
 *
 * <p>Allocation-free: segments are written into caller-provided buffers. Stateless and thread-safe.
 */
public final class GsoSegmenter {
  static final int TCP_FIN = 0x01;
  static final int TCP_SYN = 0x02;
  static final int TCP_RST = 0x04;
  static final int TCP_PSH = 0x08;
  static final int TCP_URG = 0x20;
  static final int TCP_CWR = 0x80;

  /** Largest IPv4 total length; also the limit meshsec keeps IPv6 super-packets to. */
  static final int MAX_IP_LENGTH = 65535;

  private GsoSegmenter() {}

  /**
   * Segments the packet that follows the virtio_net_hdr at {@code hdrIndex} in {@code in}.
   *
   * @param in the buffer read from the TUN device
   * @param hdrIndex where the virtio_net_hdr starts; the IP packet follows it
   * @param length the IP packet's length (without the header)
   * @param out buffers for the segments: segment {@code i} is written at the writer index of {@code
   *     out[outOffset + i]}, which it advances; each needs room for its segment
   * @param outOffset the first buffer to use
   * @return the number of segments written (at least 1), or a negative {@link OffloadError#code()};
   *     on an error nothing useful is written and writer indexes may have moved
   */
  public static int segment(ByteBuf in, int hdrIndex, int length, ByteBuf[] out, int outOffset) {
    if (length < 1 || hdrIndex + VirtioNetHdr.LENGTH + length > in.writerIndex()) {
      return OffloadError.TRUNCATED.code();
    }
    int flags = VirtioNetHdr.flags(in, hdrIndex);
    int gsoType = VirtioNetHdr.gsoType(in, hdrIndex) & ~VirtioNetHdr.GSO_ECN;
    int ip = hdrIndex + VirtioNetHdr.LENGTH;
    if (gsoType == VirtioNetHdr.GSO_NONE) {
      return copyWhole(in, hdrIndex, ip, length, flags, out, outOffset);
    }
    int version = in.getUnsignedByte(ip) >>> 4;
    int ipHdrLen;
    int protocol;
    if (version == 4) {
      if (length < 20) {
        return OffloadError.TRUNCATED.code();
      }
      ipHdrLen = (in.getUnsignedByte(ip) & 0x0F) * 4;
      if (ipHdrLen < 20) {
        return OffloadError.BAD_IP_HEADER.code();
      }
      if ((in.getUnsignedShort(ip + 6) & 0x3FFF) != 0) {
        return OffloadError.UNSUPPORTED_HEADERS.code();
      }
      protocol = in.getUnsignedByte(ip + 9);
    } else if (version == 6) {
      ipHdrLen = 40;
      if (length < ipHdrLen) {
        return OffloadError.TRUNCATED.code();
      }
      protocol = in.getUnsignedByte(ip + 6);
      if (protocol != PacketInfo.PROTO_TCP && protocol != PacketInfo.PROTO_UDP) {
        return OffloadError.UNSUPPORTED_HEADERS.code();
      }
    } else {
      return OffloadError.BAD_IP_HEADER.code();
    }
    int l4HdrLen;
    switch (gsoType) {
      case VirtioNetHdr.GSO_TCPV4, VirtioNetHdr.GSO_TCPV6 -> {
        if (protocol != PacketInfo.PROTO_TCP
            || (version == 4) != (gsoType == VirtioNetHdr.GSO_TCPV4)) {
          return OffloadError.UNSUPPORTED_GSO_TYPE.code();
        }
        if (length < ipHdrLen + 20) {
          return OffloadError.TRUNCATED.code();
        }
        l4HdrLen = (in.getUnsignedByte(ip + ipHdrLen + 12) >>> 4) * 4;
        if (l4HdrLen < 20) {
          return OffloadError.BAD_IP_HEADER.code();
        }
      }
      case VirtioNetHdr.GSO_UDP_L4 -> {
        if (protocol != PacketInfo.PROTO_UDP) {
          return OffloadError.UNSUPPORTED_GSO_TYPE.code();
        }
        l4HdrLen = 8;
      }
      default -> {
        return OffloadError.UNSUPPORTED_GSO_TYPE.code();
      }
    }
    int hdrLen = ipHdrLen + l4HdrLen;
    if (length < hdrLen) {
      return OffloadError.TRUNCATED.code();
    }
    if ((flags & VirtioNetHdr.F_NEEDS_CSUM) != 0
        && (VirtioNetHdr.csumStart(in, hdrIndex) != ipHdrLen
            || VirtioNetHdr.csumOffset(in, hdrIndex) != Checksums.checksumOffset(protocol))) {
      return OffloadError.BAD_CSUM_FIELDS.code();
    }
    int gsoSize = VirtioNetHdr.gsoSize(in, hdrIndex);
    int payload = length - hdrLen;
    if (gsoSize == 0 || hdrLen + gsoSize > MAX_IP_LENGTH) {
      return OffloadError.BAD_GSO_SIZE.code();
    }
    int segments = payload == 0 ? 1 : (payload + gsoSize - 1) / gsoSize;
    if (segments > out.length - outOffset) {
      return OffloadError.TOO_MANY_SEGMENTS.code();
    }
    for (int i = 0; i < segments; i++) {
      int segPayload = Math.min(gsoSize, payload - i * gsoSize);
      if (out[outOffset + i].writableBytes() < hdrLen + segPayload) {
        return OffloadError.NO_ROOM.code();
      }
    }
    boolean tcp = protocol == PacketInfo.PROTO_TCP;
    int l4 = ip + ipHdrLen;
    int ipId = version == 4 ? in.getUnsignedShort(ip + 4) : 0;
    long seq = tcp ? in.getUnsignedInt(l4 + 4) : 0;
    int tcpFlags = tcp ? in.getUnsignedByte(l4 + 13) : 0;
    int csumField = tcp ? 16 : 6;
    for (int i = 0; i < segments; i++) {
      ByteBuf dst = out[outOffset + i];
      int d = dst.writerIndex();
      int segPayload = Math.min(gsoSize, payload - i * gsoSize);
      int segLength = hdrLen + segPayload;
      dst.setBytes(d, in, ip, hdrLen);
      dst.setBytes(d + hdrLen, in, ip + hdrLen + i * gsoSize, segPayload);
      if (version == 4) {
        dst.setShort(d + 2, segLength);
        dst.setShort(d + 4, (ipId + i) & 0xFFFF);
        Checksums.setIpv4HeaderChecksum(dst, d);
      } else {
        dst.setShort(d + 4, segLength - ipHdrLen);
      }
      int dl4 = d + ipHdrLen;
      if (tcp) {
        dst.setInt(dl4 + 4, (int) (seq + (long) i * gsoSize));
        int f = tcpFlags;
        if (i != segments - 1) {
          f &= ~(TCP_FIN | TCP_PSH);
        }
        if (i != 0) {
          f &= ~TCP_CWR;
        }
        dst.setByte(dl4 + 13, f);
      } else {
        dst.setShort(dl4 + 4, segLength - ipHdrLen);
      }
      dst.setShort(dl4 + csumField, 0);
      long sum = Checksums.pseudoHeaderSum(dst, d, protocol, segLength - ipHdrLen);
      int c = Checksums.finish(Checksums.add(sum, dst, dl4, segLength - ipHdrLen));
      if (c == 0 && !tcp) {
        c = 0xFFFF;
      }
      dst.setShort(dl4 + csumField, c);
      dst.writerIndex(d + segLength);
    }
    return segments;
  }

  /**
   * For a packet whose gso_type is NONE (check with {@link #isSuperPacket}): completes its partial
   * checksum in place, as {@link #segment} would in a copy, so that the packet can be used where it
   * was read.
   *
   * @param in the buffer read from the TUN device
   * @param hdrIndex where the virtio_net_hdr starts; the IP packet follows it
   * @param length the IP packet's length (without the header)
   * @return 1, or a negative {@link OffloadError#code()}
   */
  public static int completeInPlace(ByteBuf in, int hdrIndex, int length) {
    if (length < 1 || hdrIndex + VirtioNetHdr.LENGTH + length > in.writerIndex()) {
      return OffloadError.TRUNCATED.code();
    }
    if ((VirtioNetHdr.flags(in, hdrIndex) & VirtioNetHdr.F_NEEDS_CSUM) == 0) {
      return 1;
    }
    int ip = hdrIndex + VirtioNetHdr.LENGTH;
    int start = VirtioNetHdr.csumStart(in, hdrIndex);
    int field = start + VirtioNetHdr.csumOffset(in, hdrIndex);
    if (field + 2 > length) {
      return OffloadError.BAD_CSUM_FIELDS.code();
    }
    int c = Checksums.finish(Checksums.add(0, in, ip + start, length - start));
    if (c == 0 && isUdp(in, ip, start)) {
      c = 0xFFFF;
    }
    in.setShort(ip + field, c);
    return 1;
  }

  /**
   * Whether the virtio_net_hdr at {@code hdrIndex} announces a super-packet (gso_type not NONE).
   */
  public static boolean isSuperPacket(ByteBuf in, int hdrIndex) {
    return (VirtioNetHdr.gsoType(in, hdrIndex) & ~VirtioNetHdr.GSO_ECN) != VirtioNetHdr.GSO_NONE;
  }

  /**
   * An upper bound on the segments of the super-packet behind the virtio_net_hdr at {@code
   * hdrIndex} ({@code length} bytes of IP packet), to size the buffers given to {@link #segment}; 1
   * for a packet that is not a super-packet, and at least 1 even for a bad header.
   */
  public static int maxSegments(ByteBuf in, int hdrIndex, int length) {
    int gsoSize = VirtioNetHdr.gsoSize(in, hdrIndex);
    if (!isSuperPacket(in, hdrIndex) || gsoSize == 0) {
      return 1;
    }
    return Math.max(1, (length + gsoSize - 1) / gsoSize);
  }

  /** gso_type NONE: one packet, its checksum completed if the kernel left it partial. */
  private static int copyWhole(
      ByteBuf in, int hdrIndex, int ip, int length, int flags, ByteBuf[] out, int outOffset) {
    if (out.length - outOffset < 1) {
      return OffloadError.TOO_MANY_SEGMENTS.code();
    }
    ByteBuf dst = out[outOffset];
    if (dst.writableBytes() < length) {
      return OffloadError.NO_ROOM.code();
    }
    int d = dst.writerIndex();
    if ((flags & VirtioNetHdr.F_NEEDS_CSUM) != 0) {
      int start = VirtioNetHdr.csumStart(in, hdrIndex);
      int field = start + VirtioNetHdr.csumOffset(in, hdrIndex);
      if (field + 2 > length) {
        return OffloadError.BAD_CSUM_FIELDS.code();
      }
      dst.setBytes(d, in, ip, length);
      int c = Checksums.finish(Checksums.add(0, dst, d + start, length - start));
      if (c == 0 && isUdp(dst, d, start)) {
        c = 0xFFFF;
      }
      dst.setShort(d + field, c);
    } else {
      dst.setBytes(d, in, ip, length);
    }
    dst.writerIndex(d + length);
    return 1;
  }

  /** Whether the transport header at {@code start} is UDP (a zero checksum means none there). */
  private static boolean isUdp(ByteBuf buf, int ip, int start) {
    int version = buf.getUnsignedByte(ip) >>> 4;
    if (version == 4) {
      return buf.getUnsignedByte(ip + 9) == PacketInfo.PROTO_UDP;
    }
    return version == 6 && start == 40 && buf.getUnsignedByte(ip + 6) == PacketInfo.PROTO_UDP;
  }
}
