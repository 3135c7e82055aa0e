package org.meshsec.lab.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;
import org.meshsec.inet.InetText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ping HOST [-c N] [-W timeoutMs] [-i intervalMs] [-s size] [--mode auto|dgram|raw]}: ICMP
 * (RFC 792) or ICMPv6 (RFC 4443 section 4) echo, for hosts without iputils. Sends N requests
 * (default 3), one every {@code -i} ms (default 200), each waiting up to {@code -W} ms (default
 * 1000) for its reply; a late reply to an earlier request still counts. The socket is an
 * unprivileged ping socket when {@code net.ipv4.ping_group_range} allows it, else a raw socket
 * (root); see {@link IcmpSocket}.
 *
 * <p>Output, like iputils ping:
 *
 * <pre>
 * PING 192.0.2.2: 56 data bytes (raw socket)
 * 64 bytes from 192.0.2.2: icmp_seq=1 ttl=64 time=0.061 ms
 * no reply for icmp_seq=2 within 1000 ms
 * --- 192.0.2.2 ping statistics ---
 * 3 transmitted, 2 received, 33% packet loss
 * rtt min/avg/max = 0.041/0.051/0.061 ms
 * </pre>
 *
 * ttl is shown only where the socket delivers the IP header (raw IPv4). A reply whose data differs
 * from what was sent is reported and not counted. Exit 0 iff every request got its reply, 1
 * otherwise (or on a socket error), 2 on bad usage.
 *
 * <p>Stateless: each {@code run} uses only its own sockets, so concurrent runs are independent.
 */
@Command(
    name = "ping",
    description = "ICMP/ICMPv6 echo (RFC 792, RFC 4443 section 4), like iputils ping.")
public final class Ping extends Tool {
  public static final String USAGE =
      "ping HOST [-c N] [-W timeoutMs] [-i intervalMs] [-s size] [--mode auto|dgram|raw]";

  @Parameters(index = "0", paramLabel = "HOST", description = "Address (or name) to ping.")
  String host;

  @Option(
      names = "-c",
      paramLabel = "N",
      defaultValue = "3",
      description = "Number of echo requests, 1..65535 (default ${DEFAULT-VALUE}).")
  long countOption;

  @Option(
      names = "-W",
      paramLabel = "timeoutMs",
      defaultValue = "1000",
      description = "How long to wait for each reply, in ms (default ${DEFAULT-VALUE}).")
  long timeoutOption;

  @Option(
      names = "-i",
      paramLabel = "intervalMs",
      defaultValue = "200",
      description = "Interval between requests, in ms (default ${DEFAULT-VALUE}).")
  long intervalOption;

  @Option(
      names = "-s",
      paramLabel = "size",
      defaultValue = "56",
      description = "Data bytes per request, 0..65000 (default ${DEFAULT-VALUE}).")
  long sizeOption;

  @Option(
      names = "--mode",
      paramLabel = "auto|dgram|raw",
      defaultValue = "auto",
      description =
          "Socket: dgram (unprivileged ping socket), raw (root), or auto: dgram if allowed, else"
              + " raw (default ${DEFAULT-VALUE}).")
  String modeOption;

  Ping() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return run(System.out, System.err, args);
  }

  public static int run(PrintStream out, PrintStream err, String... args) {
    return Tools.execute(new Ping(), out, err, args);
  }

  @Override
  public String synopsis() {
    return USAGE;
  }

  @Override
  int run(PrintWriter out, PrintWriter err) {
    int count = (int) range("-c", countOption, 1, 65535);
    long timeout = range("-W", timeoutOption, 1, Integer.MAX_VALUE);
    long interval = range("-i", intervalOption, 0, Integer.MAX_VALUE);
    int size = (int) range("-s", sizeOption, 0, 65000);
    IcmpSocket.Mode mode =
        switch (modeOption) {
          case "auto" -> IcmpSocket.Mode.AUTO;
          case "dgram" -> IcmpSocket.Mode.DGRAM;
          case "raw" -> IcmpSocket.Mode.RAW;
          default -> throw usage("--mode must be auto, dgram or raw: " + modeOption);
        };
    InetAddress target;
    try {
      target = InetAddress.getByName(host);
    } catch (IOException e) {
      throw usage(e.getMessage());
    }
    boolean v6 = target instanceof Inet6Address;
    String host = InetText.format(target);
    try (IcmpSocket sock = IcmpSocket.open(v6, mode)) {
      boolean raw = sock.kind() == IcmpSocket.Kind.RAW;
      out.printf("PING %s: %d data bytes (%s socket)%n", host, size, raw ? "raw" : "ICMP datagram");
      out.flush();
      // On a raw socket the identifier is ours to choose and to filter on; on a ping socket the
      // kernel replaces it with the socket's own and delivers only that socket's replies.
      int id = (int) (ProcessHandle.current().pid() & 0xffff);
      int replyType = v6 ? IcmpEcho.V6_REPLY : IcmpEcho.V4_REPLY;
      byte[] data = new byte[size];
      for (int i = 0; i < size; i++) {
        data[i] = (byte) i;
      }
      byte[] tx = new byte[IcmpEcho.HEADER + size];
      byte[] rx = new byte[65536 + 60];
      long[] sentAt = new long[count + 1];
      boolean[] got = new boolean[count + 1];
      int received = 0;
      long minNs = Long.MAX_VALUE;
      long maxNs = 0;
      long sumNs = 0;
      for (int seq = 1; seq <= count; seq++) {
        int len = IcmpEcho.encodeRequest(tx, v6, id, seq, data);
        sentAt[seq] = System.nanoTime();
        sock.send(tx, len, target);
        long deadline = sentAt[seq] + timeout * 1_000_000L;
        while (!got[seq]) {
          long left = (deadline - System.nanoTime()) / 1_000_000L;
          if (left <= 0) {
            out.println("no reply for icmp_seq=" + seq + " within " + timeout + " ms");
            break;
          }
          IcmpSocket.Received r = sock.receive(rx, left);
          if (r == null) {
            continue;
          }
          long now = System.nanoTime();
          IcmpEcho.Echo e = IcmpEcho.parse(rx, r.offset(), r.length());
          if (e == null
              || e.type() != replyType
              || (raw && e.id() != id)
              || !r.from().equals(target)
              || e.seq() < 1
              || e.seq() > seq) {
            continue; // not a reply to us (raw sockets see all ICMP)
          }
          int bad = mismatch(data, rx, e.dataOffset(), e.dataLength());
          if (bad >= 0) {
            out.println(
                "icmp_seq="
                    + e.seq()
                    + " from "
                    + host
                    + ": wrong data at byte "
                    + bad
                    + ", ignored");
            continue;
          }
          long rtt = now - sentAt[e.seq()];
          String dup = got[e.seq()] ? " (DUP!)" : "";
          if (!got[e.seq()]) {
            got[e.seq()] = true;
            received++;
            minNs = Math.min(minNs, rtt);
            maxNs = Math.max(maxNs, rtt);
            sumNs += rtt;
          }
          out.printf(
              Locale.ROOT,
              "%d bytes from %s: icmp_seq=%d%s time=%.3f ms%s%n",
              r.length(),
              host,
              e.seq(),
              r.ttl() >= 0 ? " ttl=" + r.ttl() : "",
              rtt / 1e6,
              dup);
          out.flush();
        }
        long pause = sentAt[seq] + interval * 1_000_000L - System.nanoTime();
        if (seq < count && pause > 0) {
          Thread.sleep(pause / 1_000_000L, (int) (pause % 1_000_000L));
        }
      }
      out.println("--- " + host + " ping statistics ---");
      out.printf(
          Locale.ROOT,
          "%d transmitted, %d received, %d%% packet loss%n",
          count,
          received,
          (count - received) * 100 / count);
      if (received > 0) {
        out.printf(
            Locale.ROOT,
            "rtt min/avg/max = %.3f/%.3f/%.3f ms%n",
            minNs / 1e6,
            sumNs / 1e6 / received,
            maxNs / 1e6);
      }
      out.flush();
      return received == count ? Tool.OK : Tool.FAILED;
    } catch (IOException e) {
      err.println("ping: " + e.getMessage());
      return Tool.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("ping: interrupted");
      return Tool.FAILED;
    }
  }

  private static int mismatch(byte[] sent, byte[] buf, int off, int len) {
    if (len != sent.length) {
      return Math.min(len, sent.length);
    }
    for (int i = 0; i < len; i++) {
      if (buf[off + i] != sent[i]) {
        return i;
      }
    }
    return -1;
  }
}
