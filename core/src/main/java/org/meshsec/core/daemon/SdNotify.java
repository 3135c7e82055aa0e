package org.meshsec.core.daemon;

import java.nio.charset.StandardCharsets;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's readiness protocol (sd_notify(3)): a datagram such as {@code READY=1} sent to the
 * AF_UNIX socket named by {@code $NOTIFY_SOCKET} (a path, or an abstract name starting with
 * {@code @}). Used with {@code Type=notify} in the unit file: READY=1 once the data path is up,
 * STOPPING=1 at shutdown, RELOADING=1 / READY=1 around a reload.
 *
 * <p>The JDK cannot send AF_UNIX datagrams, so this is one socket(2) + sendto(2) through jnr-ffi.
 * Does nothing when {@code NOTIFY_SOCKET} is unset (not started by systemd). Thread-safe: each call
 * opens and closes its own socket.
 */
public final class SdNotify {
  private static final Logger log = LoggerFactory.getLogger(SdNotify.class);
  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int SUN_PATH_MAX = 108;

  /** The libc calls used. */
  public interface LibC {
    int socket(int domain, int type, int protocol);

    long sendto(int fd, @In byte[] buf, long len, int flags, @In byte[] addr, int addrLen);

    int close(int fd);
  }

  private SdNotify() {}

  private static final class Holder {
    static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
  }

  /** Sends {@code state} (e.g. "READY=1") if running under systemd; returns whether it was sent. */
  public static boolean notify(String state) {
    return notify(System.getenv("NOTIFY_SOCKET"), state);
  }

  /** Sends {@code state} to the given socket name; null or empty means "not under systemd". */
  public static boolean notify(String socketName, String state) {
    if (socketName == null || socketName.isEmpty()) {
      return false;
    }
    byte[] name = socketName.getBytes(StandardCharsets.UTF_8);
    if (name.length >= SUN_PATH_MAX) {
      log.warn("NOTIFY_SOCKET name too long; not notifying systemd");
      return false;
    }
    if (name[0] == '@') {
      name[0] = 0; // abstract namespace
    }
    // struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; } (little-endian family)
    byte[] addr = new byte[2 + name.length + (name[0] == 0 ? 0 : 1)];
    addr[0] = (byte) AF_UNIX;
    System.arraycopy(name, 0, addr, 2, name.length);
    LibC libc = Holder.LIBC;
    int fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      log.warn("sd_notify: socket() failed, errno {}", Runtime.getSystemRuntime().getLastError());
      return false;
    }
    try {
      byte[] msg = state.getBytes(StandardCharsets.UTF_8);
      long n = libc.sendto(fd, msg, msg.length, 0, addr, addr.length);
      if (n < 0) {
        log.warn(
            "sd_notify: sendto({}) failed, errno {}",
            socketName,
            Runtime.getSystemRuntime().getLastError());
        return false;
      }
      return true;
    } finally {
      libc.close(fd);
    }
  }
}
