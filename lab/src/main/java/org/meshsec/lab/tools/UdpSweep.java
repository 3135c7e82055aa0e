package org.meshsec.lab.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code udp-sweep HOST PORT FROM TO [--timeout MS] [--tries N]}: sends one UDP datagram of every
 * payload size in [FROM, TO] to a {@link UdpEcho} and checks that each comes back intact -- the MTU
 * and fragmentation check for a tunnel. Sizes go one at a time; a size whose echo does not arrive
 * within {@code --timeout} ms (default 500) is sent again, up to {@code --tries} times in all
 * (default 3).
 *
 * <p>Payload of size n ({@link #pattern(int)}): the first min(n, 4) bytes are n as a big-endian
 * 32-bit number (so a stray datagram in a capture names its size), then byte i is {@code i & 0xff}.
 * Echoes whose length differs from the size being tried are ignored as stale (remembered for the
 * failure message); an echo of the right length with other contents fails at once.
 *
 * <p>Output: {@code N sizes ok (FROM..TO), R retries} and exit 0; or {@code size S failed: WHY} and
 * exit 1. Sizes above 65507 (IPv4) or 65527 (IPv6) are bad usage (exit 2), and so is 0: the JDK 17
 * DatagramSocket silently never returns a zero-length datagram from receive().
 *
 * <p>Stateless: each {@code run} uses only its own sockets, so concurrent runs are independent.
 */
@Command(
    name = "udp-sweep",
    description = "Sends one UDP datagram of every size in [FROM, TO] to a udp-echo, checks each.")
public final class UdpSweep extends Tool {
  public static final String USAGE = "udp-sweep HOST PORT FROM TO [--timeout MS] [--tries N]";

  /** Largest UDP payload over IPv4: 65535 - 20 (IPv4 header) - 8 (UDP header). */
  public static final int MAX_V4 = 65507;

  /** Largest UDP payload over IPv6 without jumbograms: 65535 - 8 (UDP header). */
  public static final int MAX_V6 = 65527;

  @Parameters(index = "0", paramLabel = "HOST", description = "Address (or name) of the udp-echo.")
  String host;

  @Parameters(index = "1", paramLabel = "PORT", description = "Port of the udp-echo, 1..65535.")
  long portOption;

  @Parameters(index = "2", paramLabel = "FROM", description = "Smallest payload size, 1 or more.")
  long fromOption;

  @Parameters(
      index = "3",
      paramLabel = "TO",
      description = "Largest payload size, at most 65507 (IPv4) or 65527 (IPv6).")
  long toOption;

  @Option(
      names = "--timeout",
      paramLabel = "MS",
      defaultValue = "500",
      description = "How long to wait for each echo, in ms (default ${DEFAULT-VALUE}).")
  long timeoutOption;

  @Option(
      names = "--tries",
      paramLabel = "N",
      defaultValue = "3",
      description = "Attempts per size, 1..1000 (default ${DEFAULT-VALUE}).")
  long triesOption;

  UdpSweep() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return run(System.out, System.err, args);
  }

  /** The payload sent for {@code size}; see the class comment. */
  public static byte[] pattern(int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = i < 4 ? (byte) (size >>> (24 - 8 * i)) : (byte) i;
    }
    return b;
  }

  public static int run(PrintStream out, PrintStream err, String... args) {
    return Tools.execute(new UdpSweep(), out, err, args);
  }

  @Override
  public String synopsis() {
    return USAGE;
  }

  @Override
  int run(PrintWriter out, PrintWriter err) {
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (IOException e) {
      throw usage(e.getMessage());
    }
    int port = (int) range("PORT", portOption, 1, 65535);
    InetSocketAddress to = new InetSocketAddress(address, port);
    int max = address instanceof Inet6Address ? MAX_V6 : MAX_V4;
    int from = (int) range("FROM", fromOption, 1, max);
    int upto = (int) range("TO", toOption, from, max);
    int timeout = (int) range("--timeout", timeoutOption, 1, Integer.MAX_VALUE);
    int tries = (int) range("--tries", triesOption, 1, 1000);
    long retries = 0;
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(to);
      s.setReceiveBufferSize(1 << 20);
      s.setSendBufferSize(1 << 20);
      DatagramPacket rx = new DatagramPacket(new byte[MAX_V6 + 1], MAX_V6 + 1);
      for (int size = from; size <= upto; size++) {
        byte[] tx = pattern(size);
        DatagramPacket p = new DatagramPacket(tx, size);
        String problem = "no echo";
        boolean ok = false;
        for (int attempt = 1; attempt <= tries && !ok; attempt++) {
          if (attempt > 1) {
            retries++;
          }
          try {
            s.send(p);
          } catch (IOException e) {
            problem = "send: " + e;
            continue;
          }
          long deadline = System.nanoTime() + timeout * 1_000_000L;
          while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
              break;
            }
            s.setSoTimeout((int) left);
            rx.setLength(rx.getData().length);
            try {
              s.receive(rx);
            } catch (SocketTimeoutException e) {
              break;
            } catch (PortUnreachableException e) {
              problem = "port unreachable (ICMP)";
              break;
            }
            if (rx.getLength() != size) {
              problem = "only an echo of " + rx.getLength() + " bytes";
              continue;
            }
            int bad = mismatch(tx, rx.getData(), size);
            if (bad >= 0) {
              out.printf(
                  "size %d failed: echo differs at byte %d (sent 0x%02x, got 0x%02x)%n",
                  size, bad, tx[bad] & 0xff, rx.getData()[bad] & 0xff);
              out.flush();
              return Tool.FAILED;
            }
            ok = true;
            break;
          }
        }
        if (!ok) {
          out.println("size " + size + " failed: " + problem + " after " + tries + " tries");
          out.flush();
          return Tool.FAILED;
        }
      }
    } catch (IOException e) {
      err.println("udp-sweep: " + Report.endpoint(to) + ": " + e);
      return Tool.FAILED;
    }
    out.println(
        (upto - from + 1) + " sizes ok (" + from + ".." + upto + "), " + retries + " retries");
    out.flush();
    return Tool.OK;
  }

  private static int mismatch(byte[] a, byte[] b, int len) {
    for (int i = 0; i < len; i++) {
      if (a[i] != b[i]) {
        return i;
      }
    }
    return -1;
  }
}
