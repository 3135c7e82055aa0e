package org.meshsec.core.offload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.meshsec.core.packet.Checksums;
import org.meshsec.core.packet.PacketInfo;
import org.meshsec.tun.VirtioNetHdr;

/**
 * Builds TCP super-packets in the form the kernel hands over from a TUN device with offloads: a
 * virtio_net_hdr (NEEDS_CSUM, gso_type TCPV4/TCPV6, hdr_len, gso_size, csum_start at the TCP
 * header, csum_offset 16), then an IP packet whose length fields cover the whole super-packet, a
 * valid IPv4 header checksum, and the folded pseudo-header sum in the TCP checksum field. Written
 * from the virtio and RFC definitions, independently of the classes under test.
 */
final class SuperPackets {
  static final int ACK = 0x10;

  private SuperPackets() {}

  /** What a generated super-packet looks like. */
  record Spec(
      int version, int ipOptions, int tcpOptions, int gsoSize, int payload, int flags, long seed) {}

  /** A fresh heap buffer holding the virtio_net_hdr and super-packet described by {@code spec}. */
  static ByteBuf build(Spec spec) {
    Random rnd = new Random(spec.seed());
    int ipHdr = spec.version() == 4 ? 20 + spec.ipOptions() : 40;
    int tcpHdr = 20 + spec.tcpOptions();
    int length = ipHdr + tcpHdr + spec.payload();
    ByteBuf b = Unpooled.buffer(VirtioNetHdr.LENGTH + length);
    int gsoType = spec.version() == 4 ? VirtioNetHdr.GSO_TCPV4 : VirtioNetHdr.GSO_TCPV6;
    if ((spec.flags() & GsoSegmenter.TCP_CWR) != 0) {
      gsoType |= VirtioNetHdr.GSO_ECN;
    }
    b.writeByte(VirtioNetHdr.F_NEEDS_CSUM);
    b.writeByte(gsoType);
    b.writeShortLE(ipHdr + tcpHdr);
    b.writeShortLE(spec.gsoSize());
    b.writeShortLE(ipHdr);
    b.writeShortLE(16);
    int ip = b.writerIndex();
    if (spec.version() == 4) {
      b.writeByte(0x40 | (ipHdr / 4));
      b.writeByte(rnd.nextInt(256)); // TOS
      b.writeShort(length);
      b.writeShort(rnd.nextInt(65536)); // identification
      b.writeShort(rnd.nextBoolean() ? 0x4000 : 0); // DF or nothing
      b.writeByte(1 + rnd.nextInt(255)); // TTL
      b.writeByte(PacketInfo.PROTO_TCP);
      b.writeShort(0);
      b.writeInt(rnd.nextInt());
      b.writeInt(rnd.nextInt());
      for (int i = 0; i < spec.ipOptions(); i++) {
        b.writeByte(1); // NOP options
      }
      b.setShort(ip + 10, Checksums.ipv4HeaderChecksum(b, ip));
    } else {
      b.writeInt(0x60000000 | rnd.nextInt(1 << 28)); // traffic class, flow label
      b.writeShort(length - 40);
      b.writeByte(PacketInfo.PROTO_TCP);
      b.writeByte(1 + rnd.nextInt(255)); // hop limit
      for (int i = 0; i < 8; i++) {
        b.writeInt(rnd.nextInt());
      }
    }
    int l4 = b.writerIndex();
    b.writeShort(rnd.nextInt(65536));
    b.writeShort(rnd.nextInt(65536));
    b.writeInt(rnd.nextInt()); // sequence
    b.writeInt(rnd.nextInt()); // acknowledgment
    b.writeByte((tcpHdr / 4) << 4);
    b.writeByte(spec.flags());
    b.writeShort(rnd.nextInt(65536)); // window
    b.writeShort(0); // checksum, below
    b.writeShort(0); // urgent pointer
    for (int i = 0; i < spec.tcpOptions(); i++) {
      b.writeByte(rnd.nextInt(256));
    }
    byte[] data = new byte[spec.payload()];
    rnd.nextBytes(data);
    b.writeBytes(data);
    int l4Length = length - ipHdr;
    b.setShort(
        l4 + 16, Checksums.fold(Checksums.pseudoHeaderSum(b, ip, PacketInfo.PROTO_TCP, l4Length)));
    return b;
  }

  /** Out buffers for up to {@code n} segments of up to {@code size} bytes, with headroom. */
  static ByteBuf[] outBuffers(int n, int size) {
    ByteBuf[] out = new ByteBuf[n];
    for (int i = 0; i < n; i++) {
      out[i] = Unpooled.directBuffer(VirtioNetHdr.LENGTH + 6 + size);
      out[i].setIndex(VirtioNetHdr.LENGTH + 6, VirtioNetHdr.LENGTH + 6);
    }
    return out;
  }

  static void release(ByteBuf[] bufs) {
    for (ByteBuf b : bufs) {
      if (b != null && b.refCnt() > 0) {
        b.release();
      }
    }
  }

  static byte[] bytes(ByteBuf b) {
    byte[] a = new byte[b.readableBytes()];
    b.getBytes(b.readerIndex(), a);
    return a;
  }
}
