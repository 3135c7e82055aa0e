package org.meshsec.lab.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.meshsec.inet.InetText;
import org.meshsec.tun.Native;
import org.meshsec.tun.NativeIoException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code capture [-i DEV] [-n N] [-t seconds] [--marker TEXT]}: a minimal packet capture for hosts
 * without tcpdump, run inside a network namespace: reads IP packets from interface DEV (default:
 * every interface of the namespace) through an AF_PACKET socket (packet(7), SOCK_DGRAM, so the link
 * header is already removed) and prints one line per packet, decoding ESP in UDP (RFC 3948) on port
 * 4500:
 *
 * <pre>
 * 192.0.2.1:4500 &gt; 192.0.2.2:4500 UDP 1436 ESP spi=0x00001001 seq=7
 * 192.0.2.2 &gt; 192.0.2.1 proto 6 60
 * 12 packets: 12 ESP-in-UDP, 0 other; marker "HELLO" seen in 0
 * </pre>
 *
 * Stops after N packets (default 20) or the time limit (default 10 s). With {@code --marker}, it
 * also counts packets whose bytes contain the text (a plaintext leak) and exits 1 if any did. Needs
 * root (CAP_NET_RAW). Stateless.
 */
@Command(
    name = "capture",
    description =
        "Minimal packet capture (AF_PACKET, root): one line per IP packet, decoding ESP in UDP.")
public final class Capture extends Tool {
  public static final String USAGE = "capture [-i DEV] [-n N] [-t seconds] [--marker TEXT]";

  @Option(
      names = "-i",
      paramLabel = "DEV",
      description = "Interface to capture on (default: every interface of the namespace).")
  String dev;

  @Option(
      names = "-n",
      paramLabel = "N",
      defaultValue = "20",
      description = "Stop after N packets, 1..1000000 (default ${DEFAULT-VALUE}).")
  long limitOption;

  @Option(
      names = "-t",
      paramLabel = "seconds",
      defaultValue = "10",
      description = "Stop after this many seconds, 1..3600 (default ${DEFAULT-VALUE}).")
  long secondsOption;

  @Option(
      names = "--marker",
      paramLabel = "TEXT",
      description = "Count packets containing TEXT (a plaintext leak); exit 1 if any did.")
  String markerOption;

  Capture() {}

  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  public static int run(PrintStream out, PrintStream err, String... args) {
    return Tools.execute(new Capture(), out, err, args);
  }

  @Override
  public String synopsis() {
    return USAGE;
  }

  @Override
  int run(PrintWriter out, PrintWriter err) {
    int limit = (int) range("-n", limitOption, 1, 1_000_000);
    long seconds = range("-t", secondsOption, 1, 3600);
    byte[] marker = markerOption == null ? null : markerOption.getBytes(StandardCharsets.UTF_8);
    int ifindex = 0;
    if (dev != null) {
      try {
        ifindex =
            Integer.parseInt(
                java.nio.file.Files.readString(
                        java.nio.file.Path.of("/sys/class/net", dev, "ifindex"))
                    .trim());
      } catch (IOException | NumberFormatException e) {
        throw usage("no interface " + dev + " in this namespace");
      }
    }
    int fd;
    try {
      fd =
          Native.socket(
              Native.AF_PACKET, Native.SOCK_DGRAM | Native.SOCK_CLOEXEC, Native.ETH_P_ALL_BE);
    } catch (NativeIoException e) {
      err.println(
          "capture: "
              + Native.newIoException("socket(AF_PACKET)", e.errno(), "needs root or CAP_NET_RAW")
                  .getMessage());
      return Tool.FAILED;
    }
    int seen = 0;
    int esp = 0;
    int leaks = 0;
    try {
      byte[] buf = new byte[65536];
      byte[] from = new byte[32];
      int[] fromLen = new int[1];
      byte[] pollfd = new byte[Native.POLLFD_SIZE];
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      while (seen < limit) {
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          break;
        }
        ByteBuffer p = ByteBuffer.wrap(pollfd).order(ByteOrder.nativeOrder());
        p.putInt(0, fd).putShort(4, Native.POLLIN).putShort(6, (short) 0);
        if (Native.poll(pollfd, 1, (int) left) <= 0) {
          continue;
        }
        fromLen[0] = from.length;
        long n = Native.recvfrom(fd, buf, buf.length, 0, from, fromLen);
        if (n <= 0) {
          continue;
        }
        // sockaddr_ll: sll_ifindex (int, host order) at offset 4, sll_pkttype at offset 10;
        // PACKET_OUTGOING (4) copies would double count
        int idx = ByteBuffer.wrap(from).order(ByteOrder.nativeOrder()).getInt(4);
        if ((from[10] & 0xFF) == 4 || (ifindex != 0 && idx != ifindex)) {
          continue;
        }
        seen++;
        String line = describe(buf, (int) n);
        if (line.contains(" ESP ")) {
          esp++;
        }
        if (marker != null && contains(buf, (int) n, marker)) {
          leaks++;
          line += "  <-- contains the marker in clear text";
        }
        out.println(line);
      }
    } catch (RuntimeException e) {
      err.println("capture: " + e);
      return Tool.FAILED;
    } finally {
      try {
        Native.close(fd);
      } catch (NativeIoException e) {
        // the fd is released whatever close(2) reports
      }
    }
    out.printf(
        "%d packets: %d ESP-in-UDP, %d other%s%n",
        seen,
        esp,
        seen - esp,
        marker == null
            ? ""
            : "; marker \"" + new String(marker, StandardCharsets.UTF_8) + "\" seen in " + leaks);
    return leaks == 0 ? Tool.OK : Tool.FAILED;
  }

  /** One line for an IP packet (never throws on short or odd packets). */
  static String describe(byte[] b, int n) {
    if (n < 1) {
      return "empty";
    }
    int v = (b[0] >> 4) & 0xF;
    int l4;
    int proto;
    String src;
    String dst;
    if (v == 4 && n >= 20) {
      l4 = (b[0] & 0xF) * 4;
      proto = b[9] & 0xFF;
      src = InetText.format(4, 0, u32(b, 12));
      dst = InetText.format(4, 0, u32(b, 16));
    } else if (v == 6 && n >= 40) {
      l4 = 40;
      proto = b[6] & 0xFF;
      src = v6(b, 8);
      dst = v6(b, 24);
    } else {
      return "non-IP frame (ARP?), " + n + " bytes";
    }
    if (proto == 17 && n >= l4 + 8) {
      int sp = u16(b, l4);
      int dp = u16(b, l4 + 2);
      String s = src + ":" + sp + " > " + dst + ":" + dp + " UDP " + n;
      int pl = l4 + 8;
      if ((sp == 4500 || dp == 4500) && n >= pl + 8) {
        long spi = u32(b, pl);
        if (spi == 0) {
          return s + " IKE (non-ESP marker)";
        }
        return s + String.format(" ESP spi=0x%08x seq=%d", spi, u32(b, pl + 4));
      }
      if (n == pl + 1 && (b[pl] & 0xFF) == 0xFF) {
        return s + " NAT-keepalive";
      }
      return s;
    }
    if (proto == 6 && n >= l4 + 4) {
      return src + ":" + u16(b, l4) + " > " + dst + ":" + u16(b, l4 + 2) + " TCP " + n;
    }
    return src + " > " + dst + " proto " + proto + " " + n;
  }

  private static String v6(byte[] b, int off) {
    ByteBuffer a = ByteBuffer.wrap(b);
    return InetText.format(6, a.getLong(off), a.getLong(off + 8));
  }

  private static int u16(byte[] b, int off) {
    return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
  }

  private static long u32(byte[] b, int off) {
    return ((long) u16(b, off) << 16) | u16(b, off + 2);
  }

  static boolean contains(byte[] hay, int n, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= n; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
