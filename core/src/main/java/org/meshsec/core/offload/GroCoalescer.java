package org.meshsec.core.offload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Objects;
import java.util.function.Consumer;
import org.meshsec.core.packet.Checksums;
import org.meshsec.core.packet.PacketInfo;
import org.meshsec.tun.VirtioNetHdr;

/**
 * Generic receive offload done in user space: merges consecutive in-order TCP segments of one flow
 * (RFC 9293) into one super-packet, written to a TUN device with offloads in one write(2), with a
 * {@link VirtioNetHdr} that tells the kernel it holds segments of gso_size payload bytes (gso_type
 * TCPV4 or TCPV6, VIRTIO_NET_HDR_GSO_ECN when the first segment has CWR) and a partial checksum
 * (NEEDS_CSUM, csum_start at the TCP header, csum_offset 16, the folded pseudo-header sum in the
 * checksum field). It is the inverse of {@link GsoSegmenter}: segmenting a super-packet and
 * coalescing the segments gives the super-packet back.
 *
 * <p>A packet joins the run of its flow when, as in Linux's {@code tcp_gro_receive}:
 *
 * <ul>
 *   <li>its IP header equals the first segment's apart from total length / payload length, IPv4
 *       identification (which must be the previous one plus one) and header checksum; IPv4 without
 *       fragmentation, IPv6 without extension headers;
 *   <li>its TCP header equals the first segment's apart from the sequence number (which must
 *       continue the run), the checksum, and the flags CWR (allowed on the first segment only), PSH
 *       and FIN (allowed on the last one); no SYN, RST or URG;
 *   <li>its payload is no longer than the first segment's (gso_size), and the run stays within 64
 *       KB;
 *   <li>its IPv4 header checksum and TCP checksum are correct (a bad segment is passed on for the
 *       kernel to drop, not hidden inside a super-packet whose checksum is recomputed).
 * </ul>
 *
 * A segment with PSH or FIN, or shorter than gso_size, ends its run. Anything else (other
 * protocols, pure ACKs, SYNs, fragments, a flow whose run is full or broken) is passed through
 * unchanged behind an all-zero virtio_net_hdr, after the run of its flow (if any) so that each
 * flow's order is kept. Packets of different flows may be reordered relative to each other, as
 * kernel GRO does.
 *
 * <p>Buffers: {@link #add} takes ownership of each packet (an IP packet as its readable bytes).
 * Every emitted buffer holds a virtio_net_hdr followed by the packet, and is owned by the sink. A
 * passed-through packet reuses its buffer when it has {@link VirtioNetHdr#LENGTH} bytes of headroom
 * (else it is copied, counted in {@link #copies()}); a run of two or more segments is built in one
 * buffer of {@link #RUN_CAPACITY} bytes from the allocator. No other allocation per packet.
 *
 * <p>Not thread-safe: one instance per reader thread; call {@link #flush} at the end of each batch.
 */
public final class GroCoalescer {
  /** A run buffer: a virtio_net_hdr and a 64 KB IP packet. */
  public static final int RUN_CAPACITY = VirtioNetHdr.LENGTH + GsoSegmenter.MAX_IP_LENGTH;

  private final ByteBufAllocator allocator;
  private final Run[] runs;
  private int active;

  private long merged;
  private long superPackets;
  private long passed;
  private long copies;
  private long badChecksums;

  /** Per-flow state of a run being built. */
  private static final class Run {
    /** The first segment as received (count == 1), or null once {@link #buf} holds the run. */
    ByteBuf first;

    /** The run being built: virtio_net_hdr at 0, then the IP packet (count >= 2). */
    ByteBuf buf;

    int version;
    int ipHdrLen;
    int tcpHdrLen;
    int gsoSize;
    int count;
    int length;
    int lastId;
    long nextSeq;

    /** Where the IP header of the run starts in {@link #packet()}. */
    ByteBuf packet() {
      return buf != null ? buf : first;
    }

    int ipIndex() {
      return buf != null ? VirtioNetHdr.LENGTH : first.readerIndex();
    }
  }

  /**
   * @param allocator where run buffers come from (direct, pooled in production)
   * @param maxFlows how many flows may have a run open at once; a packet of another flow is passed
   *     through
   */
  public GroCoalescer(ByteBufAllocator allocator, int maxFlows) {
    this.allocator = Objects.requireNonNull(allocator, "allocator");
    if (maxFlows < 1) {
      throw new IllegalArgumentException("maxFlows must be at least 1, got " + maxFlows);
    }
    runs = new Run[maxFlows];
    for (int i = 0; i < maxFlows; i++) {
      runs[i] = new Run();
    }
  }

  /**
   * Adds one received packet (its readable bytes), taking ownership. Emits to {@code sink} the run
   * it closes or breaks, and the packet itself when it cannot be coalesced.
   */
  public void add(ByteBuf packet, Consumer<ByteBuf> sink) {
    int ip = packet.readerIndex();
    int length = packet.readableBytes();
    int version = length > 0 ? packet.getUnsignedByte(ip) >>> 4 : 0;
    int ipHdrLen = tcpIpHeaderLength(packet, ip, length, version);
    if (ipHdrLen < 0) {
      if (mayBeTcp(packet, ip, length, version)) {
        flush(sink); // a TCP packet we cannot place (fragment, odd length): keep every flow's order
      }
      passThrough(packet, sink);
      return;
    }
    int l4 = ip + ipHdrLen;
    int run = find(packet, ip, version, ipHdrLen);
    int tcpHdrLen = (packet.getUnsignedByte(l4 + 12) >>> 4) * 4;
    int flags = packet.getUnsignedByte(l4 + 13);
    int payload = length - ipHdrLen - tcpHdrLen;
    boolean candidate =
        tcpHdrLen >= 20
            && payload > 0
            && (flags & (GsoSegmenter.TCP_SYN | GsoSegmenter.TCP_RST | GsoSegmenter.TCP_URG)) == 0;
    if (candidate && !checksumsValid(packet, ip, version, ipHdrLen, length)) {
      badChecksums++;
      candidate = false;
    }
    if (run >= 0) {
      Run r = runs[run];
      if (candidate && canAppend(r, packet, ip, version, ipHdrLen, tcpHdrLen, flags, payload)) {
        append(r, packet, ip, ipHdrLen + tcpHdrLen, payload, flags);
        if ((flags & (GsoSegmenter.TCP_PSH | GsoSegmenter.TCP_FIN)) != 0 || payload < r.gsoSize) {
          emit(run, sink);
        }
        return;
      }
      emit(run, sink);
    }
    if (!candidate
        || (flags & (GsoSegmenter.TCP_PSH | GsoSegmenter.TCP_FIN)) != 0
        || active == runs.length) {
      passThrough(packet, sink);
      return;
    }
    Run r = runs[active++];
    r.first = packet;
    r.buf = null;
    r.version = version;
    r.ipHdrLen = ipHdrLen;
    r.tcpHdrLen = tcpHdrLen;
    r.gsoSize = payload;
    r.count = 1;
    r.length = length;
    r.lastId = version == 4 ? packet.getUnsignedShort(ip + 4) : 0;
    r.nextSeq = (packet.getUnsignedInt(l4 + 4) + payload) & 0xFFFFFFFFL;
  }

  /** Emits every open run. Call at the end of each batch. */
  public void flush(Consumer<ByteBuf> sink) {
    while (active > 0) {
      emit(active - 1, sink);
    }
  }

  /** Releases the open runs without emitting them. */
  public void discard() {
    for (int i = 0; i < active; i++) {
      Run r = runs[i];
      if (r.buf != null) {
        r.buf.release();
      }
      if (r.first != null) {
        r.first.release();
      }
      r.buf = null;
      r.first = null;
    }
    active = 0;
  }

  /** Segments merged into another segment's super-packet. */
  public long merged() {
    return merged;
  }

  /** Super-packets emitted (runs of two or more segments). */
  public long superPackets() {
    return superPackets;
  }

  /** Packets emitted unchanged (including runs of one). */
  public long passedThrough() {
    return passed;
  }

  /** Passed-through packets that had to be copied for lack of headroom. */
  public long copies() {
    return copies;
  }

  /** TCP segments not coalesced because a checksum was wrong. */
  public long badChecksums() {
    return badChecksums;
  }

  /**
   * The IP header length of a TCP packet that could be coalesced as far as IP is concerned (IPv4
   * unfragmented with a total length equal to {@code length}, IPv6 with TCP as next header and a
   * matching payload length, room for a TCP header), or -1.
   */
  private static int tcpIpHeaderLength(ByteBuf p, int ip, int length, int version) {
    if (version == 4) {
      if (length < 40) {
        return -1;
      }
      int ihl = (p.getUnsignedByte(ip) & 0x0F) * 4;
      if (ihl < 20
          || length < ihl + 20
          || p.getUnsignedShort(ip + 2) != length
          || (p.getUnsignedShort(ip + 6) & 0x3FFF) != 0
          || p.getUnsignedByte(ip + 9) != PacketInfo.PROTO_TCP) {
        return -1;
      }
      return ihl;
    }
    if (version == 6) {
      if (length < 60
          || p.getUnsignedShort(ip + 4) != length - 40
          || p.getUnsignedByte(ip + 6) != PacketInfo.PROTO_TCP) {
        return -1;
      }
      return 40;
    }
    return -1;
  }

  /** Whether a packet that is not a coalescing candidate might still belong to an open run. */
  private static boolean mayBeTcp(ByteBuf p, int ip, int length, int version) {
    if (version == 4 && length >= 20) {
      return p.getUnsignedByte(ip + 9) == PacketInfo.PROTO_TCP;
    }
    if (version == 6 && length >= 40) {
      int next = p.getUnsignedByte(ip + 6);
      return next != PacketInfo.PROTO_UDP && next != PacketInfo.PROTO_ICMPV6;
    }
    return false;
  }

  private static boolean checksumsValid(ByteBuf p, int ip, int version, int ipHdrLen, int length) {
    if (version == 4 && !Checksums.verifyIpv4HeaderChecksum(p, ip)) {
      return false;
    }
    return Checksums.verifyTransportChecksum(
        p, ip, ip + ipHdrLen, length - ipHdrLen, PacketInfo.PROTO_TCP);
  }

  /** The open run of the flow of this packet (addresses and ports), or -1. */
  private int find(ByteBuf p, int ip, int version, int ipHdrLen) {
    int addrOffset = version == 4 ? 12 : 8;
    int addrLen = version == 4 ? 8 : 32;
    for (int i = 0; i < active; i++) {
      Run r = runs[i];
      if (r.version != version || r.ipHdrLen != ipHdrLen) {
        continue;
      }
      ByteBuf q = r.packet();
      int qip = r.ipIndex();
      if (q.getInt(qip + ipHdrLen) == p.getInt(ip + ipHdrLen)
          && equal(q, qip + addrOffset, p, ip + addrOffset, addrLen)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean canAppend(
      Run r, ByteBuf p, int ip, int version, int ipHdrLen, int tcpHdrLen, int flags, int payload) {
    if (tcpHdrLen != r.tcpHdrLen
        || payload > r.gsoSize
        || r.length + payload > GsoSegmenter.MAX_IP_LENGTH
        || (p.getUnsignedInt(ip + ipHdrLen + 4)) != r.nextSeq) {
      return false;
    }
    ByteBuf q = r.packet();
    int qip = r.ipIndex();
    if (version == 4) {
      if (p.getUnsignedShort(ip + 4) != ((r.lastId + 1) & 0xFFFF)
          || !equal(q, qip, p, ip, 2)
          || !equal(q, qip + 6, p, ip + 6, 4)
          || !equal(q, qip + 12, p, ip + 12, ipHdrLen - 12)) {
        return false;
      }
    } else if (!equal(q, qip, p, ip, 4) || !equal(q, qip + 6, p, ip + 6, 34)) {
      return false;
    }
    int ql4 = qip + ipHdrLen;
    int l4 = ip + ipHdrLen;
    // ports, then acknowledgment number + data offset, then window, then urgent pointer + options
    if (!equal(q, ql4, p, l4, 4)
        || !equal(q, ql4 + 8, p, l4 + 8, 5)
        || !equal(q, ql4 + 14, p, l4 + 14, 2)
        || !equal(q, ql4 + 18, p, l4 + 18, tcpHdrLen - 18)) {
      return false;
    }
    int firstFlags = q.getUnsignedByte(ql4 + 13);
    int ignore = GsoSegmenter.TCP_PSH | GsoSegmenter.TCP_FIN | GsoSegmenter.TCP_CWR;
    return (flags & GsoSegmenter.TCP_CWR) == 0 && (flags & ~ignore) == (firstFlags & ~ignore);
  }

  private void append(Run r, ByteBuf p, int ip, int hdrLen, int payload, int flags) {
    if (r.buf == null) {
      ByteBuf buf = allocator.directBuffer(RUN_CAPACITY);
      buf.writerIndex(VirtioNetHdr.LENGTH);
      buf.writeBytes(r.first, r.first.readerIndex(), r.length);
      r.first.release();
      r.first = null;
      r.buf = buf;
    }
    r.buf.writeBytes(p, ip + hdrLen, payload);
    int l4 = VirtioNetHdr.LENGTH + r.ipHdrLen;
    r.buf.setByte(
        l4 + 13,
        r.buf.getUnsignedByte(l4 + 13) | (flags & (GsoSegmenter.TCP_PSH | GsoSegmenter.TCP_FIN)));
    r.count++;
    r.length += payload;
    r.lastId = r.version == 4 ? p.getUnsignedShort(ip + 4) : 0;
    r.nextSeq = (r.nextSeq + payload) & 0xFFFFFFFFL;
    p.release();
    merged++;
  }

  /** Emits run {@code index} and removes it from the table. */
  private void emit(int index, Consumer<ByteBuf> sink) {
    Run r = runs[index];
    ByteBuf out;
    if (r.buf == null) {
      out = r.first;
      r.first = null;
      passThrough(out, sink);
    } else {
      out = r.buf;
      r.buf = null;
      finish(r, out);
      superPackets++;
      sink.accept(out);
    }
    active--;
    if (index != active) {
      runs[index] = runs[active];
      runs[active] = r;
    }
  }

  /** Fills in lengths, the IPv4 header checksum, the partial TCP checksum and the header. */
  private static void finish(Run r, ByteBuf buf) {
    int ip = VirtioNetHdr.LENGTH;
    int l4Length = r.length - r.ipHdrLen;
    if (r.version == 4) {
      buf.setShort(ip + 2, r.length);
      Checksums.setIpv4HeaderChecksum(buf, ip);
    } else {
      buf.setShort(ip + 4, l4Length);
    }
    int l4 = ip + r.ipHdrLen;
    long pseudo = Checksums.pseudoHeaderSum(buf, ip, PacketInfo.PROTO_TCP, l4Length);
    buf.setShort(l4 + 16, Checksums.fold(pseudo));
    int gsoType = r.version == 4 ? VirtioNetHdr.GSO_TCPV4 : VirtioNetHdr.GSO_TCPV6;
    if ((buf.getUnsignedByte(l4 + 13) & GsoSegmenter.TCP_CWR) != 0) {
      gsoType |= VirtioNetHdr.GSO_ECN;
    }
    VirtioNetHdr.set(
        buf,
        0,
        VirtioNetHdr.F_NEEDS_CSUM,
        gsoType,
        r.ipHdrLen + r.tcpHdrLen,
        r.gsoSize,
        r.ipHdrLen,
        16);
  }

  /** Emits {@code packet} unchanged behind a zero virtio_net_hdr. */
  private void passThrough(ByteBuf packet, Consumer<ByteBuf> sink) {
    passed++;
    int ri = packet.readerIndex();
    if (ri >= VirtioNetHdr.LENGTH) {
      packet.readerIndex(ri - VirtioNetHdr.LENGTH);
      VirtioNetHdr.setNone(packet, ri - VirtioNetHdr.LENGTH);
      sink.accept(packet);
      return;
    }
    copies++;
    int length = packet.readableBytes();
    ByteBuf copy = allocator.directBuffer(VirtioNetHdr.LENGTH + length);
    try {
      copy.writeZero(VirtioNetHdr.LENGTH);
      copy.writeBytes(packet, ri, length);
    } finally {
      packet.release();
    }
    sink.accept(copy);
  }

  /** Whether two byte ranges are equal; the widest reads first (8, 4, 2, then 1 bytes). */
  private static boolean equal(ByteBuf a, int ai, ByteBuf b, int bi, int length) {
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      if (a.getLong(ai + i) != b.getLong(bi + i)) {
        return false;
      }
    }
    if (i + 4 <= length) {
      if (a.getInt(ai + i) != b.getInt(bi + i)) {
        return false;
      }
      i += 4;
    }
    if (i + 2 <= length) {
      if (a.getShort(ai + i) != b.getShort(bi + i)) {
        return false;
      }
      i += 2;
    }
    return i == length || a.getByte(ai + i) == b.getByte(bi + i);
  }
}
