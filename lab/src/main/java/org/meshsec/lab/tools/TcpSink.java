package org.meshsec.lab.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.util.Set;

/**
 * {@code tcp-sink PORT [--bind ADDR] [--timeout MS]}: accepts one TCP connection, reads it to EOF,
 * prints the byte count and SHA-256 of what arrived, then closes (which tells {@link TcpSend}
 * everything was read).
 *
 * <p>Output, one line each: {@code listening on ADDR:PORT} (the real port when PORT is 0), {@code
 * connection from ADDR:PORT}, {@code received N bytes sha256=HEX in T ms (R Mbit/s)}. Without
 * {@code --bind} it listens on the IPv6 wildcard, which also accepts IPv4. {@code --timeout} bounds
 * the wait for the connection and each read (0, the default, waits forever). Exit 0 after a
 * complete transfer, 1 on an I/O error or timeout, 2 on bad usage.
 *
 * <p>Stateless: each {@code run} uses only its own sockets, so concurrent runs are independent.
 */
public final class TcpSink {
  public static final String USAGE = "tcp-sink PORT [--bind ADDR] [--timeout MS]";

  private TcpSink() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return run(System.out, System.err, args);
  }

  public static int run(PrintStream out, PrintStream err, String... args) {
    int port;
    InetAddress bind;
    int timeout;
    try {
      Args a = Args.parse(args, Set.of("--bind", "--timeout"));
      a.expectPositional(1, 1);
      port = (int) Args.parseLong("PORT", a.positional().get(0), 0, 65535);
      String b = a.option("--bind", null);
      bind = b == null ? null : InetAddress.getByName(b);
      timeout = (int) a.longOption("--timeout", 0, 0, Integer.MAX_VALUE);
    } catch (Args.UsageException | IOException e) {
      err.println("tcp-sink: " + e.getMessage());
      err.println("usage: " + USAGE);
      return Tool.USAGE;
    }
    try (ServerSocket ss = new ServerSocket()) {
      ss.setReuseAddress(true);
      ss.bind(bind == null ? new InetSocketAddress(port) : new InetSocketAddress(bind, port), 1);
      ss.setSoTimeout(timeout);
      out.println(
          "listening on " + Report.endpoint((InetSocketAddress) ss.getLocalSocketAddress()));
      out.flush();
      try (Socket s = ss.accept()) {
        ss.close();
        s.setSoTimeout(timeout);
        s.setReceiveBufferSize(1 << 20);
        out.println(
            "connection from " + Report.endpoint((InetSocketAddress) s.getRemoteSocketAddress()));
        out.flush();
        MessageDigest md = Report.sha256();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        long t0 = System.nanoTime();
        InputStream in = s.getInputStream();
        int n;
        while ((n = in.read(buf)) >= 0) {
          md.update(buf, 0, n);
          total += n;
        }
        long nanos = System.nanoTime() - t0;
        out.println("received " + Report.transfer(total, md.digest(), nanos));
        out.flush();
      }
      return Tool.OK;
    } catch (SocketTimeoutException e) {
      err.println("tcp-sink: timed out after " + timeout + " ms");
      return Tool.FAILED;
    } catch (IOException e) {
      err.println("tcp-sink: " + e);
      return Tool.FAILED;
    }
  }
}
