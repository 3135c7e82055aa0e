package org.meshsec.lab.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tcp-send HOST PORT BYTES [--seed N] [--marker TEXT [--marker-every BYTES]] [--bind ADDR]
 * [--connect-timeout MS] [--timeout MS] [--rate KB/S]}: connects (from {@code --bind} if given),
 * sends BYTES (suffixes K, M, G are binary: 5M = 5242880) of the {@link SplitMix64Stream} for the
 * seed (default 1), the first bytes replaced by {@code --marker} if given -- and, with {@code
 * --marker-every}, the first bytes of every such block too (the hash covers what was sent), so a
 * capture finds the marker in any part of the stream that crosses in the clear -- half-closes, and
 * waits for the peer to close -- so the time printed includes delivery to a {@link TcpSink}, which
 * closes only after reading everything.
 *
 * <p>Output: {@code sent N bytes sha256=HEX in T ms (R Mbit/s)}. A refused connection is retried
 * every 100 ms until {@code --connect-timeout} (default 5000 ms; 0 means one attempt), so the sink
 * may start slightly later; {@code --timeout} bounds each write and the wait for the peer's close
 * (default 30000 ms). {@code --rate} paces the writes to that many KiB per second (default: as fast
 * as possible), so a transfer of a known size lasts a known time (e.g. across an SA rekey). HOST
 * may be an IPv4 or IPv6 address (or a name). Exit 0 after the peer closed cleanly, 1 on an I/O
 * error or timeout, 2 on bad usage.
 *
 * <p>Stateless: each {@code run} uses only its own sockets, so concurrent runs are independent.
 */
@Command(
    name = "tcp-send",
    description = "Sends BYTES of a seeded stream over TCP, prints byte count and SHA-256.")
public final class TcpSend extends Tool {
  public static final String USAGE =
      "tcp-send HOST PORT BYTES [--seed N] [--marker TEXT [--marker-every BYTES]] [--bind ADDR]"
          + " [--connect-timeout MS] [--timeout MS] [--rate KB/S]";

  @Parameters(index = "0", paramLabel = "HOST", description = "Address (or name) to connect to.")
  String host;

  @Parameters(index = "1", paramLabel = "PORT", description = "Port to connect to, 1..65535.")
  long portOption;

  @Parameters(
      index = "2",
      paramLabel = "BYTES",
      converter = Tools.Size.class,
      description = "How much to send; suffixes K, M, G are binary (5M = 5242880).")
  long bytes;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1",
      description = "Seed of the SplitMix64 byte stream (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--marker",
      paramLabel = "TEXT",
      description = "Replace the first bytes sent by TEXT (the hash covers what was sent).")
  String markerOption;

  @Option(
      names = "--marker-every",
      paramLabel = "BYTES",
      converter = Tools.Size.class,
      defaultValue = "0",
      description = "Repeat the marker at the start of every block of BYTES (default 0: once).")
  long markerEvery;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      description = "Local address to connect from (default: chosen by the routing table).")
  String bind;

  @Option(
      names = "--connect-timeout",
      paramLabel = "MS",
      defaultValue = "5000",
      description =
          "Retry a refused connection every 100 ms for this long (default ${DEFAULT-VALUE}; 0: one"
              + " attempt).")
  long connectTimeout;

  @Option(
      names = "--timeout",
      paramLabel = "MS",
      defaultValue = "30000",
      description =
          "Bound on each write and on the wait for the peer's close (default ${DEFAULT-VALUE}).")
  long timeoutOption;

  @Option(
      names = "--rate",
      paramLabel = "KB/S",
      defaultValue = "0",
      description = "Pace the writes to this many KiB per second (default 0: as fast as possible).")
  long rateOption;

  TcpSend() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return run(System.out, System.err, args);
  }

  public static int run(PrintStream out, PrintStream err, String... args) {
    return Tools.execute(new TcpSend(), out, err, args);
  }

  @Override
  public String synopsis() {
    return USAGE;
  }

  @Override
  int run(PrintWriter out, PrintWriter err) {
    int port = (int) range("PORT", portOption, 1, 65535);
    range("--connect-timeout", connectTimeout, 0, Integer.MAX_VALUE);
    int timeout = (int) range("--timeout", timeoutOption, 0, Integer.MAX_VALUE);
    long rate = range("--rate", rateOption, 0, Integer.MAX_VALUE) * 1024;
    byte[] marker =
        markerOption == null
            ? new byte[0]
            : markerOption.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (marker.length > bytes) {
      throw usage("--marker is longer than BYTES");
    }
    if (markerEvery != 0 && (markerEvery < marker.length || markerOption == null)) {
      throw usage("--marker-every needs a --marker no longer than it");
    }
    InetSocketAddress to;
    InetSocketAddress from;
    try {
      to = new InetSocketAddress(InetAddress.getByName(host), port);
      from = bind == null ? null : new InetSocketAddress(InetAddress.getByName(bind), 0);
    } catch (IOException e) {
      throw usage(e.getMessage());
    }
    try (Socket s = connect(from, to, connectTimeout)) {
      s.setSoTimeout(timeout);
      s.setSendBufferSize(1 << 20);
      MessageDigest md = Report.sha256();
      SplitMix64Stream gen = new SplitMix64Stream(seed);
      byte[] buf =
          new byte[rate > 0 ? (int) Math.min(1 << 16, Math.max(1024, rate / 20)) : 1 << 16];
      OutputStream os = s.getOutputStream();
      long t0 = System.nanoTime();
      long left = bytes;
      while (left > 0) {
        int n = (int) Math.min(buf.length, left);
        gen.nextBytes(buf, 0, n);
        // a recognisable plaintext, e.g. for a capture to prove it never crosses in the clear
        placeMarkers(buf, n, bytes - left, marker, markerEvery);
        md.update(buf, 0, n);
        os.write(buf, 0, n);
        left -= n;
        if (rate > 0) {
          long due = t0 + (bytes - left) * 1_000_000_000L / rate;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            try {
              Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
            } catch (InterruptedException ie) {
              Thread.currentThread().interrupt();
              throw new java.io.InterruptedIOException("interrupted while pacing");
            }
          }
        }
      }
      os.flush();
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      while (in.read(buf) >= 0) {
        // the sink sends nothing; wait for its close
      }
      long nanos = System.nanoTime() - t0;
      out.println("sent " + Report.transfer(bytes, md.digest(), nanos));
      out.flush();
      return Tool.OK;
    } catch (IOException e) {
      err.println("tcp-send: " + Report.endpoint(to) + ": " + e);
      return Tool.FAILED;
    }
  }

  /**
   * Copies {@code marker} into {@code buf[0, n)}, which holds the stream's bytes from offset {@code
   * pos}, wherever it overlaps a marker: at offset 0 and, if {@code every} is positive, at every
   * multiple of it.
   */
  static void placeMarkers(byte[] buf, int n, long pos, byte[] marker, long every) {
    if (marker.length == 0) {
      return;
    }
    long first = every > 0 ? Math.max(0, (pos - marker.length + 1 + every - 1) / every * every) : 0;
    for (long m = first; m < pos + n; m = every > 0 ? m + every : Long.MAX_VALUE) {
      for (int j = 0; j < marker.length; j++) {
        long at = m + j - pos;
        if (at >= 0 && at < n) {
          buf[(int) at] = marker[j];
        }
      }
    }
  }

  private static Socket newSocket(InetSocketAddress from) throws IOException {
    Socket s = new Socket();
    if (from != null) {
      try {
        s.bind(from);
      } catch (IOException e) {
        s.close();
        throw e;
      }
    }
    return s;
  }

  private static Socket connect(InetSocketAddress from, InetSocketAddress to, long timeoutMs)
      throws IOException {
    if (timeoutMs == 0) {
      Socket s = newSocket(from);
      try {
        s.connect(to);
        return s;
      } catch (IOException e) {
        s.close();
        throw e;
      }
    }
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    ConnectException refused = null;
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        throw refused != null ? refused : new SocketTimeoutException("connect timed out");
      }
      Socket s = newSocket(from);
      try {
        s.connect(to, (int) Math.min(Integer.MAX_VALUE, left));
        return s;
      } catch (ConnectException e) {
        s.close();
        refused = e;
        try {
          Thread.sleep(Math.min(100, left));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while connecting");
        }
      } catch (SocketTimeoutException e) {
        s.close();
        throw refused != null ? refused : e;
      } catch (IOException e) {
        s.close();
        throw e;
      }
    }
  }
}
