package org.meshsec.lab.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code chaos-relay --a-side ADDR --b-side ADDR --a PEER --b PEER [--ports 500,4500] [--ike SPEC]
 * [--esp SPEC] [--ike-ab SPEC] [--ike-ba SPEC] [--esp-ab SPEC] [--esp-ba SPEC] [--seed N]}: a
 * userspace UDP relay between two IKE/IPsec nodes that loses, duplicates, reorders and delays
 * datagrams, per direction and separately for IKE and ESP, for the namespace tests under loss.
 *
 * <p>It listens on each port on both of its sides: a datagram from node A to {@code A-SIDE:PORT}
 * leaves from {@code B-SIDE:PORT} to {@code B:PORT}, and the other way round. So each node sees its
 * peer at the relay's address on its own side (the nodes detect a NAT, RFC 7296 section 2.23, and
 * move to port 4500). Class: on port 4500 a datagram that starts with the four-byte non-ESP marker
 * or is a one-byte keepalive is IKE, anything else ESP (RFC 3948 section 2.2); every datagram on
 * another port is IKE.
 *
 * <p>SPEC is a comma-separated list of {@code loss=P}, {@code dup=P}, {@code reorder=P} (P a
 * probability 0..1 or a percentage like {@code 10%}), {@code delay=MS} (every datagram) and {@code
 * hold=MS} (how long a reordered datagram is held back, default 30). Each of the four streams (IKE
 * and ESP, each direction) draws from its own random generator seeded from {@code --seed}, so the
 * same datagrams meet the same fate in a replay.
 *
 * <p>Output: {@code relaying ...} once ready, then every {@code --report} ms and at exit one line
 * per stream: {@code STREAM in=N lost=N dup=N reordered=N out=N}. Runs until killed or for {@code
 * --duration} ms. Exit 1 on an I/O error, 2 on bad usage.
 *
 * <p>Thread-safety: one receiving thread per socket and one scheduler thread that sends; counters
 * are atomic.
 */
@Command(name = "chaos-relay", description = "Relays IKE and ESP between two nodes, with chaos.")
public final class ChaosRelay extends Tool {
  public static final String USAGE =
      "chaos-relay --a-side ADDR --b-side ADDR --a PEER --b PEER [--ports 500,4500] [--ike SPEC]"
          + " [--esp SPEC] [--ike-ab|--ike-ba|--esp-ab|--esp-ba SPEC] [--seed N] [--duration MS]"
          + " [--report MS]";

  @Option(
      names = "--a-side",
      required = true,
      paramLabel = "ADDR",
      description = "Our address facing A.")
  String aSideOption;

  @Option(
      names = "--b-side",
      required = true,
      paramLabel = "ADDR",
      description = "Our address facing B.")
  String bSideOption;

  @Option(names = "--a", required = true, paramLabel = "PEER", description = "Node A's address.")
  String aOption;

  @Option(names = "--b", required = true, paramLabel = "PEER", description = "Node B's address.")
  String bOption;

  @Option(
      names = "--ports",
      defaultValue = "500,4500",
      split = ",",
      paramLabel = "PORTS",
      description = "UDP ports to relay (default 500,4500).")
  int[] portsOption;

  @Option(names = "--ike", paramLabel = "SPEC", description = "Chaos for IKE, both directions.")
  String ikeOption;

  @Option(names = "--esp", paramLabel = "SPEC", description = "Chaos for ESP, both directions.")
  String espOption;

  @Option(names = "--ike-ab", paramLabel = "SPEC", description = "Chaos for IKE from A to B.")
  String ikeAbOption;

  @Option(names = "--ike-ba", paramLabel = "SPEC", description = "Chaos for IKE from B to A.")
  String ikeBaOption;

  @Option(names = "--esp-ab", paramLabel = "SPEC", description = "Chaos for ESP from A to B.")
  String espAbOption;

  @Option(names = "--esp-ba", paramLabel = "SPEC", description = "Chaos for ESP from B to A.")
  String espBaOption;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description = "Random seed (default 1).")
  long seedOption;

  @Option(
      names = "--duration",
      defaultValue = "0",
      paramLabel = "MS",
      description = "Exit after MS ms (default 0: run until killed).")
  long durationOption;

  @Option(
      names = "--report",
      defaultValue = "0",
      paramLabel = "MS",
      description = "Print the counters every MS ms (default 0: only at exit).")
  long reportOption;

  ChaosRelay() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return run(System.out, System.err, args);
  }

  public static int run(PrintStream out, PrintStream err, String... args) {
    return Tools.execute(new ChaosRelay(), out, err, args);
  }

  @Override
  public String synopsis() {
    return USAGE;
  }

  /** What happens to one stream's datagrams. Immutable. */
  record Chaos(double loss, double dup, double reorder, long delayMs, long holdMs) {
    static final Chaos NONE = new Chaos(0, 0, 0, 0, 30);

    /** Parses {@code loss=10%,dup=0.05,reorder=5%,delay=10,hold=40} over {@code base}. */
    static Chaos parse(String spec, Chaos base) {
      if (spec == null || spec.isBlank()) {
        return base;
      }
      Chaos c = base;
      for (String part : spec.split(",")) {
        String[] kv = part.split("=", 2);
        if (kv.length != 2) {
          throw new IllegalArgumentException("not KEY=VALUE: " + part);
        }
        String v = kv[1].strip();
        c =
            switch (kv[0].strip().toLowerCase(Locale.ROOT)) {
              case "loss" -> new Chaos(p(v), c.dup, c.reorder, c.delayMs, c.holdMs);
              case "dup" -> new Chaos(c.loss, p(v), c.reorder, c.delayMs, c.holdMs);
              case "reorder" -> new Chaos(c.loss, c.dup, p(v), c.delayMs, c.holdMs);
              case "delay" -> new Chaos(c.loss, c.dup, c.reorder, ms(v), c.holdMs);
              case "hold" -> new Chaos(c.loss, c.dup, c.reorder, c.delayMs, ms(v));
              default -> throw new IllegalArgumentException("unknown key: " + kv[0]);
            };
      }
      return c;
    }

    private static double p(String v) {
      double d =
          v.endsWith("%")
              ? Double.parseDouble(v.substring(0, v.length() - 1)) / 100
              : Double.parseDouble(v);
      if (!(d >= 0 && d <= 1)) {
        throw new IllegalArgumentException("not a probability: " + v);
      }
      return d;
    }

    private static long ms(String v) {
      long n = Long.parseLong(v.endsWith("ms") ? v.substring(0, v.length() - 2) : v);
      if (n < 0 || n > 60_000) {
        throw new IllegalArgumentException("not 0..60000 ms: " + v);
      }
      return n;
    }
  }

  /** One class of traffic in one direction: its chaos, generator and counters. */
  static final class Stream {
    final String name;
    final Chaos chaos;
    final Random random;
    final AtomicLong in = new AtomicLong();
    final AtomicLong lost = new AtomicLong();
    final AtomicLong dup = new AtomicLong();
    final AtomicLong reordered = new AtomicLong();
    final AtomicLong out = new AtomicLong();

    Stream(String name, Chaos chaos, long seed) {
      this.name = name;
      this.chaos = chaos;
      this.random = new Random(seed);
    }

    @Override
    public String toString() {
      return name
          + " in="
          + in
          + " lost="
          + lost
          + " dup="
          + dup
          + " reordered="
          + reordered
          + " out="
          + out;
    }
  }

  /** RFC 3948 section 2.2: on 4500 the non-ESP marker or a keepalive is IKE, the rest ESP. */
  static boolean isEsp(int port, byte[] b, int len) {
    if (port != 4500) {
      return false;
    }
    if (len == 1 && (b[0] & 0xFF) == 0xFF) {
      return false;
    }
    return !(len >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0);
  }

  @Override
  int run(PrintWriter out, PrintWriter err) {
    InetAddress aSide;
    InetAddress bSide;
    InetAddress a;
    InetAddress b;
    Chaos ikeAb;
    Chaos ikeBa;
    Chaos espAb;
    Chaos espBa;
    try {
      aSide = InetAddress.getByName(aSideOption);
      bSide = InetAddress.getByName(bSideOption);
      a = InetAddress.getByName(aOption);
      b = InetAddress.getByName(bOption);
      Chaos ike = Chaos.parse(ikeOption, Chaos.NONE);
      Chaos esp = Chaos.parse(espOption, Chaos.NONE);
      ikeAb = Chaos.parse(ikeAbOption, ike);
      ikeBa = Chaos.parse(ikeBaOption, ike);
      espAb = Chaos.parse(espAbOption, esp);
      espBa = Chaos.parse(espBaOption, esp);
    } catch (IOException | IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    for (int port : portsOption) {
      range("--ports", port, 1, 65535);
    }
    range("--duration", durationOption, 0, Long.MAX_VALUE);
    range("--report", reportOption, 0, Long.MAX_VALUE);
    // streams: 0 IKE A->B, 1 IKE B->A, 2 ESP A->B, 3 ESP B->A
    Stream[] streams = {
      new Stream("ike-ab", ikeAb, seedOption * 4),
      new Stream("ike-ba", ikeBa, seedOption * 4 + 1),
      new Stream("esp-ab", espAb, seedOption * 4 + 2),
      new Stream("esp-ba", espBa, seedOption * 4 + 3)
    };
    ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    List<DatagramSocket> sockets = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    try {
      DatagramSocket[] aSock = new DatagramSocket[portsOption.length];
      DatagramSocket[] bSock = new DatagramSocket[portsOption.length];
      for (int i = 0; i < portsOption.length; i++) {
        aSock[i] = bind(aSide, portsOption[i], sockets);
        bSock[i] = bind(bSide, portsOption[i], sockets);
      }
      for (int i = 0; i < portsOption.length; i++) {
        int port = portsOption[i];
        threads.add(pump(aSock[i], bSock[i], b, port, streams[0], streams[2], sender, err, done));
        threads.add(pump(bSock[i], aSock[i], a, port, streams[1], streams[3], sender, err, done));
      }
      out.println(
          "relaying "
              + aOption
              + " <-> "
              + bOption
              + " via "
              + aSideOption
              + "/"
              + bSideOption
              + " ports "
              + Arrays.toString(portsOption)
              + " seed "
              + seedOption);
      out.flush();
      Runnable report =
          () -> {
            for (Stream s : streams) {
              out.println(s);
            }
            out.flush();
          };
      Thread atExit = new Thread(report); // killed (SIGTERM): the counters are still printed
      Runtime.getRuntime().addShutdownHook(atExit);
      if (reportOption > 0) {
        sender.scheduleAtFixedRate(report, reportOption, reportOption, TimeUnit.MILLISECONDS);
      }
      boolean failed;
      if (durationOption > 0) {
        failed = done.await(durationOption, TimeUnit.MILLISECONDS);
      } else {
        done.await();
        failed = true;
      }
      Runtime.getRuntime().removeShutdownHook(atExit);
      report.run();
      return failed ? Tool.FAILED : Tool.OK;
    } catch (IOException e) {
      err.println("chaos-relay: " + e);
      return Tool.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Tool.OK;
    } finally {
      for (DatagramSocket s : sockets) {
        s.close();
      }
      sender.shutdownNow();
    }
  }

  private static DatagramSocket bind(InetAddress addr, int port, List<DatagramSocket> sockets)
      throws SocketException {
    DatagramSocket s = new DatagramSocket(new InetSocketAddress(addr, port));
    s.setReceiveBufferSize(4 << 20);
    s.setSendBufferSize(4 << 20);
    sockets.add(s);
    return s;
  }

  /** Receives on {@code from} and relays out of {@code to} to {@code peer:port}, with chaos. */
  private static Thread pump(
      DatagramSocket from,
      DatagramSocket to,
      InetAddress peer,
      int port,
      Stream ike,
      Stream esp,
      ScheduledExecutorService sender,
      PrintWriter err,
      CountDownLatch done) {
    InetSocketAddress dst = new InetSocketAddress(peer, port);
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[65536];
              DatagramPacket p = new DatagramPacket(buf, buf.length);
              while (!from.isClosed()) {
                p.setLength(buf.length);
                try {
                  from.receive(p);
                } catch (IOException e) {
                  if (!from.isClosed()) {
                    err.println("chaos-relay: " + e);
                    done.countDown();
                  }
                  return;
                }
                byte[] data = Arrays.copyOf(buf, p.getLength());
                Stream s = isEsp(port, data, data.length) ? esp : ike;
                s.in.incrementAndGet();
                Chaos c = s.chaos;
                long delay;
                boolean duplicate;
                synchronized (s.random) {
                  if (s.random.nextDouble() < c.loss()) {
                    s.lost.incrementAndGet();
                    continue;
                  }
                  delay = c.delayMs();
                  if (s.random.nextDouble() < c.reorder()) {
                    delay += 1 + (long) (s.random.nextDouble() * c.holdMs());
                    s.reordered.incrementAndGet();
                  }
                  duplicate = s.random.nextDouble() < c.dup();
                }
                send(sender, to, dst, data, delay, s, err);
                if (duplicate) {
                  s.dup.incrementAndGet();
                  send(sender, to, dst, data, delay + 1, s, err);
                }
              }
            },
            "relay-" + from.getLocalSocketAddress());
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void send(
      ScheduledExecutorService sender,
      DatagramSocket to,
      InetSocketAddress dst,
      byte[] data,
      long delayMs,
      Stream s,
      PrintWriter err) {
    Runnable r =
        () -> {
          try {
            to.send(new DatagramPacket(data, data.length, dst));
            s.out.incrementAndGet();
          } catch (IOException e) {
            err.println("chaos-relay: send to " + dst + ": " + e); // e.g. ENOBUFS: a loss too
          }
        };
    try {
      sender.schedule(r, delayMs, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // shutting down
    }
  }
}
