package org.meshsec.tun;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * Preconditions and unique names for tests against the real kernel. When the environment variable
 * CI is "true" a missing precondition fails the test (a test that skips itself in CI is not a
 * test); elsewhere it skips it.
 */
final class KernelTestSupport {
  private static final int CAP_NET_ADMIN = 12;

  private KernelTestSupport() {}

  /** Requires /dev/net/tun, CAP_NET_ADMIN and iproute2. */
  static void requireTunAndNetAdmin() {
    String missing = missingPrecondition();
    if (missing == null) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("kernel TUN test cannot run in CI: " + missing);
    }
    Assumptions.abort("kernel TUN test skipped: " + missing);
  }

  private static String missingPrecondition() {
    if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
      return "not Linux";
    }
    if (!Files.exists(Path.of("/dev/net/tun"))) {
      return "/dev/net/tun is missing (modprobe tun, or pass the device into the container)";
    }
    if (!hasNetAdmin()) {
      return "the process lacks CAP_NET_ADMIN (run as root)";
    }
    if (!ipWorks()) {
      return "iproute2 `ip` is not on the PATH";
    }
    return null;
  }

  private static boolean hasNetAdmin() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("CapEff:")) {
          long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
          return (caps & (1L << CAP_NET_ADMIN)) != 0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return false;
    }
    return false;
  }

  private static boolean ipWorks() {
    try {
      Process p =
          new ProcessBuilder(List.of("ip", "-V"))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A fresh interface name, "mst" + 8 hex digits (11 bytes, under IFNAMSIZ). */
  static String uniqueName() {
    byte[] r = new byte[4];
    ThreadLocalRandom.current().nextBytes(r);
    return "mst" + HexFormat.of().formatHex(r);
  }

  /** A random 10.x.y.0/24 (x in 100..199) unlikely to collide with other tests. */
  static byte[] randomNet4() {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    return new byte[] {10, (byte) (100 + rnd.nextInt(100)), (byte) rnd.nextInt(256), 0};
  }

  static InetAddress host4(byte[] net, int host) throws IOException {
    byte[] a = net.clone();
    a[3] = (byte) host;
    return InetAddress.getByAddress(a);
  }

  /** A random ULA fdXX:XXXX:XXXX:XXXX::/64. */
  static byte[] randomNet6() {
    byte[] a = new byte[16];
    ThreadLocalRandom.current().nextBytes(a);
    a[0] = (byte) 0xfd;
    for (int i = 8; i < 16; i++) {
      a[i] = 0;
    }
    return a;
  }

  static InetAddress host6(byte[] net, int host) throws IOException {
    byte[] a = net.clone();
    a[15] = (byte) host;
    return InetAddress.getByAddress(a);
  }
}
