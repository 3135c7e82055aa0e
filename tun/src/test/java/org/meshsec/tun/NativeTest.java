package org.meshsec.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native facade against ordinary files; needs no privileges. */
class NativeTest {

  @Test
  void failedOpenNamesSyscallPathAndErrno(@TempDir Path dir) {
    String path = dir.resolve("absent").toString();
    NativeIoException e = assertThrows(NativeIoException.class, () -> Native.open(path, 0));
    assertEquals(Errno.ENOENT, e.errno());
    assertEquals("open(" + path + ")", e.syscall());
    assertTrue(
        e.getMessage().startsWith("open(" + path + ") failed: ENOENT (2): "), e.getMessage());
  }

  @Test
  void messageShapeWithHint() {
    NativeIoException e =
        new NativeIoException("ioctl(TUNSETIFF)", 1, "Operation not permitted", "grant it");
    assertEquals(
        "ioctl(TUNSETIFF) failed: EPERM (1): Operation not permitted -- grant it", e.getMessage());
    assertEquals(
        "ioctl(X) failed: errno 4095",
        new NativeIoException("ioctl(X)", 4095, null, null).getMessage());
  }

  @Test
  void strerrorComesFromLibc() {
    assertEquals("Operation not permitted", Native.strerror(Errno.EPERM));
  }

  @Test
  void readAndWriteThroughMemoryAddresses() throws Exception {
    ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.directBuffer(64);
    int zero = Native.open("/dev/zero", Native.O_RDWR | Native.O_CLOEXEC);
    int nul = Native.open("/dev/null", Native.O_RDWR | Native.O_NONBLOCK | Native.O_CLOEXEC);
    try {
      buf.writeBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
      assertTrue(buf.hasMemoryAddress());
      assertEquals(5, Native.read(zero, buf.memoryAddress() + 2, 5));
      assertEquals(1, buf.getByte(0));
      assertEquals(2, buf.getByte(1));
      for (int i = 2; i < 7; i++) {
        assertEquals(0, buf.getByte(i), "byte " + i);
      }
      assertEquals(8, buf.getByte(7));
      assertEquals(8, Native.write(nul, buf.memoryAddress(), 8));
      assertEquals(3, Native.write(nul, ByteBuffer.wrap(new byte[] {1, 2, 3}), 3));
      ByteBuffer direct = ByteBuffer.allocateDirect(4);
      direct.put(0, (byte) 9);
      assertEquals(4, Native.read(zero, direct, 4));
      assertEquals(0, direct.get(0));

      int flags = Native.fcntl(nul, Native.F_GETFL, "F_GETFL", 0);
      assertEquals(Native.O_NONBLOCK, flags & Native.O_NONBLOCK);
      assertEquals(0, Native.fcntl(zero, Native.F_GETFL, "F_GETFL", 0) & Native.O_NONBLOCK);

      Pointer pfd = Native.newPollfds(1);
      pfd.putInt(0, zero);
      pfd.putShort(4, Native.POLLIN);
      assertEquals(1, Native.poll(pfd, 1, 0));
      assertEquals(Native.POLLIN, pfd.getShort(6) & Native.POLLIN);
    } finally {
      Native.close(zero);
      Native.close(nul);
      buf.release();
    }
    assertEquals(-Errno.EBADF, Native.read(zero, 0L, 0));
    NativeIoException e = assertThrows(NativeIoException.class, () -> Native.close(nul));
    assertEquals("close(" + nul + ") failed: EBADF (9): Bad file descriptor", e.getMessage());
  }

  @Test
  void ioctlFailureNamesTheRequest() throws Exception {
    int nul = Native.open("/dev/null", Native.O_RDWR | Native.O_CLOEXEC);
    try {
      NativeIoException e =
          assertThrows(
              NativeIoException.class,
              () -> Native.ioctl(nul, Native.TUNSETIFF, "TUNSETIFF", Native.newIfreq("x")));
      assertEquals(Errno.ENOTTY, e.errno());
      assertTrue(e.getMessage().startsWith("ioctl(TUNSETIFF) failed: ENOTTY (25)"), e.getMessage());
    } finally {
      Native.close(nul);
    }
  }

  @Test
  void ifreqNameRoundTrip() {
    Pointer ifr = Native.newIfreq("meshsec%d");
    assertEquals("meshsec%d", Native.ifreqName(ifr));
    assertEquals(0, ifr.getShort(Native.IFREQ_UNION_OFFSET));
  }

  @Test
  void socketCallsForOtherModules() throws Exception {
    int fd = Native.socket(Native.AF_INET, Native.SOCK_DGRAM | Native.SOCK_CLOEXEC, 0);
    try {
      // struct sockaddr_in for 127.0.0.1:9 (discard): family (host order), port and address (BE)
      byte[] to = {(byte) Native.AF_INET, 0, 0, 9, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
      byte[] msg = {1, 2, 3};
      assertEquals(3, Native.sendto(fd, msg, msg.length, 0, to));
      byte[] pollfd = new byte[Native.POLLFD_SIZE];
      pollfd[0] = (byte) fd;
      pollfd[1] = (byte) (fd >>> 8);
      pollfd[4] = (byte) Native.POLLIN;
      assertTrue(Native.poll(pollfd, 1, 0) >= 0);
      byte[] from = new byte[16];
      long n = Native.recvfrom(fd, new byte[8], 8, Native.MSG_DONTWAIT, from, new int[] {16});
      // nothing to read, or the ICMP port-unreachable reported as ECONNREFUSED
      assertTrue(n == -Errno.EAGAIN || n == -111, Long.toString(n));
    } finally {
      Native.close(fd);
    }
  }
}
