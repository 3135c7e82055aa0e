package org.meshsec.tun;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import jnr.ffi.types.u_int64_t;
import jnr.ffi.types.uintptr_t;

/**
 * The one facade over the C library for meshsec (open, close, read, write, ioctl, poll, fcntl,
 * socket, bind, connect, getsockopt, sendto, recvfrom, strerror), in the manner of Netty's {@code
 * epoll/Native.java}. The TUN device uses all of it; other modules use its public part: sockets the
 * JDK cannot open (AF_UNIX datagrams for sd_notify(3), ICMP echo sockets, AF_PACKET capture)
 * through {@link #socket}, {@link #sendto}, {@link #recvfrom}, {@link #poll(byte[], int, int)} and
 * {@link #close}, with the constants of their arguments below. The TUN ioctls and {@code struct
 * ifreq} helpers stay private to this package.
 *
 * <p>Two kinds of methods:
 *
 * <ul>
 *   <li>control-path calls ({@link #open}, {@link #close}, {@link #ioctl}, {@link #fcntl}, {@link
 *       #socket}) throw {@link NativeIoException} naming the syscall and errno;
 *   <li>data-path calls ({@link #read}, {@link #write}, {@link #poll}) return the C result, or
 *       {@code -errno} on failure, so that EAGAIN costs no exception; turn a negative result into
 *       an exception with {@link #newIoException} where it is an error.
 * </ul>
 *
 * <p>Stateless apart from the loaded library; thread-safe (errno is saved per thread by jnr-ffi).
 * Linux only; constants are the x86_64/aarch64 (asm-generic) values.
 */
public final class Native {

  /**
   * The C functions bound by jnr-ffi. Public only because jnr-ffi generates its implementation in
   * another class loader; not part of this module's API.
   */
  public interface LibC {
    @SaveError
    int open(@In String path, int flags);

    @SaveError
    int close(int fd);

    @SaveError
    @ssize_t
    long read(int fd, @uintptr_t long buf, @size_t long count);

    @SaveError
    @ssize_t
    long read(int fd, @Out ByteBuffer buf, @size_t long count);

    @SaveError
    @ssize_t
    long write(int fd, @uintptr_t long buf, @size_t long count);

    @SaveError
    @ssize_t
    long write(int fd, @In ByteBuffer buf, @size_t long count);

    @SaveError
    int ioctl(int fd, @u_int64_t long request, Pointer arg);

    /** For requests whose argument is a value, not a pointer (TUNSETOFFLOAD). */
    @SaveError
    int ioctl(int fd, @u_int64_t long request, @u_int64_t long arg);

    @SaveError
    int poll(Pointer fds, @u_int64_t long nfds, int timeoutMillis);

    @SaveError
    int fcntl(int fd, int cmd, int arg);

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    @ssize_t
    long sendto(int fd, @In byte[] buf, @size_t long len, int flags, @In byte[] addr, int addrLen);

    @SaveError
    @ssize_t
    long recvfrom(
        int fd, @Out byte[] buf, @size_t long len, int flags, @Out byte[] addr, int[] addrLen);

    @SaveError
    int poll(byte[] fds, @u_int64_t long nfds, int timeoutMillis);

    @SaveError
    int connect(int fd, @In byte[] addr, int addrLen);

    @SaveError
    int bind(int fd, @In byte[] addr, int addrLen);

    @SaveError
    int getsockopt(int fd, int level, int optname, @Out byte[] optval, int[] optlen);

    String strerror(int errnum);
  }

  // <fcntl.h>
  static final int O_RDWR = 02;
  static final int O_NONBLOCK = 04000;
  static final int O_CLOEXEC = 02000000;
  static final int F_GETFL = 3;
  static final int F_SETFL = 4;

  // <sys/socket.h>, <netinet/in.h>, <linux/if_ether.h>
  public static final int AF_UNIX = 1;
  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;
  public static final int AF_PACKET = 17;
  public static final int SOCK_STREAM = 1;
  public static final int SOCK_DGRAM = 2;
  public static final int SOCK_RAW = 3;
  public static final int SOCK_CLOEXEC = O_CLOEXEC;
  public static final int SOCK_NONBLOCK = O_NONBLOCK;
  public static final int SOL_SOCKET = 1;
  public static final int SO_PEERCRED = 17;

  /** {@code sizeof(struct ucred)}: {@code pid_t pid; uid_t uid; gid_t gid;}. */
  public static final int UCRED_SIZE = 12;

  /** {@code sizeof(sun_path)} in {@code struct sockaddr_un}. */
  public static final int SUN_PATH_MAX = 108;

  public static final int MSG_DONTWAIT = 0x40;
  public static final int IPPROTO_ICMP = 1;
  public static final int IPPROTO_ICMPV6 = 58;

  /** {@code htons(ETH_P_ALL)}: every protocol, as the protocol argument of an AF_PACKET socket. */
  public static final int ETH_P_ALL_BE = 0x0300;

  // <poll.h>
  public static final short POLLIN = 0x001;
  static final short POLLERR = 0x008;
  static final short POLLHUP = 0x010;
  static final short POLLNVAL = 0x020;
  public static final int POLLFD_SIZE = 8; // struct pollfd { int fd; short events; short revents; }

  // <linux/if.h>: struct ifreq is 40 bytes on LP64: char ifr_name[16]; then a union.
  static final int IFNAMSIZ = 16;
  static final int IFREQ_SIZE = 40;
  static final int IFREQ_UNION_OFFSET = 16;
  static final long SIOCGIFMTU = 0x8921;

  // <linux/if_tun.h>
  static final long TUNSETIFF = 0x400454caL; // _IOW('T', 202, int)
  static final short IFF_TUN = 0x0001;
  static final short IFF_MULTI_QUEUE = 0x0100;
  static final short IFF_NO_PI = 0x1000;
  static final short IFF_TUN_EXCL = (short) 0x8000;
  static final short IFF_VNET_HDR = 0x4000;

  // TUN offloads (<linux/if_tun.h>): TUNSETOFFLOAD takes the TUN_F_* bits by value.
  static final long TUNSETOFFLOAD = 0x400454d0L; // _IOW('T', 208, unsigned int)
  static final int TUN_F_CSUM = 0x01;
  static final int TUN_F_TSO4 = 0x02;
  static final int TUN_F_TSO6 = 0x04;
  static final int TUN_F_USO4 = 0x20;
  static final int TUN_F_USO6 = 0x40;

  static final LibC LIBC;
  static final Runtime RUNTIME;

  static {
    LIBC =
        LibraryLoader.create(LibC.class)
            .load(Platform.getNativePlatform().getStandardCLibraryName());
    RUNTIME = Runtime.getRuntime(LIBC);
  }

  private Native() {}

  /** errno saved by the last {@link LibC} call on this thread. */
  public static int errno() {
    return RUNTIME.getLastError();
  }

  /** The C library's description of {@code errno}, or null if unavailable. */
  public static String strerror(int errno) {
    try {
      return LIBC.strerror(errno);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** An exception for {@code syscall} failing with positive {@code errno}; hint may be null. */
  public static NativeIoException newIoException(String syscall, int errno, String hint) {
    return new NativeIoException(syscall, errno, strerror(errno), hint);
  }

  /** {@code open(path, flags)}; returns the fd. Retries on EINTR. */
  static int open(String path, int flags) throws NativeIoException {
    for (; ; ) {
      int fd = LIBC.open(path, flags);
      if (fd >= 0) {
        return fd;
      }
      int err = errno();
      if (err != Errno.EINTR) {
        throw newIoException("open(" + path + ")", err, null);
      }
    }
  }

  /** {@code close(fd)}. EINTR is not retried (Linux releases the fd regardless). */
  public static void close(int fd) throws NativeIoException {
    if (LIBC.close(fd) < 0) {
      int err = errno();
      if (err != Errno.EINTR) {
        throw newIoException("close(" + fd + ")", err, null);
      }
    }
  }

  /** {@code ioctl(fd, request, arg)}; {@code name} labels the request in an exception. */
  static int ioctl(int fd, long request, String name, Pointer arg) throws NativeIoException {
    int res = LIBC.ioctl(fd, request, arg);
    if (res < 0) {
      throw newIoException("ioctl(" + name + ")", errno(), null);
    }
    return res;
  }

  /** Like {@link #ioctl} but returns {@code -errno} instead of throwing. */
  static int ioctlRaw(int fd, long request, Pointer arg) {
    int res = LIBC.ioctl(fd, request, arg);
    return res < 0 ? -errno() : res;
  }

  /** {@code ioctl(fd, request, value)} for a by-value argument: the result, or {@code -errno}. */
  static int ioctlValueRaw(int fd, long request, long value) {
    int res = LIBC.ioctl(fd, request, value);
    return res < 0 ? -errno() : res;
  }

  /** {@code fcntl(fd, cmd, arg)}; {@code name} labels the command in an exception. */
  static int fcntl(int fd, int cmd, String name, int arg) throws NativeIoException {
    int res = LIBC.fcntl(fd, cmd, arg);
    if (res < 0) {
      throw newIoException("fcntl(" + name + ")", errno(), null);
    }
    return res;
  }

  /** {@code socket(domain, type, protocol)}; returns the fd. */
  public static int socket(int domain, int type, int protocol) throws NativeIoException {
    int fd = LIBC.socket(domain, type, protocol);
    if (fd < 0) {
      throw newIoException("socket", errno(), null);
    }
    return fd;
  }

  /**
   * {@code read(fd, address, length)}: bytes read (0 at end of file), or {@code -errno}. The caller
   * guarantees {@code [address, address + length)} is writable native memory.
   */
  static long read(int fd, long address, int length) {
    long n = LIBC.read(fd, address, length);
    return n < 0 ? -errno() : n;
  }

  /**
   * {@code read(fd, buffer, length)} into the buffer from its position, for direct buffers whose
   * native address Netty does not expose: bytes read, or {@code -errno}.
   */
  static long read(int fd, ByteBuffer buffer, int length) {
    long n = LIBC.read(fd, buffer, length);
    return n < 0 ? -errno() : n;
  }

  /** {@code write(fd, address, length)}: bytes written, or {@code -errno}. */
  static long write(int fd, long address, int length) {
    long n = LIBC.write(fd, address, length);
    return n < 0 ? -errno() : n;
  }

  /**
   * {@code write(fd, buffer, length)} from the buffer's position, for buffers without a native
   * address (heap buffers are copied by jnr-ffi): bytes written, or {@code -errno}.
   */
  static long write(int fd, ByteBuffer buffer, int length) {
    long n = LIBC.write(fd, buffer, length);
    return n < 0 ? -errno() : n;
  }

  /** {@code poll(fds, nfds, timeout)}: number of ready fds, 0 on timeout, or {@code -errno}. */
  static int poll(Pointer fds, int nfds, int timeoutMillis) {
    int n = LIBC.poll(fds, nfds, timeoutMillis);
    return n < 0 ? -errno() : n;
  }

  /**
   * {@code sendto(fd, buf, len, flags, addr, addr.length)} with {@code addr} an encoded {@code
   * struct sockaddr}: bytes sent, or {@code -errno}.
   */
  public static long sendto(int fd, byte[] buf, int len, int flags, byte[] addr) {
    long n = LIBC.sendto(fd, buf, len, flags, addr, addr.length);
    return n < 0 ? -errno() : n;
  }

  /**
   * {@code recvfrom(fd, buf, len, flags, addr, addrLen)}: bytes received, or {@code -errno}. {@code
   * addr} receives the sender's {@code struct sockaddr}; {@code addrLen[0]} holds its capacity on
   * entry and its length on return.
   */
  public static long recvfrom(int fd, byte[] buf, int len, int flags, byte[] addr, int[] addrLen) {
    long n = LIBC.recvfrom(fd, buf, len, flags, addr, addrLen);
    return n < 0 ? -errno() : n;
  }

  /**
   * {@code connect(fd, addr, addr.length)} with {@code addr} an encoded {@code struct sockaddr}: 0,
   * or {@code -errno} (ECONNREFUSED, ENOENT and EAGAIN are answers, not failures, for a caller
   * probing a Unix socket).
   */
  public static int connect(int fd, byte[] addr) {
    for (; ; ) {
      int res = LIBC.connect(fd, addr, addr.length);
      if (res == 0) {
        return 0;
      }
      int err = errno();
      if (err != Errno.EINTR) {
        return -err;
      }
    }
  }

  /** {@code bind(fd, addr, addr.length)} with {@code addr} an encoded {@code struct sockaddr}. */
  public static void bind(int fd, byte[] addr, String name) throws NativeIoException {
    if (LIBC.bind(fd, addr, addr.length) < 0) {
      throw newIoException("bind(" + name + ")", errno(), null);
    }
  }

  /**
   * {@code getsockopt(fd, level, optname, value, &len)} with {@code value.length} as the capacity:
   * the option's length.
   */
  public static int getsockopt(int fd, int level, int optname, byte[] value, String name)
      throws NativeIoException {
    int[] len = {value.length};
    if (LIBC.getsockopt(fd, level, optname, value, len) < 0) {
      throw newIoException("getsockopt(" + name + ")", errno(), null);
    }
    return len[0];
  }

  /**
   * An encoded {@code struct sockaddr_un} for {@code name}: a file system path, or an abstract name
   * when it starts with {@code @} (Linux; the {@code @} becomes the leading NUL byte). Host byte
   * order (little-endian) family.
   *
   * @throws IllegalArgumentException when the name is empty or does not fit in {@code sun_path}
   */
  public static byte[] sockaddrUn(String name) {
    byte[] path = name.getBytes(StandardCharsets.UTF_8);
    if (path.length == 0 || path.length >= SUN_PATH_MAX) {
      throw new IllegalArgumentException(
          "a Unix socket name has 1.." + (SUN_PATH_MAX - 1) + " bytes, not " + path.length);
    }
    boolean abstractName = path[0] == '@';
    if (abstractName) {
      path[0] = 0;
    }
    byte[] addr = new byte[2 + path.length + (abstractName ? 0 : 1)];
    addr[0] = (byte) AF_UNIX;
    System.arraycopy(path, 0, addr, 2, path.length);
    return addr;
  }

  /**
   * {@code poll(fds, nfds, timeout)} over an array of {@code struct pollfd} ({@link #POLLFD_SIZE}
   * bytes each, host byte order) in Java memory: number of ready fds, 0 on timeout, or {@code
   * -errno}.
   */
  public static int poll(byte[] fds, int nfds, int timeoutMillis) {
    int n = LIBC.poll(fds, nfds, timeoutMillis);
    return n < 0 ? -errno() : n;
  }

  /** A zeroed {@code struct ifreq} holding {@code name}. */
  static Pointer newIfreq(String name) {
    Pointer ifr = Memory.allocateDirect(RUNTIME, IFREQ_SIZE, true);
    byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
    ifr.put(0, bytes, 0, Math.min(bytes.length, IFNAMSIZ - 1));
    return ifr;
  }

  /** The NUL-terminated interface name at the start of {@code ifr}. */
  static String ifreqName(Pointer ifr) {
    byte[] bytes = new byte[IFNAMSIZ];
    ifr.get(0, bytes, 0, IFNAMSIZ);
    int len = 0;
    while (len < IFNAMSIZ && bytes[len] != 0) {
      len++;
    }
    return new String(bytes, 0, len, StandardCharsets.US_ASCII);
  }

  /** A zeroed array of {@code n} {@code struct pollfd}. */
  static Pointer newPollfds(int n) {
    return Memory.allocateDirect(RUNTIME, POLLFD_SIZE * n, true);
  }
}
