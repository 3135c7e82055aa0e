package org.meshsec.lab.tools;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * An ICMP (or ICMPv6) socket through jnr-ffi, since the JDK has none: the native facade of {@link
 * Ping}. Every failing call throws an {@link IOException} naming the syscall and errno.
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

  /** The libc calls used. */
  public interface LibC {
    int socket(int domain, int type, int protocol);

    long sendto(int fd, @In byte[] buf, long len, int flags, @In byte[] addr, int addrLen);

    long recvfrom(int fd, @Out byte[] buf, long len, int flags, @Out byte[] addr, int[] addrLen);

    int poll(byte[] fds, long nfds, int timeoutMs);

    int close(int fd);
  }

  private static final class Holder {
    static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
  }

  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_RAW = 3;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int IPPROTO_ICMP = 1;
  private static final int IPPROTO_ICMPV6 = 58;
  private static final short POLLIN = 1;
  private static final int MSG_DONTWAIT = 0x40;
  private static final int EPERM = 1;
  private static final int EINTR = 4;
  private static final int EAGAIN = 11;
  private static final int EACCES = 13;

  /**
   * A received ICMP message.
   *
   * @param from its source address
   * @param offset where the ICMP message starts in the buffer
   * @param length its length
   * @param ttl the TTL from the IPv4 header (raw IPv4 sockets only), else -1
   */
  public record Received(InetAddress from, int offset, int length, int ttl) {}

  private final LibC libc;
  private final boolean ipv6;
  private final Kind kind;
  private int fd;
  private final byte[] pollfd = new byte[8];
  private final byte[] from = new byte[28];
  private final int[] fromLen = new int[1];

  private IcmpSocket(LibC libc, int fd, boolean ipv6, Kind kind) {
    this.libc = libc;
    this.fd = fd;
    this.ipv6 = ipv6;
    this.kind = kind;
    // The first call through each jnr stub links it (tens of ms); do that now, not inside the
    // first round-trip time measured. Nothing of ours can be queued yet.
    ByteBuffer.wrap(pollfd).order(ByteOrder.nativeOrder()).putInt(0, fd).putShort(4, POLLIN);
    libc.poll(pollfd, 1, 0);
    fromLen[0] = from.length;
    libc.recvfrom(fd, new byte[1], 1, MSG_DONTWAIT, from, fromLen);
  }

  /**
   * Opens an ICMP socket for IPv4 or IPv6. With {@link Mode#AUTO}, a ping socket refused with
   * EACCES or EPERM falls back to a raw socket.
   */
  public static IcmpSocket open(boolean ipv6, Mode mode) throws IOException {
    LibC libc = Holder.LIBC;
    int domain = ipv6 ? AF_INET6 : AF_INET;
    int proto = ipv6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
    String fam = ipv6 ? "AF_INET6" : "AF_INET";
    String pro = ipv6 ? "IPPROTO_ICMPV6" : "IPPROTO_ICMP";
    IOException dgramFailure = null;
    if (mode != Mode.RAW) {
      int fd = libc.socket(domain, SOCK_DGRAM | SOCK_CLOEXEC, proto);
      if (fd >= 0) {
        return new IcmpSocket(libc, fd, ipv6, Kind.DGRAM);
      }
      int errno = errno();
      dgramFailure =
          error("socket(" + fam + ", SOCK_DGRAM, " + pro + ")", errno, pingSocketHint(errno));
      if (mode == Mode.DGRAM || (errno != EACCES && errno != EPERM)) {
        throw dgramFailure;
      }
    }
    int fd = libc.socket(domain, SOCK_RAW | SOCK_CLOEXEC, proto);
    if (fd < 0) {
      IOException e = error("socket(" + fam + ", SOCK_RAW, " + pro + ")", errno(), "");
      if (dgramFailure != null) {
        e.addSuppressed(dgramFailure);
      }
      throw e;
    }
    return new IcmpSocket(libc, fd, ipv6, Kind.RAW);
  }

  private static String pingSocketHint(int errno) {
    return errno == EACCES
        ? " (ping sockets need the group in net.ipv4.ping_group_range of this namespace)"
        : "";
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
      long n = libc.sendto(fd, msg, len, 0, sa, sa.length);
      if (n >= 0) {
        return;
      }
      int errno = errno();
      if (errno != EINTR) {
        throw error("sendto(" + to.getHostAddress() + ")", errno, "");
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
      p.putInt(0, fd).putShort(4, POLLIN).putShort(6, (short) 0);
      int r = libc.poll(pollfd, 1, (int) Math.min(Integer.MAX_VALUE, left));
      if (r < 0) {
        int errno = errno();
        if (errno == EINTR) {
          continue;
        }
        throw error("poll", errno, "");
      }
      if (r == 0) {
        return null;
      }
      fromLen[0] = from.length;
      long n = libc.recvfrom(fd, buf, buf.length, 0, from, fromLen);
      if (n < 0) {
        int errno = errno();
        if (errno == EINTR || errno == EAGAIN) {
          continue;
        }
        throw error("recvfrom", errno, "");
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
      b.putShort(0, (short) AF_INET6);
      b.position(8);
      b.put(a6.getAddress());
      b.putInt(24, a6.getScopeId());
    } else {
      if (!(to instanceof Inet4Address)) {
        throw new IllegalArgumentException("IPv6 destination on an ICMP socket: " + to);
      }
      // struct sockaddr_in { u16 family; u16 port; u8 addr[4]; u8 zero[8]; }
      b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
      b.putShort(0, (short) AF_INET);
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
      libc.close(fd);
      fd = -1;
    }
  }

  private static int errno() {
    return Runtime.getSystemRuntime().getLastError();
  }

  private static IOException error(String call, int errno, String hint) {
    return new IOException(call + " failed: " + errnoName(errno) + hint);
  }

  static String errnoName(int errno) {
    String name =
        switch (errno) {
          case 1 -> "EPERM";
          case 4 -> "EINTR";
          case 9 -> "EBADF";
          case 11 -> "EAGAIN";
          case 13 -> "EACCES";
          case 22 -> "EINVAL";
          case 24 -> "EMFILE";
          case 90 -> "EMSGSIZE";
          case 93 -> "EPROTONOSUPPORT";
          case 97 -> "EAFNOSUPPORT";
          case 100 -> "ENETDOWN";
          case 101 -> "ENETUNREACH";
          case 105 -> "ENOBUFS";
          case 111 -> "ECONNREFUSED";
          case 113 -> "EHOSTUNREACH";
          default -> null;
        };
    return name == null ? "errno " + errno : name + " (errno " + errno + ")";
  }
}
