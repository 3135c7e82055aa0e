package org.meshsec.lab.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
@Command(name = "udp-echo", description = "Sends every UDP datagram back to its sender.")
public final class UdpEcho extends Tool {
  public static final String USAGE = "udp-echo PORT [--bind ADDR] [--count N] [--timeout MS]";

  /** Largest UDP payload there is (IPv6 without jumbograms); the receive buffer is one more. */
  static final int MAX_DATAGRAM = 65527;

  @Parameters(
      index = "0",
      paramLabel = "PORT",
      description = "Port to listen on, 0..65535 (0: any; the real port is printed).")
  long portOption;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      description = "Address to listen on (default: the IPv6 wildcard, which also receives IPv4).")
  String bindOption;

  @Option(
      names = "--count",
      paramLabel = "N",
      defaultValue = "0",
      description = "Exit after echoing N datagrams (default 0: no limit).")
  long countOption;

  @Option(
      names = "--timeout",
      paramLabel = "MS",
      defaultValue = "0",
      description = "Exit when no datagram arrived for MS ms (default 0: wait forever).")
  long timeoutOption;

  UdpEcho() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return run(System.out, System.err, args);
  }

  public static int run(PrintStream out, PrintStream err, String... args) {
    return Tools.execute(new UdpEcho(), out, err, args);
  }

  @Override
  public String synopsis() {
    return USAGE;
  }

  @Override
  int run(PrintWriter out, PrintWriter err) {
    int port = (int) range("PORT", portOption, 0, 65535);
    long count = range("--count", countOption, 0, Long.MAX_VALUE);
    int timeout = (int) range("--timeout", timeoutOption, 0, Integer.MAX_VALUE);
    InetAddress bind;
    try {
      bind = bindOption == null ? null : InetAddress.getByName(bindOption);
    } catch (IOException e) {
      throw usage(e.getMessage());
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
