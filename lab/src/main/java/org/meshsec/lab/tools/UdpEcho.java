package org.meshsec.lab.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Set;

/**
 * {@code udp-echo PORT [--bind ADDR] [--count N] [--timeout MS]}: sends every UDP datagram it
 * receives back to its sender, unchanged. The peer of {@link UdpSweep}.
 *
 * <p>Output: {@code listening on ADDR:PORT} (the real port when PORT is 0), and at the end {@code
 * echoed N datagrams}. Runs until killed, or until it has echoed {@code --count} datagrams, or
 * until no datagram arrived for {@code --timeout} ms; both ends exit 0. Without {@code --bind} it
 * listens on the IPv6 wildcard, which also receives IPv4. Exit 1 on an I/O error, 2 on bad usage.
 *
 * <p>Stateless: each {@code run} uses only its own sockets, so concurrent runs are independent.
 */
public final class UdpEcho {
  public static final String USAGE = "udp-echo PORT [--bind ADDR] [--count N] [--timeout MS]";

  /** Largest UDP payload there is (IPv6 without jumbograms); the receive buffer is one more. */
  static final int MAX_DATAGRAM = 65527;

  private UdpEcho() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return run(System.out, System.err, args);
  }

  public static int run(PrintStream out, PrintStream err, String... args) {
    int port;
    InetAddress bind;
    long count;
    int timeout;
    try {
      Args a = Args.parse(args, Set.of("--bind", "--count", "--timeout"));
      a.expectPositional(1, 1);
      port = (int) Args.parseLong("PORT", a.positional().get(0), 0, 65535);
      String b = a.option("--bind", null);
      bind = b == null ? null : InetAddress.getByName(b);
      count = a.longOption("--count", 0, 0, Long.MAX_VALUE);
      timeout = (int) a.longOption("--timeout", 0, 0, Integer.MAX_VALUE);
    } catch (Args.UsageException | IOException e) {
      err.println("udp-echo: " + e.getMessage());
      err.println("usage: " + USAGE);
      return Tool.USAGE;
    }
    long echoed = 0;
    try (DatagramSocket s =
        new DatagramSocket(
            bind == null ? new InetSocketAddress(port) : new InetSocketAddress(bind, port))) {
      s.setReceiveBufferSize(1 << 20);
      s.setSendBufferSize(1 << 20);
      s.setSoTimeout(timeout);
      out.println("listening on " + Report.endpoint((InetSocketAddress) s.getLocalSocketAddress()));
      out.flush();
      DatagramPacket p = new DatagramPacket(new byte[MAX_DATAGRAM + 1], MAX_DATAGRAM + 1);
      while (count == 0 || echoed < count) {
        p.setLength(MAX_DATAGRAM + 1);
        try {
          s.receive(p);
        } catch (SocketTimeoutException e) {
          break;
        }
        s.send(p); // same buffer, length and sender address
        echoed++;
      }
      out.println("echoed " + echoed + " datagrams");
      out.flush();
      return Tool.OK;
    } catch (IOException e) {
      err.println("udp-echo: " + e + " (after " + echoed + " datagrams)");
      return Tool.FAILED;
    }
  }
}
