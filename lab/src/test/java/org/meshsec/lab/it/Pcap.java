package org.meshsec.lab.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a classic pcap file (the format of {@code tcpdump -w}: a 24-byte global header, then per
 * packet a 16-byte record header and the captured bytes; either byte order, microsecond or
 * nanosecond timestamps) of an Ethernet link, and decodes just enough of each frame for the tests:
 * EtherType, IPv4 (RFC 791) / IPv6 (RFC 8200, skipping hop-by-hop, routing, destination-options and
 * fragment headers) addresses, the upper-layer protocol and TCP/UDP ports. Stateless.
 */
final class Pcap {
  static final int LINKTYPE_ETHERNET = 1;
  static final int ETH_IPV4 = 0x0800;
  static final int ETH_IPV6 = 0x86dd;
  static final int ETH_ARP = 0x0806;
  static final int TCP = 6;
  static final int UDP = 17;
  static final int ICMPV6 = 58;

  private Pcap() {}

  /**
   * One captured frame.
   *
   * @param frame the captured bytes (from the Ethernet header on)
   * @param etherType the EtherType
   * @param ipVersion 4, 6, or 0 when not IP
   * @param src source address (null when not IP)
   * @param dst destination address (null when not IP)
   * @param protocol the upper-layer protocol after extension headers (-1 when not IP)
   * @param srcPort TCP/UDP source port, or -1
   * @param dstPort TCP/UDP destination port, or -1
   * @param payloadOffset offset in {@code frame} of the TCP/UDP payload (or of the upper layer for
   *     other protocols); -1 when not IP
   * @param icmpType ICMPv6 type, or -1
   */
  record Packet(
      byte[] frame,
      int etherType,
      int ipVersion,
      InetAddress src,
      InetAddress dst,
      int protocol,
      int srcPort,
      int dstPort,
      int payloadOffset,
      int icmpType) {

    /** The TCP/UDP payload (or the upper-layer bytes); empty when not IP. */
    byte[] payload() {
      return payloadOffset < 0
          ? new byte[0]
          : Arrays.copyOfRange(frame, Math.min(payloadOffset, frame.length), frame.length);
    }

    boolean isUdp(int port) {
      return protocol == UDP && (srcPort == port || dstPort == port);
    }

    boolean isTcp(int port) {
      return protocol == TCP && (srcPort == port || dstPort == port);
    }

    /** Whether {@code needle} occurs anywhere in the captured frame. */
    boolean contains(byte[] needle) {
      outer:
      for (int i = 0; i + needle.length <= frame.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (frame[i + j] != needle[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    }

    /** IPv6 neighbour discovery, router solicitation or MLD: link housekeeping, not traffic. */
    boolean isIpv6LinkHousekeeping() {
      return ipVersion == 6 && protocol == ICMPV6 && icmpType >= 130 && icmpType <= 143;
    }

    @Override
    public String toString() {
      if (ipVersion == 0) {
        return String.format("ethertype 0x%04x, %d bytes", etherType, frame.length);
      }
      return String.format(
          "IPv%d %s:%d > %s:%d proto %d%s, %d bytes",
          ipVersion,
          src.getHostAddress(),
          srcPort,
          dst.getHostAddress(),
          dstPort,
          protocol,
          icmpType >= 0 ? " type " + icmpType : "",
          frame.length);
    }
  }

  static List<Packet> read(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
    if (b.remaining() < 24) {
      throw new IOException(file + ": " + b.remaining() + " bytes, no pcap header");
    }
    int magic = b.order(ByteOrder.BIG_ENDIAN).getInt(0);
    if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
      b.order(ByteOrder.LITTLE_ENDIAN);
    } else if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
      throw new IOException(file + ": not a pcap file (magic " + Integer.toHexString(magic) + ")");
    }
    int linkType = b.getInt(20);
    if (linkType != LINKTYPE_ETHERNET) {
      throw new IOException(file + ": link type " + linkType + ", expected Ethernet");
    }
    List<Packet> out = new ArrayList<>();
    int pos = 24;
    while (pos + 16 <= b.limit()) {
      int incl = b.getInt(pos + 8);
      if (incl < 0 || pos + 16 + incl > b.limit()) {
        break; // truncated last record (capture stopped mid-write)
      }
      byte[] frame = new byte[incl];
      b.get(pos + 16, frame);
      out.add(decode(frame));
      pos += 16 + incl;
    }
    return out;
  }

  static Packet decode(byte[] f) {
    if (f.length < 14) {
      return new Packet(f, 0, 0, null, null, -1, -1, -1, -1, -1);
    }
    int et = u16(f, 12);
    int l3 = 14;
    if (et == 0x8100 && f.length >= 18) {
      et = u16(f, 16);
      l3 = 18;
    }
    try {
      if (et == ETH_IPV4 && f.length >= l3 + 20) {
        int ihl = (f[l3] & 0x0f) * 4;
        int proto = f[l3 + 9] & 0xff;
        InetAddress src = InetAddress.getByAddress(Arrays.copyOfRange(f, l3 + 12, l3 + 16));
        InetAddress dst = InetAddress.getByAddress(Arrays.copyOfRange(f, l3 + 16, l3 + 20));
        boolean laterFragment = (u16(f, l3 + 6) & 0x1fff) != 0;
        return upper(f, et, 4, src, dst, proto, l3 + ihl, laterFragment);
      }
      if (et == ETH_IPV6 && f.length >= l3 + 40) {
        InetAddress src = InetAddress.getByAddress(Arrays.copyOfRange(f, l3 + 8, l3 + 24));
        InetAddress dst = InetAddress.getByAddress(Arrays.copyOfRange(f, l3 + 24, l3 + 40));
        int nh = f[l3 + 6] & 0xff;
        int off = l3 + 40;
        boolean laterFragment = false;
        while ((nh == 0 || nh == 43 || nh == 60 || nh == 44) && off + 8 <= f.length) {
          int next = f[off] & 0xff;
          if (nh == 44) {
            laterFragment = (u16(f, off + 2) & 0xfff8) != 0;
            off += 8;
          } else {
            off += 8 + (f[off + 1] & 0xff) * 8;
          }
          nh = next;
        }
        return upper(f, et, 6, src, dst, nh, off, laterFragment);
      }
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // lengths are fixed above
    }
    return new Packet(f, et, 0, null, null, -1, -1, -1, -1, -1);
  }

  private static Packet upper(
      byte[] f,
      int et,
      int version,
      InetAddress src,
      InetAddress dst,
      int proto,
      int l4,
      boolean laterFragment) {
    int sp = -1;
    int dp = -1;
    int payload = l4;
    int icmp = -1;
    if (!laterFragment && (proto == TCP || proto == UDP) && f.length >= l4 + 4) {
      sp = u16(f, l4);
      dp = u16(f, l4 + 2);
      if (proto == UDP) {
        payload = l4 + 8;
      } else if (f.length >= l4 + 13) {
        payload = l4 + ((f[l4 + 12] >> 4) & 0x0f) * 4;
      }
    } else if (!laterFragment && proto == ICMPV6 && f.length > l4) {
      icmp = f[l4] & 0xff;
    }
    return new Packet(f, et, version, src, dst, proto, sp, dp, payload, icmp);
  }

  private static int u16(byte[] f, int off) {
    return ((f[off] & 0xff) << 8) | (f[off + 1] & 0xff);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
