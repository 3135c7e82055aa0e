package org.meshsec.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.config.MetricsConfig;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.control.command.DaemonControl;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.daemon.DaemonPair;
import org.meshsec.core.packet.PacketBuilder;
import org.meshsec.core.stats.XfrmStat;
import org.meshsec.ike.sa.EngineStats;
import org.meshsec.ike.sa.IkeSaState;
import org.meshsec.tun.tuntest.TunFake;

/**
 * The metrics endpoint of two IKE daemons in one JVM (real UDP sockets on 127.3.1.x, fake TUN
 * devices, no root): scraped over HTTP, the exposition parses, and every number that {@code stats
 * --json} and {@code sa-list --json} show is the same on the endpoint for the same daemon state.
 */
class MetricsEndpointTest {
  static final int IKE_PORT = 10510;
  static final String PSK =
      "6d6573687365632069676c75652074657374206b65792c206e6f742061207365637265";
  static final Duration WAIT = Duration.ofSeconds(10);

  /** One sample line of the Prometheus text format: name, optional labels, value. */
  static final Pattern SAMPLE =
      Pattern.compile(
          "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*)\\})?"
              + " (-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)");

  @TempDir Path dir;
  Daemon a;
  Daemon b;
  MetricsEndpoint extra;
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void tearDown() {
    if (extra != null) {
      extra.close();
    }
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  static String config(
      String name, String self, String peerName, String peer, String src, String dst, String x) {
    return DaemonPair.config(IKE_PORT, name, self, peerName, peer, src, dst, "", x);
  }

  Path write(String name, String cfg) throws IOException {
    return DaemonPair.write(dir, name, cfg, PSK);
  }

  static Daemon start(Path cfg, TunFake fake) throws IOException {
    return DaemonPair.start(cfg, fake);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static byte[] udp(String src, String dst, int n) {
    ByteBuf buf = Unpooled.buffer(2000);
    int len = new PacketBuilder().addresses(src, dst).udp(buf, 0, 1111, 2222, n);
    byte[] out = new byte[len];
    buf.getBytes(0, out);
    buf.release();
    return out;
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  static ControlResponse call(Daemon d, ControlRequest request) throws InterruptedException {
    return DaemonControl.commands(d).call(request);
  }

  String get(InetSocketAddress at) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://"
                            + at.getAddress().getHostAddress()
                            + ":"
                            + at.getPort()
                            + "/metrics"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(
        r.headers().firstValue("content-type").orElse("").startsWith("text/plain"),
        r.headers().toString());
    return r.body();
  }

  /**
   * Parses the exposition: every line is a HELP or TYPE comment or a well-formed sample; returns
   * samples keyed by {@code name{labels}} exactly as written.
   */
  static Map<String, Double> parse(String text) {
    Map<String, Double> out = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertTrue(m.matches(), "not a sample line: " + line);
      String key = canon(m.group(1) + (m.group(2) == null ? "" : m.group(2)));
      assertNull(out.put(key, Double.parseDouble(m.group(4).replace("+Inf", "Infinity"))), line);
    }
    return out;
  }

  static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** {@code name{labels}} with the labels sorted by name (the exposition's order is its own). */
  static String canon(String key) {
    int brace = key.indexOf('{');
    if (brace < 0) {
      return key;
    }
    TreeMap<String, String> labels = new TreeMap<>();
    Matcher l = LABEL.matcher(key.substring(brace));
    while (l.find()) {
      labels.put(l.group(1), l.group(2));
    }
    StringBuilder sb = new StringBuilder(key.substring(0, brace)).append('{');
    labels.forEach((k, v) -> sb.append(k).append("=\"").append(v).append("\","));
    sb.setLength(sb.length() - 1);
    return sb.append('}').toString();
  }

  static double value(Map<String, Double> m, String key) {
    key = canon(key);
    Double v = m.get(key);
    String k = key;
    assertNotNull(v, () -> k + " not in " + m.keySet());
    return v;
  }

  /** stats --json as counter name -> value. */
  static Map<String, Long> stats(Daemon d) throws InterruptedException {
    ControlResponse r = call(d, new ControlRequest.Stats(true));
    assertTrue(r.ok(), r.body());
    Map<String, Long> out = new HashMap<>();
    for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it =
            r.json().fields();
        it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().equals("peers")) {
        continue; // per-peer totals: compared by scrapeAndCompare
      }
      out.put(e.getKey(), e.getValue().asLong());
    }
    return out;
  }

  /**
   * Scrapes {@code d} while its stats stay unchanged (they do once the test's traffic is through)
   * and checks that every stats counter has the same value on the endpoint.
   */
  Map<String, Double> scrapeAndCompare(Daemon d, InetSocketAddress at) throws Exception {
    for (int attempt = 0; attempt < 5; attempt++) {
      Map<String, Long> before = stats(d);
      String text = get(at);
      Map<String, Long> after = stats(d);
      if (!before.equals(after)) {
        Thread.sleep(100);
        continue;
      }
      Map<String, Double> m = parse(text);
      for (XfrmStat s : XfrmStat.values()) {
        String key = "meshsec_xfrm_errors_total{reason=\"" + s.statName() + "\"}";
        assertEquals((double) before.get(s.statName()), value(m, key), key);
      }
      for (org.meshsec.core.stats.TunCounter c : org.meshsec.core.stats.TunCounter.values()) {
        assertEquals(
            (double) before.get(c.statName()), value(m, c.metricName() + "_total"), c.statName());
      }
      for (org.meshsec.core.stats.UdpCounter c : org.meshsec.core.stats.UdpCounter.values()) {
        assertEquals(
            (double) before.get(c.statName()), value(m, c.metricName() + "_total"), c.statName());
      }
      int ike = 0;
      for (Map.Entry<String, Long> st : before.entrySet()) {
        if (!st.getKey().startsWith("Ike")) {
          continue;
        }
        String key =
            st.getKey().equals("IkeHalfOpen")
                ? "meshsec_ike_half_open"
                : st.getKey().equals("IkeHalfOpenPerSourceLimit")
                    ? "meshsec_ike_half_open_per_source_limit"
                    : "meshsec_ike_engine_events_total{event=\""
                        + snake(st.getKey().substring("Ike".length()))
                        + "\"}";
        assertEquals((double) st.getValue(), value(m, key), key);
        ike++;
      }
      assertEquals(
          XfrmStat.values().length
              + org.meshsec.core.stats.TunCounter.values().length
              + org.meshsec.core.stats.UdpCounter.values().length
              + ike,
          before.size(),
          "every stats counter checked");
      // each peer's totals: the same on the endpoint, where they survive rekeys
      var peers = call(d, new ControlRequest.Stats(true)).json().get("peers");
      if (peers != null) {
        for (var it = peers.fields(); it.hasNext(); ) {
          var peer = it.next();
          for (String dir : List.of("in", "out")) {
            String labels = "{peer=\"%s\",direction=\"%s\"}".formatted(peer.getKey(), dir);
            assertEquals(
                peer.getValue().get("bytes_" + dir).asDouble(),
                value(m, "meshsec_peer_bytes_total" + labels),
                labels);
            assertEquals(
                peer.getValue().get("packets_" + dir).asDouble(),
                value(m, "meshsec_peer_packets_total" + labels),
                labels);
          }
        }
      }
      return m;
    }
    fail("the daemon's counters kept changing");
    return null;
  }

  /** sa-list --json: each SA's packets and bytes are its per-SA series on the endpoint. */
  void compareSas(Daemon d, Map<String, Double> m, String peer) throws Exception {
    ControlResponse r = call(d, new ControlRequest.SaList(true));
    int n = 0;
    for (var sa : r.json()) {
      String labels =
          "{peer=\"%s\",direction=\"%s\",spi=\"%s\"}"
              .formatted(peer, sa.get("direction").asText(), sa.get("spi").asText());
      assertEquals(sa.get("packets").asDouble(), value(m, "meshsec_sa_packets_total" + labels));
      assertEquals(sa.get("bytes").asDouble(), value(m, "meshsec_sa_bytes_total" + labels));
      n++;
    }
    assertEquals(2, n, r.body());
  }

  @Test
  void scrapeMatchesStatsAndSaListAndCountsIkeEvents() throws Exception {
    TunFake tunA = new TunFake("fake-a", 1400);
    TunFake tunB = new TunFake("fake-b", 1400);
    int port = freePort();
    b =
        start(
            write(
                "b", config("b", "127.3.1.2", "a", "127.3.1.1", "10.9.1.0/24", "10.9.0.0/24", "")),
            tunB);
    a =
        start(
            write(
                "a",
                config(
                        "a",
                        "127.3.1.1",
                        "b",
                        "127.3.1.2",
                        "10.9.0.0/24",
                        "10.9.1.0/24",
                        "\n[metrics]\nlisten = \"127.0.0.1:" + port + "\"\n")
                    .replace("ike_port = ", "half_open_per_source = 7\nike_port = ")),
            tunA);
    assertNull(b.metrics(), "no [metrics]: no endpoint");
    InetSocketAddress atA = a.metrics().address();
    assertEquals(port, atA.getPort());
    // b's endpoint started by hand on an ephemeral port: a second registry in the same JVM
    extra =
        MetricsEndpoint.start(
            MetricsConfig.on(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), b);
    InetSocketAddress atB = extra.address();
    assertTrue(atB.getPort() > 0);

    // Before any traffic: peer known, nothing established.
    Map<String, Double> m = scrapeAndCompare(a, atA);
    assertEquals(0, value(m, "meshsec_peer_ike_sas_established{peer=\"b\"}"));
    assertEquals(0, value(m, "meshsec_ike_sas{state=\"ESTABLISHED\"}"));

    // A LARVAL SA (an SPI reserved by IKE, no policy yet): labelled by the peer's address.
    int larval =
        a.dataPath()
            .sad()
            .getSpi(a.config().node().addresses().get(0), b.config().node().addresses().get(0));
    m = scrapeAndCompare(a, atA);
    assertEquals(1, value(m, "meshsec_sas{direction=\"in\",state=\"LARVAL\"}"));
    assertEquals(
        0,
        value(
            m,
            "meshsec_sa_packets_total{peer=\"b\",direction=\"in\",spi=\"%s\"}"
                .formatted(String.format("0x%08x", larval))));
    assertEquals(0, value(m, "meshsec_larval_queued_packets{direction=\"in\"}"));
    a.dataPath().sad().delete(org.meshsec.core.spd.Direction.IN, larval, null);

    // The first packet negotiates; then traffic both ways, and a packet no policy matches.
    byte[] first = udp("10.9.0.1", "10.9.1.1", 200);
    tunA.inject(first);
    assertArrayEquals(first, tunB.pollWrittenBytes(10, TimeUnit.SECONDS), "first packet");
    await(
        "both ESTABLISHED",
        () ->
            a.ike().list().stream().anyMatch(s -> s.state() == IkeSaState.ESTABLISHED)
                && b.ike().list().stream().anyMatch(s -> s.state() == IkeSaState.ESTABLISHED));
    for (int i = 0; i < 10; i++) {
      byte[] p = udp("10.9.0.1", "10.9.1.1", 10 + i * 50);
      tunA.inject(p);
      assertArrayEquals(p, tunB.pollWrittenBytes(5, TimeUnit.SECONDS), "A->B #" + i);
      byte[] q = udp("10.9.1.1", "10.9.0.1", 20 + i * 30);
      tunB.inject(q);
      assertArrayEquals(q, tunA.pollWrittenBytes(5, TimeUnit.SECONDS), "B->A #" + i);
    }
    tunA.inject(udp("10.9.0.1", "10.77.0.1", 100)); // no policy: XfrmOutNoPols
    await(
        "the unmatched packet counted", () -> a.dataPath().stats().get(XfrmStat.OUT_NO_POLS) == 1);

    m = scrapeAndCompare(a, atA);
    compareSas(a, m, "b");
    assertEquals(1, value(m, "meshsec_xfrm_errors_total{reason=\"XfrmOutNoPols\"}"));
    assertEquals(12, value(m, "meshsec_tun_rx_packets_total"));
    assertEquals(1, value(m, "meshsec_peer_ike_sas_established{peer=\"b\"}"));
    assertEquals(1, value(m, "meshsec_peer_child_sas_installed{peer=\"b\"}"));
    assertEquals(1, value(m, "meshsec_ike_sas{state=\"ESTABLISHED\"}"));
    assertEquals(1, value(m, "meshsec_child_sas{state=\"INSTALLED\"}"));
    assertEquals(1, value(m, "meshsec_peer_sas{peer=\"b\",direction=\"in\"}"));
    assertEquals(1, value(m, "meshsec_peer_sas{peer=\"b\",direction=\"out\"}"));
    assertEquals(1, value(m, "meshsec_sas{direction=\"in\",state=\"MATURE\"}"));
    assertTrue(value(m, "meshsec_peer_inbound_idle_seconds{peer=\"b\"}") >= 0);
    assertEquals(0, value(m, "meshsec_larval_queued_packets{direction=\"out\"}"));
    assertEquals(0, value(m, "meshsec_acquires_pending"));
    assertEquals(1, value(m, "meshsec_ike_handshakes_total{peer=\"b\",result=\"established\"}"));
    assertEquals(1, value(m, "meshsec_ike_handshake_duration_seconds_count"));
    assertEquals(1, value(m, "meshsec_child_sa_installs_total{result=\"installed\"}"));
    assertEquals(0, value(m, "meshsec_ike_dpd_failures_total"));
    assertEquals(7, value(m, "meshsec_ike_half_open_per_source_limit"), "[listen] as configured");
    // dead peers by the exchange that found them; the DPD failures alone under their own name
    EngineStats ea = a.ike().engine().stats();
    ea.deadPeer(EngineStats.DeadPeerCause.EXCHANGE);
    ea.deadPeer(EngineStats.DeadPeerCause.EXCHANGE);
    ea.deadPeer(EngineStats.DeadPeerCause.DPD);
    m = scrapeAndCompare(a, atA);
    assertEquals(1, value(m, "meshsec_ike_dpd_failures_total"), "only the DPD failure");
    assertEquals(1, value(m, "meshsec_ike_dead_peers_total{cause=\"dpd\"}"));
    assertEquals(2, value(m, "meshsec_ike_dead_peers_total{cause=\"exchange\"}"));
    assertEquals(0, value(m, "meshsec_ike_dead_peers_total{cause=\"handshake\"}"));
    assertEquals(3, value(m, "meshsec_ike_engine_events_total{event=\"dead_peers\"}"));
    assertEquals(0, value(m, "meshsec_ike_internal_errors_total"));
    assertFalse(m.keySet().stream().anyMatch(k -> k.startsWith("meshsec_ike_rekeys_total")));

    Map<String, Double> mb = scrapeAndCompare(b, atB);
    compareSas(b, mb, "a");
    assertEquals(10, value(mb, "meshsec_tun_rx_packets_total"));
    assertEquals(1, value(mb, "meshsec_ike_handshakes_total{peer=\"a\",result=\"established\"}"));

    // An IKE rekey: counted once on each side (the old SA becomes REKEYED).
    assertTrue(call(a, new ControlRequest.Rekey("b", null, false)).ok());
    await(
        "b counts the rekey",
        () -> {
          try {
            return parse(get(atB)).getOrDefault(canon("meshsec_ike_rekeys_total{peer=\"a\"}"), 0.0)
                == 1;
          } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
          }
        });
    m = parse(get(atA));
    assertEquals(1, value(m, "meshsec_ike_rekeys_total{peer=\"b\"}"));
    assertEquals(1, value(m, "meshsec_ike_handshakes_total{peer=\"b\",result=\"established\"}"));
    assertFalse(
        m.keySet().stream().anyMatch(k -> k.startsWith("meshsec_ike_sa_deletions_total{")),
        "a rekey is not a deletion");

    // terminate: one deletion each side; nothing established any more.
    assertTrue(call(a, new ControlRequest.Terminate("b", null, false)).ok());
    await("b drops its IKE SA", () -> b.ike().list().isEmpty());
    m = parse(get(atA));
    assertEquals(1, value(m, "meshsec_ike_sa_deletions_total{peer=\"b\"}"));
    assertEquals(0, value(m, "meshsec_peer_ike_sas_established{peer=\"b\"}"));
    assertEquals(1, value(parse(get(atB)), "meshsec_ike_sa_deletions_total{peer=\"a\"}"));

    // A changed [metrics] table is refused by a reload; the endpoint stops with the daemon.
    Files.writeString(
        dir.resolve("a.toml"),
        Files.readString(dir.resolve("a.toml")).replace(":" + port, ":" + (port + 1)));
    Daemon.ReloadResult rr = a.reload();
    assertFalse(rr.applied(), rr.messages().toString());
    assertTrue(rr.messages().toString().contains("[metrics]"), rr.messages().toString());
    a.close();
    assertThrows(ConnectException.class, () -> get(atA));
  }

  @Test
  void aNodeWithoutPeersHasNoIkeMetrics() throws Exception {
    Path cfg = dir.resolve("c.toml");
    Files.writeString(
        cfg,
        """
        [node]
        name = "c"
        address = "127.3.1.3"

        [tun]
        name = "fake-c"
        addresses = ["10.9.5.1/24"]
        routes = ["10.9.6.0/24"]

        [listen]
        address = ["127.3.1.3"]

        [[policy]]
        name = "block"
        direction = "out"
        src = "10.9.5.0/24"
        dst = "10.9.6.0/24"
        action = "discard"
        """);
    TunFake tun = new TunFake("fake-c", 1400);
    a = start(cfg, tun);
    extra =
        MetricsEndpoint.start(
            MetricsConfig.on(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)), a);
    tun.inject(udp("10.9.5.1", "10.9.6.1", 50));
    await("blocked", () -> a.dataPath().stats().get(XfrmStat.OUT_POL_BLOCK) == 1);
    String text = get(extra.address());
    Map<String, Double> m = scrapeAndCompare(a, extra.address());
    assertEquals(1, value(m, "meshsec_xfrm_errors_total{reason=\"XfrmOutPolBlock\"}"));
    assertFalse(text.contains("meshsec_ike_") || text.contains("meshsec_peer_ike"), text);
  }

  @Test
  void anAddressInUseFailsTheStartNamingIt() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      Path cfg =
          write(
              "a",
              config(
                  "a",
                  "127.3.1.1",
                  "b",
                  "127.3.1.2",
                  "10.9.0.0/24",
                  "10.9.1.0/24",
                  "\n[metrics]\nlisten = \"127.0.0.1:" + port + "\"\n"));
      IOException e =
          assertThrows(IOException.class, () -> start(cfg, new TunFake("fake-a", 1400)));
      assertTrue(e.getMessage().contains("metrics endpoint 127.0.0.1:" + port), e.getMessage());
    }
  }

  /** {@code HalfOpenDroppedPerSource} -> {@code half_open_dropped_per_source}. */
  static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }
}
