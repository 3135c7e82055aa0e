package org.meshsec.lab.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
@Command(
    name = "tcp-sink",
    description = "Accepts one TCP connection, reads it to EOF, prints byte count and SHA-256.")
public final class TcpSink extends Tool {
  public static final String USAGE = "tcp-sink PORT [--bind ADDR] [--timeout MS]";

  @Parameters(
      index = "0",
      paramLabel = "PORT",
      description = "Port to listen on, 0..65535 (0: any; the real port is printed).")
  long portOption;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      description = "Address to listen on (default: the IPv6 wildcard, which also accepts IPv4).")
  String bindOption;

  @Option(
      names = "--timeout",
      paramLabel = "MS",
      defaultValue = "0",
      description =
          "Bound on the wait for the connection and on each read, in ms (default 0: forever).")
  long timeoutOption;

  TcpSink() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return run(System.out, System.err, args);
  }

  public static int run(PrintStream out, PrintStream err, String... args) {
    return Tools.execute(new TcpSink(), out, err, args);
  }

  @Override
  public String synopsis() {
    return USAGE;
  }

  @Override
  int run(PrintWriter out, PrintWriter err) {
    int port = (int) range("PORT", portOption, 0, 65535);
    int timeout = (int) range("--timeout", timeoutOption, 0, Integer.MAX_VALUE);
    InetAddress bind;
    try {
      bind = bindOption == null ? null : InetAddress.getByName(bindOption);
    } catch (IOException e) {
      throw usage(e.getMessage());
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
