package org.meshsec.lab.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.util.Set;

/**
 * {@code tcp-send HOST PORT BYTES [--seed N] [--marker TEXT] [--connect-timeout MS] [--timeout MS]
 * [--rate KB/S]}: connects, sends BYTES (suffixes K, M, G are binary: 5M = 5242880) of the {@link
 * SplitMix64Stream} for the seed (default 1), the first bytes replaced by {@code --marker} if given
 * (the hash covers what was sent), half-closes, and waits for the peer to close -- so the time
 * printed includes delivery to a {@link TcpSink}, which closes only after reading everything.
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
public final class TcpSend {
  public static final String USAGE =
      "tcp-send HOST PORT BYTES [--seed N] [--marker TEXT] [--connect-timeout MS] [--timeout MS]"
          + " [--rate KB/S]";

  private TcpSend() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return run(System.out, System.err, args);
  }

  public static int run(PrintStream out, PrintStream err, String... args) {
    InetSocketAddress to;
    long bytes;
    long seed;
    long connectTimeout;
    int timeout;
    byte[] marker;
    long rate;
    try {
      Args a =
          Args.parse(
              args, Set.of("--seed", "--marker", "--connect-timeout", "--timeout", "--rate"));
      a.expectPositional(3, 3);
      InetAddress host = InetAddress.getByName(a.positional().get(0));
      int port = (int) Args.parseLong("PORT", a.positional().get(1), 1, 65535);
      to = new InetSocketAddress(host, port);
      bytes = Args.parseSize("BYTES", a.positional().get(2));
      seed = a.longOption("--seed", 1, Long.MIN_VALUE, Long.MAX_VALUE);
      connectTimeout = a.longOption("--connect-timeout", 5000, 0, Integer.MAX_VALUE);
      timeout = (int) a.longOption("--timeout", 30000, 0, Integer.MAX_VALUE);
      rate = a.longOption("--rate", 0, 0, Integer.MAX_VALUE) * 1024;
      String m = a.option("--marker", null);
      marker = m == null ? new byte[0] : m.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (marker.length > bytes) {
        throw new Args.UsageException("--marker is longer than BYTES");
      }
    } catch (Args.UsageException | IOException e) {
      err.println("tcp-send: " + e.getMessage());
      err.println("usage: " + USAGE);
      return Tool.USAGE;
    }
    try (Socket s = connect(to, connectTimeout)) {
      s.setSoTimeout(timeout);
      s.setSendBufferSize(1 << 20);
      MessageDigest md = Report.sha256();
      SplitMix64Stream gen = new SplitMix64Stream(seed);
      byte[] buf =
          new byte[rate > 0 ? (int) Math.min(1 << 16, Math.max(1024, rate / 20)) : 1 << 16];
      OutputStream os = s.getOutputStream();
      long t0 = System.nanoTime();
      long left = bytes;
      boolean first = true;
      while (left > 0) {
        int n = (int) Math.min(buf.length, left);
        gen.nextBytes(buf, 0, n);
        if (first) {
          // a recognisable plaintext, e.g. for a capture to prove it never crosses in the clear
          System.arraycopy(marker, 0, buf, 0, marker.length);
          first = false;
        }
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

  private static Socket connect(InetSocketAddress to, long timeoutMs) throws IOException {
    if (timeoutMs == 0) {
      Socket s = new Socket();
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
      Socket s = new Socket();
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
