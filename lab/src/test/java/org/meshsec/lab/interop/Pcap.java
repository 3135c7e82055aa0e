package org.meshsec.lab.interop;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tiny reader of classic libpcap files (what {@code tcpdump -w} writes), enough to pull UDP
 * datagrams out of a capture on a veth: Ethernet, Linux cooked (SLL and SLL2) and raw-IP link
 * types, IPv4 (unfragmented) and IPv6 (no extension headers). Format: the pcap file header is 24
 * bytes (magic 0xa1b2c3d4 for microsecond or 0xa1b23c4d for nanosecond timestamps, in the writer's
 * byte order; link type at offset 20), then per frame a 16-byte record header (seconds,
 * sub-seconds, captured length, original length) and the captured bytes.
 *
 * <p>Stateless; thread-safe.
 */
final class Pcap {
  static final int LINKTYPE_ETHERNET = 1;
  static final int LINKTYPE_RAW = 101;
  static final int LINKTYPE_LINUX_SLL = 113;
  static final int LINKTYPE_LINUX_SLL2 = 276;

  private static final int ETHERTYPE_IPV4 = 0x0800;
  private static final int ETHERTYPE_IPV6 = 0x86dd;
  private static final int ETHERTYPE_VLAN = 0x8100;
  private static final int PROTO_UDP = 17;

  private Pcap() {}

  /** One captured frame: timestamp in microseconds and the link-layer bytes. */
  record Frame(long micros, int linkType, byte[] data) {}

  /** One IP packet from a frame: addresses, protocol and the transport bytes after the header. */
  record IpPacket(long micros, InetAddress src, InetAddress dst, int protocol, byte[] payload) {}

  /** One UDP datagram. */
  record Udp(long micros, InetAddress src, int srcPort, InetAddress dst, int dstPort, byte[] data) {
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

  static List<Frame> frames(Path file) throws IOException {
    return frames(Files.readAllBytes(file));
  }

  static List<Frame> frames(byte[] file) throws IOException {
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
        throw new IOException("truncated pcap record at offset " + (pos - 16));
      }
      long micros = sec * 1_000_000 + (nanos ? sub / 1000 : sub);
      out.add(new Frame(micros, linkType, Arrays.copyOfRange(file, pos, pos + caplen)));
      pos += caplen;
    }
    return out;
  }

  /** The IP packet in {@code f}, or null for other frames (ARP, IPv4 fragments, ...). */
  static IpPacket ip(Frame f) {
    byte[] d = f.data();
    int off;
    int etherType;
    switch (f.linkType()) {
      case LINKTYPE_ETHERNET -> {
        if (d.length < 14) {
          return null;
        }
        off = 14;
        etherType = u16(d, 12);
        while (etherType == ETHERTYPE_VLAN && d.length >= off + 4) {
          etherType = u16(d, off + 2);
          off += 4;
        }
      }
      case LINKTYPE_LINUX_SLL -> {
        if (d.length < 16) {
          return null;
        }
        off = 16;
        etherType = u16(d, 14);
      }
      case LINKTYPE_LINUX_SLL2 -> {
        if (d.length < 20) {
          return null;
        }
        off = 20;
        etherType = u16(d, 0);
      }
      case LINKTYPE_RAW -> {
        if (d.length < 1) {
          return null;
        }
        off = 0;
        etherType = (d[0] >> 4) == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
      }
      default -> {
        return null;
      }
    }
    try {
      if (etherType == ETHERTYPE_IPV4 && d.length >= off + 20 && (d[off] >> 4) == 4) {
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
      if (etherType == ETHERTYPE_IPV6 && d.length >= off + 40 && ((d[off] >> 4) & 0xf) == 6) {
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
  static Udp udp(IpPacket p) {
    byte[] t = p.payload();
    if (p.protocol() != PROTO_UDP || t.length < 8) {
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
  static List<Udp> udp(Path file) throws IOException {
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

  private static int u16(byte[] b, int off) {
    return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
  }
}
