package org.meshsec.core.packet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;

/** Test helpers: hex, hand-built headers, and a slow reference Internet checksum. */
final class TestPackets {
  private TestPackets() {}

  static byte[] hex(String s) {
    String h = s.replaceAll("[^0-9A-Fa-f]", "");
    byte[] b = new byte[h.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  static ByteBuf wrap(byte[] b) {
    return Unpooled.copiedBuffer(b);
  }

  /** Concatenates byte arrays. */
  static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  /** A 20-byte IPv4 header (no checksum) for a payload of {@code payloadLength} bytes. */
  static byte[] ipv4Header(int protocol, int payloadLength, int fragField, int src, int dst) {
    int total = 20 + payloadLength;
    return bytes(
        0x45,
        0,
        total >> 8,
        total,
        0x12,
        0x34,
        fragField >> 8,
        fragField,
        64,
        protocol,
        0,
        0,
        src >>> 24,
        src >> 16,
        src >> 8,
        src,
        dst >>> 24,
        dst >> 16,
        dst >> 8,
        dst);
  }

  /** A 40-byte IPv6 header fd00::1 -> fd00::2 for a payload of {@code payloadLength} bytes. */
  static byte[] ipv6Header(int nextHeader, int payloadLength) {
    byte[] h = new byte[40];
    h[0] = 0x60;
    h[4] = (byte) (payloadLength >> 8);
    h[5] = (byte) payloadLength;
    h[6] = (byte) nextHeader;
    h[7] = 64;
    h[8] = (byte) 0xFD;
    h[23] = 1;
    h[24] = (byte) 0xFD;
    h[39] = 2;
    return h;
  }

  /** An IPv6 packet: header plus the given payload (extension headers and upper layer). */
  static byte[] ipv6(int nextHeader, byte[] payload) {
    return cat(ipv6Header(nextHeader, payload.length), payload);
  }

  /** A generic extension header (8 * (hdrExtLen + 1) bytes) with the given next header. */
  static byte[] extension(int nextHeader, int hdrExtLen) {
    byte[] b = new byte[8 * (hdrExtLen + 1)];
    b[0] = (byte) nextHeader;
    b[1] = (byte) hdrExtLen;
    return b;
  }

  static byte[] udpHeader(int sport, int dport, int length) {
    return bytes(sport >> 8, sport, dport >> 8, dport, length >> 8, length, 0, 0);
  }

  static byte[] tcpHeader(int sport, int dport) {
    byte[] b = new byte[20];
    b[0] = (byte) (sport >> 8);
    b[1] = (byte) sport;
    b[2] = (byte) (dport >> 8);
    b[3] = (byte) dport;
    b[12] = 0x50;
    b[13] = 0x02;
    return b;
  }

  /** The naive RFC 1071 sum: 16-bit words, end-around carry after every addition. */
  static int slowSum(byte[] data, int off, int len, int start) {
    int sum = start;
    for (int i = 0; i < len; i += 2) {
      int hi = data[off + i] & 0xFF;
      int lo = i + 1 < len ? data[off + i + 1] & 0xFF : 0;
      sum += (hi << 8) | lo;
      if (sum > 0xFFFF) {
        sum = (sum & 0xFFFF) + 1;
      }
    }
    return sum;
  }

  /**
   * Reference upper-layer checksum of a whole packet in a byte array, with an explicitly assembled
   * pseudo-header, computed as if the checksum field were zero. No pseudo-header for protocol 1.
   */
  static int slowTransportChecksum(byte[] pkt, int l4Off, int protocol) {
    int version = (pkt[0] & 0xFF) >>> 4;
    int l4Len;
    byte[] pseudo;
    if (version == 4) {
      int total = ((pkt[2] & 0xFF) << 8) | (pkt[3] & 0xFF);
      l4Len = total - l4Off;
      pseudo = new byte[12];
      System.arraycopy(pkt, 12, pseudo, 0, 8);
      pseudo[9] = (byte) protocol;
      pseudo[10] = (byte) (l4Len >> 8);
      pseudo[11] = (byte) l4Len;
    } else {
      int total = 40 + (((pkt[4] & 0xFF) << 8) | (pkt[5] & 0xFF));
      l4Len = total - l4Off;
      pseudo = new byte[40];
      System.arraycopy(pkt, 8, pseudo, 0, 32);
      pseudo[34] = (byte) (l4Len >> 8);
      pseudo[35] = (byte) l4Len;
      pseudo[39] = (byte) protocol;
    }
    byte[] seg = new byte[l4Len];
    System.arraycopy(pkt, l4Off, seg, 0, l4Len);
    int co = protocol == 6 ? 16 : protocol == 17 || protocol == 136 ? 6 : 2;
    seg[co] = 0;
    seg[co + 1] = 0;
    int sum = protocol == 1 ? 0 : slowSum(pseudo, 0, pseudo.length, 0);
    sum = slowSum(seg, 0, seg.length, sum);
    int c = ~sum & 0xFFFF;
    if (c == 0 && protocol == 17) {
      c = 0xFFFF;
    }
    return c;
  }

  /** Reference IPv4 header checksum (checksum field taken as zero). */
  static int slowIpv4HeaderChecksum(byte[] pkt) {
    int ihl = (pkt[0] & 0x0F) * 4;
    byte[] h = new byte[ihl];
    System.arraycopy(pkt, 0, h, 0, ihl);
    h[10] = 0;
    h[11] = 0;
    return ~slowSum(h, 0, ihl, 0) & 0xFFFF;
  }

  static byte[] toArray(ByteBuf buf) {
    byte[] b = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), b);
    return b;
  }

  static int u16(byte[] b, int off) {
    return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
  }
}
