package org.meshsec.lab.pcap;

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
import org.meshsec.inet.InetText;

/**
 * The one reader of classic libpcap files (what {@code tcpdump -w} writes) for the lab's tests.
 * Format: the pcap file header is 24 bytes (magic 0xa1b2c3d4 for microsecond or 0xa1b23c4d for
 * nanosecond timestamps, in the writer's byte order; link type at offset 20), then per frame a
 * 16-byte record header (seconds, sub-seconds, captured length, original length) and the captured
 * bytes. Link types: Ethernet (with 802.1Q tags), Linux cooked (SLL and SLL2) and raw IP.
 *
 * <p>Two views of a frame:
 *
 * <ul>
 *   <li>{@link #ip(Frame)} and {@link #udp(IpPacket)}: complete, unfragmented IPv4 (RFC 791) / IPv6
 *       (RFC 8200, no extension headers) packets and UDP datagrams, for pulling IKE and ESP
 *       messages out of a capture (the strongSwan interop suite);
 *   <li>{@link #decode(Frame)}: a {@link Packet} summary of any frame (EtherType, addresses, the
 *       upper-layer protocol after IPv6 extension headers, TCP/UDP ports, ICMPv6 type), for
 *       asserting what crossed a link (the namespace suites).
 * </ul>
 *
 * <p>Stateless; thread-safe.
 */
public final class Pcap {
  public static final int LINKTYPE_ETHERNET = 1;
  public static final int LINKTYPE_RAW = 101;
  public static final int LINKTYPE_LINUX_SLL = 113;
  public static final int LINKTYPE_LINUX_SLL2 = 276;

  public static final int ETH_IPV4 = 0x0800;
  public static final int ETH_IPV6 = 0x86dd;
  public static final int ETH_ARP = 0x0806;
  private static final int ETH_VLAN = 0x8100;

  public static final int TCP = 6;
  public static final int UDP = 17;
  public static final int ICMPV6 = 58;

  private Pcap() {}

  /** One captured frame: timestamp in microseconds and the link-layer bytes. */
  public record Frame(long micros, int linkType, byte[] data) {}

  /** One IP packet from a frame: addresses, protocol and the transport bytes after the header. */
  public record IpPacket(
      long micros, InetAddress src, InetAddress dst, int protocol, byte[] payload) {}

  /** One UDP datagram. */
  public record Udp(
      long micros, InetAddress src, int srcPort, InetAddress dst, int dstPort, byte[] data) {
    @Override
    public String toString() {
      return src.getHostAddress()
          + ":"
          + srcPort
          + " > "
          + dst.getHostAddress()
          + ":"
          + dstPort
          + " ("
          + data.length
          + " bytes)";
    }
  }

  public static List<Frame> frames(Path file) throws IOException {
    return frames(Files.readAllBytes(file));
  }

  /** The frames of a complete capture file; a truncated record is an error. */
  public static List<Frame> frames(byte[] file) throws IOException {
    return frames(file, false);
  }

  /**
   * The frames of a capture file; with {@code partial}, a truncated last record (a capture still
   * being written, or stopped mid-write) ends the list instead of failing.
   */
  static List<Frame> frames(byte[] file, boolean partial) throws IOException {
    if (file.length < 24) {
      throw new IOException("not a pcap file: " + file.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    int magic = b.getInt(0);
    boolean nanos;
    if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
      nanos = magic == 0xa1b23c4d;
    } else {
      b.order(ByteOrder.BIG_ENDIAN);
      magic = b.getInt(0);
      if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
        throw new IOException(String.format("not a pcap file: magic %08x", magic));
      }
      nanos = magic == 0xa1b23c4d;
    }
    int linkType = b.getInt(20) & 0x0fffffff; // high bits: FCS info
    List<Frame> out = new ArrayList<>();
    int pos = 24;
    while (pos + 16 <= file.length) {
      long sec = b.getInt(pos) & 0xffffffffL;
      long sub = b.getInt(pos + 4) & 0xffffffffL;
      int caplen = b.getInt(pos + 8);
      pos += 16;
      if (caplen < 0 || pos + caplen > file.length) {
        if (partial) {
          break;
        }
        throw new IOException("truncated pcap record at offset " + (pos - 16));
      }
      long micros = sec * 1_000_000 + (nanos ? sub / 1000 : sub);
      out.add(new Frame(micros, linkType, Arrays.copyOfRange(file, pos, pos + caplen)));
      pos += caplen;
    }
    return out;
  }

  /** Where the network layer starts in a frame and what it is; null for unknown link types. */
  private record Link(int offset, int etherType) {}

  private static Link link(Frame f) {
    byte[] d = f.data();
    switch (f.linkType()) {
      case LINKTYPE_ETHERNET -> {
        if (d.length < 14) {
          return null;
        }
        int off = 14;
        int etherType = u16(d, 12);
        while (etherType == ETH_VLAN && d.length >= off + 4) {
          etherType = u16(d, off + 2);
          off += 4;
        }
        return new Link(off, etherType);
      }
      case LINKTYPE_LINUX_SLL -> {
        return d.length < 16 ? null : new Link(16, u16(d, 14));
      }
      case LINKTYPE_LINUX_SLL2 -> {
        return d.length < 20 ? null : new Link(20, u16(d, 0));
      }
      case LINKTYPE_RAW -> {
        return d.length < 1 ? null : new Link(0, (d[0] >> 4) == 6 ? ETH_IPV6 : ETH_IPV4);
      }
      default -> {
        return null;
      }
    }
  }

  /** The IP packet in {@code f}, or null for other frames (ARP, IPv4 fragments, ...). */
  public static IpPacket ip(Frame f) {
    byte[] d = f.data();
    Link link = link(f);
    if (link == null) {
      return null;
    }
    int off = link.offset();
    int etherType = link.etherType();
    try {
      if (etherType == ETH_IPV4 && d.length >= off + 20 && (d[off] >> 4) == 4) {
        int ihl = (d[off] & 0x0f) * 4;
        int total = u16(d, off + 2);
        int frag = u16(d, off + 6);
        if ((frag & 0x3fff) != 0 || ihl < 20 || total < ihl || d.length < off + total) {
          return null; // a fragment, or truncated by the snap length
        }
        InetAddress src = InetAddress.getByAddress(Arrays.copyOfRange(d, off + 12, off + 16));
        InetAddress dst = InetAddress.getByAddress(Arrays.copyOfRange(d, off + 16, off + 20));
        return new IpPacket(
            f.micros(), src, dst, d[off + 9] & 0xff, Arrays.copyOfRange(d, off + ihl, off + total));
      }
      if (etherType == ETH_IPV6 && d.length >= off + 40 && ((d[off] >> 4) & 0xf) == 6) {
        int plen = u16(d, off + 4);
        if (d.length < off + 40 + plen) {
          return null;
        }
        InetAddress src = InetAddress.getByAddress(Arrays.copyOfRange(d, off + 8, off + 24));
        InetAddress dst = InetAddress.getByAddress(Arrays.copyOfRange(d, off + 24, off + 40));
        return new IpPacket(
            f.micros(),
            src,
            dst,
            d[off + 6] & 0xff,
            Arrays.copyOfRange(d, off + 40, off + 40 + plen));
      }
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // lengths are fixed above
    }
    return null;
  }

  /** The UDP datagram in {@code p}, or null if it is not (complete) UDP. */
  public static Udp udp(IpPacket p) {
    byte[] t = p.payload();
    if (p.protocol() != UDP || t.length < 8) {
      return null;
    }
    int len = u16(t, 4);
    if (len < 8 || len > t.length) {
      return null;
    }
    return new Udp(
        p.micros(), p.src(), u16(t, 0), p.dst(), u16(t, 2), Arrays.copyOfRange(t, 8, len));
  }

  /** Every UDP datagram in the capture file, in capture order. */
  public static List<Udp> udp(Path file) throws IOException {
    List<Udp> out = new ArrayList<>();
    for (Frame f : frames(file)) {
      IpPacket p = ip(f);
      Udp u = p == null ? null : udp(p);
      if (u != null) {
        out.add(u);
      }
    }
    return out;
  }

  /**
   * One captured frame, decoded for assertions.
   *
   * @param frame the captured bytes (from the link-layer header on)
   * @param etherType the EtherType (for raw-IP captures: that of the IP version)
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
  public record Packet(
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
    public byte[] payload() {
      return payloadOffset < 0
          ? new byte[0]
          : Arrays.copyOfRange(frame, Math.min(payloadOffset, frame.length), frame.length);
    }

    public boolean isUdp(int port) {
      return protocol == UDP && (srcPort == port || dstPort == port);
    }

    public boolean isTcp(int port) {
      return protocol == TCP && (srcPort == port || dstPort == port);
    }

    /** Whether {@code needle} occurs anywhere in the captured frame. */
    public boolean contains(byte[] needle) {
      return Pcap.contains(frame, needle);
    }

    /** IPv6 neighbour discovery, router solicitation or MLD: link housekeeping, not traffic. */
    public boolean isIpv6LinkHousekeeping() {
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
          InetText.format(src),
          srcPort,
          InetText.format(dst),
          dstPort,
          protocol,
          icmpType >= 0 ? " type " + icmpType : "",
          frame.length);
    }
  }

  /** Whether {@code needle} occurs anywhere in {@code haystack} (a frame, a whole file). */
  public static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Every frame of a capture file that may still be being written (a truncated last record is left
   * out), decoded with {@link #decode(Frame)}.
   */
  public static List<Packet> read(Path file) throws IOException {
    List<Packet> out = new ArrayList<>();
    for (Frame f : frames(Files.readAllBytes(file), true)) {
      out.add(decode(f));
    }
    return out;
  }

  /** The {@link Packet} summary of any frame; never null, never throws on short or odd frames. */
  public static Packet decode(Frame frame) {
    byte[] f = frame.data();
    Link link = link(frame);
    if (link == null) {
      return new Packet(f, 0, 0, null, null, -1, -1, -1, -1, -1);
    }
    int et = link.etherType();
    int l3 = link.offset();
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
        // RFC 8200 section 4: hop-by-hop (0), routing (43), fragment (44), destination options (60)
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

  /** The US-ASCII bytes of {@code s}, e.g. a marker to look for in frames. */
  public static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static int u16(byte[] b, int off) {
    return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
  }
}
