package org.meshsec.core.daemon;

import java.nio.charset.StandardCharsets;
import org.meshsec.tun.Errno;
import org.meshsec.tun.Native;
import org.meshsec.tun.NativeIoException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's readiness protocol (sd_notify(3)): a datagram such as {@code READY=1} sent to the
 * AF_UNIX socket named by {@code $NOTIFY_SOCKET} (a path, or an abstract name starting with
 * {@code @}). Used with {@code Type=notify} in the unit file: READY=1 once the data path is up,
 * STOPPING=1 at shutdown, RELOADING=1 / READY=1 around a reload.
 *
 * <p>The JDK cannot send AF_UNIX datagrams, so this is one socket(2) + sendto(2) through tun's libc
 * facade ({@link Native}). Does nothing when {@code NOTIFY_SOCKET} is unset (not started by
 * systemd). Thread-safe: each call opens and closes its own socket.
 */
public final class SdNotify {
  private static final Logger log = LoggerFactory.getLogger(SdNotify.class);

  private SdNotify() {}

  /** Sends {@code state} (e.g. "READY=1") if running under systemd; returns whether it was sent. */
  public static boolean notify(String state) {
    return notify(System.getenv("NOTIFY_SOCKET"), state);
  }

  /** Sends {@code state} to the given socket name; null or empty means "not under systemd". */
  public static boolean notify(String socketName, String state) {
    if (socketName == null || socketName.isEmpty()) {
      return false;
    }
    byte[] addr;
    try {
      addr = Native.sockaddrUn(socketName);
    } catch (IllegalArgumentException e) {
      log.warn("NOTIFY_SOCKET: {}; not notifying systemd", e.getMessage());
      return false;
    }
    int fd;
    try {
      fd = Native.socket(Native.AF_UNIX, Native.SOCK_DGRAM | Native.SOCK_CLOEXEC, 0);
    } catch (NativeIoException e) {
      log.warn("sd_notify: {}", e.getMessage());
      return false;
    }
    try {
      byte[] msg = state.getBytes(StandardCharsets.UTF_8);
      // Never block: the watchdog pings come from the packet event loop, and a receiver that
      // does not read (its queue full) must cost a lost notification, not a stalled loop.
      long n = Native.sendto(fd, msg, msg.length, Native.MSG_DONTWAIT, addr);
      if (n == -Errno.EAGAIN) {
        log.debug("sd_notify: {} dropped, the receiver's queue is full", state);
        return false;
      }
      if (n < 0) {
        log.warn(
            "sd_notify: {}",
            Native.newIoException("sendto(" + socketName + ")", (int) -n, null).getMessage());
        return false;
      }
      return true;
    } finally {
      try {
        Native.close(fd);
      } catch (NativeIoException e) {
        log.debug("sd_notify: {}", e.getMessage());
      }
    }
  }
}
