package org.meshsec.lab.interop;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.meshsec.lab.netns.Jvm;
import org.meshsec.lab.netns.Netns;
import org.meshsec.lab.tools.TcpSend;
import org.meshsec.lab.tools.TcpSink;
import org.meshsec.tun.exec.Background;
import org.meshsec.tun.exec.ExecResult;

/**
 * The two-host network of the interop tests: namespaces "left" and "right" (made by a {@link
 * org.meshsec.lab.netns.Topology} with prefix {@value #PREFIX}, so unique per run and removed even
 * when the JVM is stopped) joined by a veth pair named {@value #DEV} on both ends, with underlay
 * addresses {@value #LEFT_ADDR} and {@value #RIGHT_ADDR} (/24, RFC 5737 TEST-NET-1), and one host
 * address each on the loopback to tunnel between, {@value #LEFT_HOST} and {@value #RIGHT_HOST}
 * (/32). Both namespaces are removed by {@link #close()}; end the processes started in them first.
 *
 * <pre>
 *   left: lo 10.0.0.1/32                           right: lo 10.0.1.1/32
 *         u0 192.0.2.1/24  ---------- veth -------  u0 192.0.2.2/24
 * </pre>
 *
 * Not thread-safe.
 */
public final class Topology implements AutoCloseable {
  /** The prefix of the namespaces' names ({@code msi-left-<pid>-<hex>}). */
  public static final String PREFIX = "msi";

  public static final String DEV = "u0";
  public static final String LEFT_ADDR = "192.0.2.1";
  public static final String RIGHT_ADDR = "192.0.2.2";
  public static final String LEFT_HOST = "10.0.0.1";
  public static final String RIGHT_HOST = "10.0.1.1";

  private final org.meshsec.lab.netns.Topology namespaces;
  private final Netns left;
  private final Netns right;

  private Topology(org.meshsec.lab.netns.Topology namespaces, Netns left, Netns right) {
    this.namespaces = namespaces;
    this.left = left;
    this.right = right;
  }

  /** Creates both namespaces and wires them. */
  public static Topology create() throws IOException {
    org.meshsec.lab.netns.Topology t = new org.meshsec.lab.netns.Topology(PREFIX);
    try {
      Netns l = t.namespace("left");
      Netns r = t.namespace("right");
      t.veth(l, DEV, r, DEV);
      l.addAddress(DEV, LEFT_ADDR + "/24");
      r.addAddress(DEV, RIGHT_ADDR + "/24");
      l.addAddress("lo", LEFT_HOST + "/32");
      r.addAddress("lo", RIGHT_HOST + "/32");
      return new Topology(t, l, r);
    } catch (IOException | RuntimeException e) {
      t.close();
      throw e;
    }
  }

  public Netns left() {
    return left;
  }

  public Netns right() {
    return right;
  }

  public String leftName() {
    return left.name();
  }

  public String rightName() {
    return right.name();
  }

  /** What the two ends of {@link #tcpTransfer} reported: {@code N bytes sha256=HEX} each. */
  public record Transfer(String sent, String received) {}

  private static final Pattern REPORTED = Pattern.compile("(\\d+ bytes sha256=[0-9a-f]{64})");

  /**
   * A checksummed TCP transfer of {@code bytes} from {@value #LEFT_HOST} to {@value #RIGHT_HOST}
   * (so through the tunnel between them), each end a small JVM in its namespace: {@code tcp-sink}
   * in right, {@code tcp-send} in left with {@code marker} in the clear at the start of every 64
   * KiB (for a capture to look for).
   *
   * @throws AssertionError if either end fails
   */
  public Transfer tcpTransfer(long bytes, String marker, Duration timeout)
      throws IOException, InterruptedException {
    String port = Integer.toString(20000 + ThreadLocalRandom.current().nextInt(20000));
    try (Background sink =
        right.spawn(Jvm.tool(TcpSink.class, port, "--bind", RIGHT_HOST, "--timeout", "30000"))) {
      if (!sink.awaitOutput("listening on", Duration.ofSeconds(20))) {
        throw new AssertionError("tcp-sink did not start: " + sink.stdout() + sink.stderr());
      }
      ExecResult sent =
          left.execAllowingFailure(
              timeout,
              Jvm.tool(
                  TcpSend.class,
                  RIGHT_HOST,
                  port,
                  Long.toString(bytes),
                  "--marker",
                  marker,
                  "--marker-every",
                  "64K",
                  "--bind",
                  LEFT_HOST,
                  "--timeout",
                  "30000"));
      ExecResult got = sink.waitFor(Duration.ofSeconds(10));
      String all =
          "sender:\n" + sent.stdout() + sent.stderr() + "sink:\n" + got.stdout() + got.stderr();
      Matcher s = REPORTED.matcher(sent.stdout());
      Matcher r = REPORTED.matcher(got.stdout());
      if (!sent.ok() || !got.ok() || !s.find() || !r.find()) {
        throw new AssertionError("TCP transfer failed: " + all);
      }
      return new Transfer(s.group(1), r.group(1));
    }
  }

  /** Stops the processes started through the namespaces' handles and deletes both namespaces. */
  @Override
  public void close() {
    namespaces.close();
  }
}
