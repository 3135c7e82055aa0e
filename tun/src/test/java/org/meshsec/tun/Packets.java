package org.meshsec.tun;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Test helper: builds and parses IPv4/IPv6 UDP packets (RFC 791, RFC 8200, RFC 768). */
final class Packets {
  private Packets() {}

  /** A parsed UDP datagram. */
  record Udp(
      int version, InetAddress src, int srcPort, InetAddress dst, int dstPort, byte[] data) {}

  static byte[] udp(InetAddress src, int srcPort, InetAddress dst, int dstPort, byte[] data) {
    boolean v4 = src instanceof Inet4Address;
    if (v4 != dst instanceof Inet4Address) {
      throw new IllegalArgumentException("mixed families");
    }
    int ipLen = v4 ? 20 : 40;
    int udpLen = 8 + data.length;
    ByteBuffer b = ByteBuffer.allocate(ipLen + udpLen);
    if (v4) {
      b.put((byte) 0x45).put((byte) 0).putShort((short) (ipLen + udpLen));
      b.putShort((short) 0x1234).putShort((short) 0x4000); // id, DF
      b.put((byte) 64).put((byte) 17).putShort((short) 0); // ttl, UDP, checksum later
      b.put(src.getAddress()).put(dst.getAddress());
      b.putShort(10, (short) checksum(b.array(), 0, 20, 0));
    } else {
      b.putInt(0x60000000).putShort((short) udpLen).put((byte) 17).put((byte) 64);
      b.put(src.getAddress()).put(dst.getAddress());
    }
    b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) udpLen);
    b.putShort((short) 0).put(data);
    // Pseudo-header sum: addresses, protocol, UDP length.
    byte[] a = b.array();
    long pseudo = 0;
    int addrOff = v4 ? 12 : 8;
    int addrLen = v4 ? 8 : 32;
    pseudo += sum(a, addrOff, addrLen);
    pseudo += 17 + udpLen;
    int c = checksum(a, ipLen, udpLen, pseudo);
    b.putShort(ipLen + 6, (short) (c == 0 ? 0xffff : c));
    return a;
  }

  static Udp parseUdp(byte[] p) throws UnknownHostException {
    int version = (p[0] & 0xff) >>> 4;
    int off;
    InetAddress src;
    InetAddress dst;
    if (version == 4) {
      int ihl = (p[0] & 0x0f) * 4;
      if ((p[9] & 0xff) != 17) {
        return null;
      }
      src = InetAddress.getByAddress(Arrays.copyOfRange(p, 12, 16));
      dst = InetAddress.getByAddress(Arrays.copyOfRange(p, 16, 20));
      off = ihl;
    } else if (version == 6) {
      if ((p[6] & 0xff) != 17) {
        return null;
      }
      src = Inet6Address.getByAddress(Arrays.copyOfRange(p, 8, 24));
      dst = Inet6Address.getByAddress(Arrays.copyOfRange(p, 24, 40));
      off = 40;
    } else {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(p);
    int sport = b.getShort(off) & 0xffff;
    int dport = b.getShort(off + 2) & 0xffff;
    int len = b.getShort(off + 4) & 0xffff;
    byte[] data = Arrays.copyOfRange(p, off + 8, off + len);
    return new Udp(version, src, sport, dst, dport, data);
  }

  private static long sum(byte[] a, int off, int len) {
    long s = 0;
    for (int i = 0; i + 1 < len; i += 2) {
      s += ((a[off + i] & 0xff) << 8) | (a[off + i + 1] & 0xff);
    }
    if ((len & 1) != 0) {
      s += (a[off + len - 1] & 0xff) << 8;
    }
    return s;
  }

  private static int checksum(byte[] a, int off, int len, long initial) {
    long s = initial + sum(a, off, len);
    while ((s >>> 16) != 0) {
      s = (s & 0xffff) + (s >>> 16);
    }
    return (int) (~s & 0xffff);
  }
}
