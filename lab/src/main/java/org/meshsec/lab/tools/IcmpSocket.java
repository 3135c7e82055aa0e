package org.meshsec.lab.tools;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.meshsec.inet.InetText;
import org.meshsec.tun.Errno;
import org.meshsec.tun.Native;
import org.meshsec.tun.NativeIoException;

/**
 * An ICMP (or ICMPv6) socket through the C library ({@link Native}), since the JDK has none: the
 * socket of {@link Ping}. Every failing call throws a {@link NativeIoException} naming the syscall
 * and errno.
 *
 * <p>Two kinds (see {@link Mode}): the Linux datagram "ping socket" ({@code socket(AF_INET,
 * SOCK_DGRAM, IPPROTO_ICMP)}, ICMPv6: {@code AF_INET6, IPPROTO_ICMPV6}), which the kernel allows
 * only to processes whose group lies in {@code net.ipv4.ping_group_range} -- root included: the
 * default range "1 0" admits nobody, and a fresh network namespace starts with that default -- and
 * the raw socket ({@code SOCK_RAW}), which needs CAP_NET_RAW. On a ping socket the kernel picks the
 * echo identifier and delivers only replies to it; on a raw socket every ICMP message arrives (for
 * IPv4 with its IP header, which {@link #receive} strips) and the caller filters.
 *
 * <p>Not thread-safe; one owner.
 */
public final class IcmpSocket implements Closeable {
  /** Which socket to open. */
  public enum Mode {
    /** A ping socket if permitted, otherwise a raw socket. */
    AUTO,
    /** Only a ping socket. */
    DGRAM,
    /** Only a raw socket. */
    RAW
  }

  /** Which socket was opened. */
  public enum Kind {
    DGRAM,
    RAW
  }

  private static final int SOCK_DGRAM = Native.SOCK_DGRAM | Native.SOCK_CLOEXEC;
  private static final int SOCK_RAW = Native.SOCK_RAW | Native.SOCK_CLOEXEC;

  /**
   * A received ICMP message.
   *
   * @param from its source address
   * @param offset where the ICMP message starts in the buffer
   * @param length its length
   * @param ttl the TTL from the IPv4 header (raw IPv4 sockets only), else -1
   */
  public record Received(InetAddress from, int offset, int length, int ttl) {}

  private final boolean ipv6;
  private final Kind kind;
  private int fd;
  private final byte[] pollfd = new byte[Native.POLLFD_SIZE];
  private final byte[] from = new byte[28];
  private final int[] fromLen = new int[1];

  private IcmpSocket(int fd, boolean ipv6, Kind kind) {
    this.fd = fd;
    this.ipv6 = ipv6;
    this.kind = kind;
    // The first call through each jnr stub links it (tens of ms); do that now, not inside the
    // first round-trip time measured. Nothing of ours can be queued yet.
    ByteBuffer.wrap(pollfd).order(ByteOrder.nativeOrder()).putInt(0, fd).putShort(4, Native.POLLIN);
    Native.poll(pollfd, 1, 0);
    fromLen[0] = from.length;
    Native.recvfrom(fd, new byte[1], 1, Native.MSG_DONTWAIT, from, fromLen);
  }

  /**
   * Opens an ICMP socket for IPv4 or IPv6. With {@link Mode#AUTO}, a ping socket refused with
   * EACCES or EPERM falls back to a raw socket.
   */
  public static IcmpSocket open(boolean ipv6, Mode mode) throws IOException {
    int domain = ipv6 ? Native.AF_INET6 : Native.AF_INET;
    int proto = ipv6 ? Native.IPPROTO_ICMPV6 : Native.IPPROTO_ICMP;
    String fam = ipv6 ? "AF_INET6" : "AF_INET";
    String pro = ipv6 ? "IPPROTO_ICMPV6" : "IPPROTO_ICMP";
    NativeIoException dgramFailure = null;
    if (mode != Mode.RAW) {
      try {
        return new IcmpSocket(Native.socket(domain, SOCK_DGRAM, proto), ipv6, Kind.DGRAM);
      } catch (NativeIoException e) {
        int errno = e.errno();
        dgramFailure =
            Native.newIoException(
                "socket(" + fam + ", SOCK_DGRAM, " + pro + ")", errno, pingSocketHint(errno));
        if (mode == Mode.DGRAM || (errno != Errno.EACCES && errno != Errno.EPERM)) {
          throw dgramFailure;
        }
      }
    }
    try {
      return new IcmpSocket(Native.socket(domain, SOCK_RAW, proto), ipv6, Kind.RAW);
    } catch (NativeIoException e) {
      NativeIoException raw =
          Native.newIoException("socket(" + fam + ", SOCK_RAW, " + pro + ")", e.errno(), null);
      if (dgramFailure != null) {
        raw.addSuppressed(dgramFailure);
      }
      throw raw;
    }
  }

  private static String pingSocketHint(int errno) {
    return errno == Errno.EACCES
        ? "ping sockets need the group in net.ipv4.ping_group_range of this namespace"
        : null;
  }

  public Kind kind() {
    return kind;
  }

  public boolean ipv6() {
    return ipv6;
  }

  /** Sends {@code buf[0, len)} (an ICMP message, no IP header) to {@code to}. */
  public void send(byte[] buf, int len, InetAddress to) throws IOException {
    ensureOpen();
    byte[] sa = sockaddr(to);
    byte[] msg = len == buf.length ? buf : java.util.Arrays.copyOf(buf, len);
    while (true) {
      long n = Native.sendto(fd, msg, len, 0, sa);
      if (n >= 0) {
        return;
      }
      int errno = (int) -n;
      if (errno != Errno.EINTR) {
        throw Native.newIoException("sendto(" + InetText.format(to) + ")", errno, null);
      }
    }
  }

  /**
   * Waits up to {@code timeoutMs} for one ICMP message and copies it into {@code buf}; returns
   * where the ICMP message lies in it (the IPv4 header of a raw socket is skipped), or null on
   * timeout.
   */
  public Received receive(byte[] buf, long timeoutMs) throws IOException {
    ensureOpen();
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (true) {
      long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
      ByteBuffer p = ByteBuffer.wrap(pollfd).order(ByteOrder.nativeOrder());
      p.putInt(0, fd).putShort(4, Native.POLLIN).putShort(6, (short) 0);
      int r = Native.poll(pollfd, 1, (int) Math.min(Integer.MAX_VALUE, left));
      if (r < 0) {
        if (-r == Errno.EINTR) {
          continue;
        }
        throw Native.newIoException("poll", -r, null);
      }
      if (r == 0) {
        return null;
      }
      fromLen[0] = from.length;
      long n = Native.recvfrom(fd, buf, buf.length, 0, from, fromLen);
      if (n < 0) {
        int errno = (int) -n;
        if (errno == Errno.EINTR || errno == Errno.EAGAIN) {
          continue;
        }
        throw Native.newIoException("recvfrom", errno, null);
      }
      InetAddress src = fromSockaddr();
      int off = 0;
      int ttl = -1;
      if (kind == Kind.RAW && !ipv6) {
        if (n < 20) {
          continue;
        }
        off = (buf[0] & 0x0f) * 4;
        ttl = buf[8] & 0xff;
        if (off < 20 || off > n) {
          continue;
        }
      }
      return new Received(src, off, (int) n - off, ttl);
    }
  }

  private byte[] sockaddr(InetAddress to) {
    ByteBuffer b;
    if (ipv6) {
      if (!(to instanceof Inet6Address a6)) {
        throw new IllegalArgumentException("IPv4 destination on an ICMPv6 socket: " + to);
      }
      // struct sockaddr_in6 { u16 family; u16 port; u32 flowinfo; u8 addr[16]; u32 scope_id; }
      b = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder());
      b.putShort(0, (short) Native.AF_INET6);
      b.position(8);
      b.put(a6.getAddress());
      b.putInt(24, a6.getScopeId());
    } else {
      if (!(to instanceof Inet4Address)) {
        throw new IllegalArgumentException("IPv6 destination on an ICMP socket: " + to);
      }
      // struct sockaddr_in { u16 family; u16 port; u8 addr[4]; u8 zero[8]; }
      b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
      b.putShort(0, (short) Native.AF_INET);
      b.position(4);
      b.put(to.getAddress());
    }
    return b.array();
  }

  private InetAddress fromSockaddr() throws UnknownHostException {
    return ipv6
        ? InetAddress.getByAddress(java.util.Arrays.copyOfRange(from, 8, 24))
        : InetAddress.getByAddress(java.util.Arrays.copyOfRange(from, 4, 8));
  }

  private void ensureOpen() throws IOException {
    if (fd < 0) {
      throw new IOException("ICMP socket closed");
    }
  }

  @Override
  public void close() {
    if (fd >= 0) {
      int closing = fd;
      fd = -1;
      try {
        Native.close(closing);
      } catch (NativeIoException e) {
        // the fd is released whatever close(2) reports; nothing was pending on it
      }
    }
  }
}
