package org.meshsec.core.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.cli.Main;
import org.meshsec.core.config.NodeConfig;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.control.ControlServer;
import org.meshsec.core.control.command.DaemonControl;
import org.meshsec.core.control.command.IkeListCommand;
import org.meshsec.core.control.command.ShowCommand;
import org.meshsec.core.sad.SaInfo;
import org.meshsec.core.sad.SaState;
import org.meshsec.core.spd.Direction;
import org.meshsec.ike.sa.IkeListener;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;
import org.meshsec.tun.tuntest.TunFake;

/**
 * Two complete daemons in one JVM negotiating their SAs with IKEv2 (PSK): real Netty UDP sockets on
 * 127.3.0.1 and 127.3.0.2 (ESP and NAT-T IKE on 4500, IKE_SA_INIT on port {@value #IKE_PORT} so
 * that no root is needed), fake TUN devices, configuration from TOML. The first packet of a flow
 * raises the ACQUIRE that starts the negotiation, waits in the SAD's queue and is delivered once
 * the Child SA is installed.
 */
class IkeDaemonsTest {
  static final int IKE_PORT = 10500;
  static final String PSK =
      "6d6573687365632069676c75652074657374206b65792c206e6f742061207365637265";
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  Daemon a;
  Daemon b;
  TunFake tunA;
  TunFake tunB;

  @AfterEach
  void tearDown() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  static String config(
      String name,
      String self,
      String peerName,
      String peer,
      String src,
      String dst,
      String extra) {
    return DaemonPair.config(IKE_PORT, name, self, peerName, peer, src, dst, extra, "");
  }

  Path write(String name, String cfg) throws IOException {
    return DaemonPair.write(dir, name, cfg, PSK);
  }

  Daemon start(Path cfg, TunFake fake) throws IOException {
    return DaemonPair.start(cfg, fake);
  }

  void startBoth(String extraA, String extraB) throws IOException {
    tunA = new TunFake("fake-a", 1400);
    tunB = new TunFake("fake-b", 1400);
    b =
        start(
            write(
                "b",
                config("b", "127.3.0.2", "a", "127.3.0.1", "10.9.1.0/24", "10.9.0.0/24", extraB)),
            tunB);
    a =
        start(
            write(
                "a",
                config("a", "127.3.0.1", "b", "127.3.0.2", "10.9.0.0/24", "10.9.1.0/24", extraA)),
            tunA);
  }

  static ControlResponse call(Daemon d, ControlRequest request) throws InterruptedException {
    return DaemonControl.commands(d).call(request);
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

  static List<SaInfo> mature(Daemon d) {
    return d.dataPath().sad().dump().stream().filter(s -> s.state() == SaState.MATURE).toList();
  }

  @Test
  void statsShowTheIkeCountersAndAnAbsurdLengthIsCounted() throws Exception {
    startBoth("", "");
    // an IKE header whose Length says 4 GB, sent to b's IKE port
    byte[] absurd = new byte[40];
    absurd[17] = 0x20; // IKEv2
    absurd[18] = 34; // IKE_SA_INIT
    absurd[24] = (byte) 0xFF;
    try (java.net.DatagramSocket s =
        new java.net.DatagramSocket(
            new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.3.0.1"), 0))) {
      s.send(
          new java.net.DatagramPacket(
              absurd,
              absurd.length,
              new java.net.InetSocketAddress(
                  java.net.InetAddress.getByName("127.3.0.2"), IKE_PORT)));
    }
    await("the drop counted", () -> b.ike().engine().stats().badLength.get() == 1);
    ControlResponse text = call(b, new ControlRequest.Stats(false));
    assertTrue(text.ok(), text.body());
    assertTrue(text.body().matches("(?s).*IkeBadLength\\s+1\n.*"), text.body());
    assertTrue(text.body().contains("IkeHalfOpenDroppedPerSource"), text.body());
    assertTrue(text.body().contains("InNoStates"), "next to the xfrm_stat counters");
    for (String liveness :
        List.of("IkeUnknownSpiRepairs", "IkeDpdFailures", "IkeBackoffRestarts")) {
      assertTrue(text.body().contains(liveness), liveness + " in " + text.body());
    }
    ControlResponse json = call(b, new ControlRequest.Stats(true));
    assertTrue(json.body().contains("\"IkeBadLength\":1"), json.body());
    assertTrue(json.body().contains("\"IkeMalformed\":1"), json.body());
  }

  @Test
  void firstPacketTriggersNegotiationAndIsDeliveredThenTerminateRemovesEverything()
      throws Exception {
    startBoth("", "");
    assertTrue(a.ike().list().isEmpty(), "trap: nothing negotiated before traffic");

    // sa-list copes with a LARVAL SA (an SPI reserved by IKE: no mode, suite or selector yet)
    int larval =
        a.dataPath()
            .sad()
            .getSpi(a.config().node().addresses().get(0), b.config().node().addresses().get(0));
    for (ControlRequest cmd :
        List.of(new ControlRequest.SaList(false), new ControlRequest.SaList(true))) {
      ControlResponse r = call(a, cmd);
      assertTrue(r.ok() && r.body().contains(String.format("0x%08x", larval)), r.body());
    }
    assertTrue(call(a, new ControlRequest.SaList(true)).body().contains("\"age_seconds\":0"));
    a.dataPath().sad().delete(Direction.IN, larval, null);

    // The first packet: ACQUIRE -> IKE_SA_INIT, IKE_AUTH -> Child SA installed -> queue drained.
    byte[] first = TwoDaemonsTest.udp("10.9.0.1", "10.9.1.1", 200);
    tunA.inject(first);
    assertArrayEquals(first, tunB.pollWrittenBytes(10, TimeUnit.SECONDS), "first packet");

    // (the pair is installed, and the packet sent, just before the IKE SA's state changes)
    await("both ESTABLISHED", () -> established(a) && established(b));
    IkeSaInfo sa = only(a);
    IkeSaInfo sb = only(b);
    assertTrue(sa.originalInitiator());
    assertFalse(sb.originalInitiator());
    assertEquals(sa.initiatorSpi(), sb.initiatorSpi());
    assertEquals(sa.responderSpi(), sb.responderSpi());
    assertEquals(4500, sa.local().getPort(), "IKE_AUTH on the NAT-T port");
    assertEquals(1, sa.children().size());
    assertEquals(sa.children().get(0).inboundSpi(), sb.children().get(0).outboundSpi());
    assertEquals("[10.9.0.0..10.9.0.255]", sa.children().get(0).localTs().toString());

    String show = call(a, new ControlRequest.Show(false)).body();
    assertTrue(show.startsWith("peer: b\n  address: 127.3.0.2:4500\n  state: ESTABLISHED"), show);
    assertTrue(show.contains("latest packet received: ") && show.contains(" received, "), show);
    assertTrue(show.contains("next rekey: in "), show);
    String showJson = call(a, new ControlRequest.Show(true)).body();
    assertTrue(showJson.contains("\"peer\":\"b\",\"address\":\"127.3.0.2:4500\""), showJson);
    assertTrue(showJson.contains("\"bytes_out\":"), showJson);
    String saText = call(a, new ControlRequest.SaList(false)).body();
    assertTrue(saText.contains("  policy lan, peer b"), saText);
    String saJson = call(a, new ControlRequest.SaList(true)).body();
    assertTrue(saJson.contains("\"policy\":\"lan\",\"peer_name\":\"b\""), saJson);

    // Both directions through the negotiated SAs.
    for (int i = 0; i < 20; i++) {
      byte[] p = TwoDaemonsTest.udp("10.9.0.1", "10.9.1.1", 10 + i * 50);
      tunA.inject(p);
      assertArrayEquals(p, tunB.pollWrittenBytes(5, TimeUnit.SECONDS), "A->B #" + i);
      byte[] q = TwoDaemonsTest.udp("10.9.1.1", "10.9.0.1", 10 + i * 50);
      tunB.inject(q);
      assertArrayEquals(q, tunA.pollWrittenBytes(5, TimeUnit.SECONDS), "B->A #" + i);
    }
    assertEquals(2, mature(a).size(), a.dataPath().sad().dump().toString());
    assertEquals(2, mature(b).size(), b.dataPath().sad().dump().toString());
    SaInfo out =
        a.dataPath()
            .sad()
            .get(Direction.OUT, sa.children().get(0).outboundSpi(), sb.local().getAddress())
            .orElseThrow();
    assertEquals(21, out.packets());

    // The control commands: one IKE SA each, with its child.
    ControlResponse list = call(a, new ControlRequest.IkeList(true));
    IkeListCommand.View[] views = list.bodyAs(IkeListCommand.View[].class);
    assertEquals(1, views.length);
    assertEquals("b", views[0].peer());
    assertEquals(String.format("%016x", sa.initiatorSpi()), views[0].spiI());
    assertEquals(List.of("10.9.0.0/24"), views[0].children().get(0).localTs());
    String json = list.body();
    assertTrue(json.startsWith("[{\"id\":"), json);
    assertTrue(json.contains("\"peer\":\"b\"") && json.contains("\"state\":\"ESTABLISHED\""), json);
    assertTrue(json.contains("\"name\":\"lan\""), json);
    assertTrue(json.contains("\"local_ts\":[\"10.9.0.0/24\"]"), json);
    assertEquals(1, json.split("\"spi_i\"").length - 1, json);
    String text = call(b, new ControlRequest.IkeList(false)).body();
    assertTrue(text.contains("ESTABLISHED") && text.contains("responder"), text);
    assertTrue(text.contains("aes128gcm16-prfsha256-x25519"), text);
    assertTrue(text.contains("10.9.1.0/24 === 10.9.0.0/24"), text);
    assertTrue(text.contains("ids 127.3.0.2 <-> 127.3.0.1, auth psk"), text);
    assertTrue(text.contains("aes128gcm16 pfs none"), text);
    assertTrue(
        json.contains("\"local_id\":\"127.3.0.1\"") && json.contains("\"auth\":\"psk\""), json);
    assertTrue(json.contains("\"pfs\":\"none\""), json);
    assertFalse(json.contains(PSK.substring(0, 16)) || text.contains(PSK.substring(0, 16)));
    assertTrue(
        call(a, new ControlRequest.Status(false)).body().contains("ike_sas"),
        call(a, new ControlRequest.Status(false)).body());

    // terminate: the INFORMATIONAL Delete removes the SAs on both nodes.
    ControlResponse t = call(a, new ControlRequest.Terminate("b", null, false));
    assertTrue(t.ok(), t.body());
    assertTrue(a.ike().list().isEmpty(), a.ike().list().toString());
    await("b drops its IKE SA", () -> b.ike().list().isEmpty());
    await("SAs gone from both SADs", () -> mature(a).isEmpty() && mature(b).isEmpty());
    assertFalse(
        call(a, new ControlRequest.Terminate("b", null, false)).ok(), "nothing left to terminate");

    // initiate brings it back by command; traffic flows again; rekey is accepted.
    ControlResponse i = call(a, new ControlRequest.Initiate("b", null, true));
    assertTrue(i.ok(), i.body());
    assertTrue(i.body().contains("\"ok\":true"), i.body());
    byte[] again = TwoDaemonsTest.udp("10.9.1.1", "10.9.0.1", 300);
    tunB.inject(again);
    assertArrayEquals(again, tunA.pollWrittenBytes(5, TimeUnit.SECONDS), "after initiate");
    assertTrue(call(b, new ControlRequest.Rekey("a", null, false)).ok());
    assertFalse(call(b, new ControlRequest.Initiate("nobody", null, false)).ok());
    assertFalse(
        DaemonControl.commands(b).handle("{\"command\":\"rekey\"}").ok(), "rekey needs a peer");

    // The CLI subcommands reach the same commands through the control socket.
    Path sock = dir.resolve("a.sock");
    try (ControlServer server = new ControlServer(sock, DaemonControl.commands(a))) {
      server.start();
      StringWriter cliOut = new StringWriter();
      StringWriter err = new StringWriter();
      int rc =
          Main.execute(
              new PrintWriter(cliOut),
              new PrintWriter(err),
              "ike",
              "list",
              "--json",
              "--socket",
              sock.toString());
      assertEquals(0, rc, err.toString());
      assertTrue(cliOut.toString().contains("\"peer\":\"b\""), cliOut.toString());
      rc =
          Main.execute(
              new PrintWriter(cliOut),
              new PrintWriter(err),
              "initiate",
              "nobody",
              "--socket",
              sock.toString());
      assertEquals(1, rc, "unknown peer: " + err);
      assertTrue(err.toString().contains("no peer named \"nobody\""), err.toString());
    }

    // Shutting a daemon down deletes its IKE SAs with the peer (INFORMATIONAL Delete) first.
    a.close();
    await("b hears the Delete", () -> b.ike().list().isEmpty());
    await("b's SAD is empty", () -> mature(b).isEmpty());
  }

  @Test
  void initiateReturnsAtOnceWithTheReasonWhenTheIkeSaFails() throws Exception {
    tunA = new TunFake("fake-a", 1400);
    tunB = new TunFake("fake-b", 1400);
    Path cb =
        write("b", config("b", "127.3.0.2", "a", "127.3.0.1", "10.9.1.0/24", "10.9.0.0/24", ""));
    // b holds another key: a's IKE_AUTH fails
    Files.writeString(
        dir.resolve("b-secrets.toml"),
        "[keys]\nshared = \"%s\"\n".formatted(PSK.replace('6', '7')));
    b = start(cb, tunB);
    a =
        start(
            write(
                "a", config("a", "127.3.0.1", "b", "127.3.0.2", "10.9.0.0/24", "10.9.1.0/24", "")),
            tunA);
    long t0 = System.nanoTime();
    ControlResponse r = call(a, new ControlRequest.Initiate("b", 60_000L, false));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertFalse(r.ok(), r.body());
    assertTrue(r.body().contains("with b failed before it was established: "), r.body());
    assertTrue(ms < 20_000, "answered after " + ms + " ms, not at the 60 s timeout");
    assertTrue(a.ike().list().isEmpty(), a.ike().list().toString());
  }

  @Test
  void twoInitiatesWaitTogetherAndRekeyAndTerminateWaitForTheirOutcome() throws Exception {
    startBoth("", "");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      var one = pool.submit(() -> call(a, new ControlRequest.Initiate("b", 10_000L, false)));
      var two = pool.submit(() -> call(a, new ControlRequest.Initiate("b", 10_000L, true)));
      ControlResponse r1 = one.get(15, TimeUnit.SECONDS);
      ControlResponse r2 = two.get(15, TimeUnit.SECONDS);
      assertTrue(r1.ok() && r1.body().contains("established, Child SAs [lan]"), r1.body());
      assertTrue(r2.ok() && r2.json().get("ok").asBoolean(), r2.body());
    } finally {
      pool.shutdownNow();
    }
    long before = only(a).id();
    ControlResponse k = call(a, new ControlRequest.Rekey("b", 10_000L, false));
    assertTrue(k.ok(), k.body());
    assertTrue(k.body().contains("rekeyed: [#" + before + "] replaced by [#"), k.body());
    ControlResponse t = call(a, new ControlRequest.Terminate("b", 10_000L, false));
    assertTrue(t.ok(), t.body());
    assertEquals("IKE SA(s) with b deleted\n", t.body());
    assertTrue(a.ike().list().isEmpty(), a.ike().list().toString());
  }

  /**
   * rekey --child replaces the named Child SA's pair and answers with both SPIs, while the IKE SA
   * stays the same; traffic crosses the new pair; an unknown Child SA name is refused.
   */
  @Test
  void rekeyOfOneChildSaKeepsTheIkeSa() throws Exception {
    startBoth("", "");
    assertTrue(call(a, new ControlRequest.Initiate("b", 10_000L, false)).ok());
    IkeSaInfo ikeSa = only(a);
    int oldSpi = ikeSa.children().get(0).inboundSpi();

    ControlResponse k = call(a, new ControlRequest.Rekey("b", 10_000L, false, false, "lan"));
    assertTrue(k.ok(), k.body());
    assertTrue(
        k.body()
            .startsWith(
                "Child SA lan with b rekeyed: SPI(s) in ["
                    + String.format("0x%08x", oldSpi)
                    + "] replaced by [0x"),
        k.body());
    assertEquals(ikeSa.id(), only(a).id(), "the same IKE SA: " + a.ike().list());
    await(
        "the old pair deleted",
        () -> a.dataPath().sad().dump().stream().noneMatch(s -> s.spi() == oldSpi));
    int newSpi = only(a).children().get(0).inboundSpi();
    assertNotEquals(oldSpi, newSpi);
    assertTrue(k.body().contains(String.format("0x%08x", newSpi)), k.body());
    byte[] p = TwoDaemonsTest.udp("10.9.0.1", "10.9.1.1", 100);
    tunA.inject(p);
    assertArrayEquals(p, tunB.pollWrittenBytes(5, TimeUnit.SECONDS), "through the new pair");

    ControlResponse none = call(a, new ControlRequest.Rekey("b", 10_000L, false, false, "wan"));
    assertFalse(none.ok(), none.body());
    assertEquals("no installed Child SA wan with b\n", none.body());
  }

  /**
   * show's transfer, and the metrics endpoint's per-peer totals, count every SA since the start: a
   * Child SA rekey retires the old ESP SAs, and their bytes and packets stay in the totals.
   */
  @Test
  void perPeerTotalsSurviveAChildSaRekey() throws Exception {
    startBoth("", "");
    assertTrue(call(a, new ControlRequest.Initiate("b", 10_000L, false)).ok());
    for (int i = 0; i < 10; i++) {
      byte[] p = TwoDaemonsTest.udp("10.9.0.1", "10.9.1.1", 100);
      tunA.inject(p);
      assertArrayEquals(p, tunB.pollWrittenBytes(5, TimeUnit.SECONDS), "A->B #" + i);
    }
    ShowCommand.PeerView before = showB(a);
    assertEquals(10, before.packetsOut(), "" + before);
    assertTrue(before.bytesOut() > 0, "" + before);
    int oldSpi = only(a).children().get(0).inboundSpi();

    assertTrue(a.ike().engine().rekeyChild("b", "lan"));
    await(
        "the old ESP SAs retired",
        () ->
            a.dataPath().sad().dump().stream().noneMatch(s -> s.spi() == oldSpi)
                && mature(a).size() == 2);
    ShowCommand.PeerView after = showB(a);
    String text = call(a, new ControlRequest.Show(false)).body();
    assertTrue(text.contains(" sent (0 and 10 packets)\n"), text);
    assertEquals(before.packetsOut(), after.packetsOut(), "totals kept across the rekey: " + after);
    assertEquals(before.bytesOut(), after.bytesOut(), "" + after);
    var stats = call(a, new ControlRequest.Stats(true)).json().get("peers").get("b");
    assertEquals(10, stats.get("packets_out").asLong(), "stats --json: " + stats);
    assertEquals(before.bytesOut(), stats.get("bytes_out").asLong(), "stats --json: " + stats);
    String statsText = call(a, new ControlRequest.Stats(false)).body();
    assertTrue(statsText.contains(" / 10 packets out"), "stats: " + statsText);

    byte[] p = TwoDaemonsTest.udp("10.9.0.1", "10.9.1.1", 100);
    tunA.inject(p);
    assertArrayEquals(p, tunB.pollWrittenBytes(5, TimeUnit.SECONDS), "through the new SA");
    ShowCommand.PeerView more = showB(a);
    assertEquals(11, more.packetsOut(), "" + more);
    assertEquals(
        11,
        b.dataPath().sad().peerTotals().get(InetAddress.getByName("127.3.0.1")).packetsIn(),
        "the receiving side's totals too");
  }

  static ShowCommand.PeerView showB(Daemon d) throws InterruptedException {
    ControlResponse r = call(d, new ControlRequest.Show(true));
    return r.bodyAs(ShowCommand.PeerView[].class)[0];
  }

  /**
   * initiate, rekey and terminate report each exchange as it completes, in order, before their
   * answer; the same requests without a progress sink answer exactly as before.
   */
  @Test
  void initiateRekeyAndTerminateReportEachExchangeBeforeTheirAnswer() throws Exception {
    startBoth("", "");
    List<String> steps = new java.util.concurrent.CopyOnWriteArrayList<>();
    ControlResponse i =
        DaemonControl.commands(a)
            .call(new ControlRequest.Initiate("b", 10_000L, false, true), steps::add);
    assertTrue(i.ok(), i.body());
    long id = only(a).id();
    int spi = only(a).children().get(0).inboundSpi();
    assertEquals(
        List.of(
            "IKE_SA_INIT done",
            "IKE_AUTH done, IKE SA #"
                + id
                + " established, Child SA lan installed (SPIs "
                + String.format("%08x", spi)
                + " in, "
                + String.format("%08x", only(a).children().get(0).outboundSpi())
                + " out)"),
        steps);

    steps.clear();
    ControlResponse k =
        DaemonControl.commands(a).call(new ControlRequest.Rekey("b", 10_000L, false), steps::add);
    assertTrue(k.ok(), k.body());
    assertEquals(List.of(), steps, "no progress sink asked for: nothing reported");
    await("the rekeyed IKE SA deleted", () -> a.ike().list().size() == 1);
    long rekeyed = only(a).id();
    ControlResponse k2 =
        DaemonControl.commands(a)
            .call(new ControlRequest.Rekey("b", 10_000L, false, true), steps::add);
    assertTrue(k2.ok(), k2.body());
    assertEquals("CREATE_CHILD_SA done, IKE SA #" + rekeyed + " rekeyed", steps.get(0), "" + steps);

    steps.clear();
    await("the rekeyed IKE SA deleted", () -> a.ike().list().size() == 1);
    long last = only(a).id();
    ControlResponse t =
        DaemonControl.commands(a)
            .call(new ControlRequest.Terminate("b", 10_000L, false, true), steps::add);
    assertTrue(t.ok(), t.body());
    assertEquals(
        "IKE SA #" + last + ": Delete sent, waiting for the peer's answer",
        steps.get(0),
        "" + steps);
    assertTrue(
        steps.size() == 1 || steps.get(1).startsWith("IKE SA #" + last + " deleted: "), "" + steps);
  }

  /**
   * A node that stops while its peer keeps initiating must not leave the peer an IKE SA or an
   * outbound SA into it: once shutdown begins, it answers no IKE_SA_INIT and deletes every SA
   * before its sockets close. Repeated to catch the race.
   */
  @Test
  void closingANodeWhileItsPeerInitiatesLeavesThePeerNothingTowardsIt() throws Exception {
    for (int round = 0; round < 3; round++) {
      startBoth("", "");
      a.ike().initiate("b");
      await("both ESTABLISHED", () -> established(a) && established(b));
      InetAddress bAddress = b.config().node().addresses().get(0);
      AtomicBoolean stop = new AtomicBoolean();
      // a initiates again the moment it loses its IKE SA (b's Delete), on a's IKE thread
      a.ike()
          .addListener(
              new IkeListener() {
                @Override
                public void ikeSaDestroyed(IkeSaInfo last, String reason) {
                  if (!stop.get()) {
                    a.ike().initiate("b");
                  }
                }
              });
      try {
        b.close();
      } finally {
        stop.set(true);
      }
      int r = round;
      await(
          "round " + r + ": a has no ESTABLISHED IKE SA with b",
          () -> a.ike().list().stream().noneMatch(s -> s.state() == IkeSaState.ESTABLISHED));
      await(
          "round " + r + ": a has no MATURE outbound SA to b",
          () ->
              mature(a).stream()
                  .noneMatch(s -> s.direction() == Direction.OUT && s.peer().equals(bAddress)));
      a.close();
      a = null;
      b = null;
    }
  }

  static boolean established(Daemon d) {
    List<IkeSaInfo> l = d.ike().list();
    return l.size() == 1 && l.get(0).state() == IkeSaState.ESTABLISHED;
  }

  static IkeSaInfo only(Daemon d) {
    List<IkeSaInfo> l = d.ike().list();
    assertEquals(1, l.size(), d.config().node().name() + ": " + l);
    return l.get(0);
  }

  @Test
  void reloadRefusesATunChangeBesidePeersAndKeepsRunningTheOldConfiguration() throws Exception {
    tunA = new TunFake("fake-a", 1400);
    String text = config("a", "127.3.0.1", "b", "127.3.0.2", "10.9.0.0/24", "10.9.1.0/24", "");
    Path cfg = write("a", text);
    a = start(cfg, tunA);
    NodeConfig running = a.config();
    long policyId = a.spd().policies().get(0).id();
    write(
        "a",
        text.replace("[tun]\n", "[tun]\nmss_clamp = true\n")
            .replace("auth = \"psk\"", "auth = \"psk\"\ndpd_delay = 45"));
    Daemon.ReloadResult r = a.reload();
    assertFalse(r.applied(), r.messages().toString());
    assertEquals(
        List.of(
            "reload refused, running configuration unchanged: changes to [node], [tun], [listen],"
                + " [routing] or [datapath] need a restart (meshsec run)",
            "  [tun] mss_clamp"),
        r.messages());
    assertSame(running, a.config(), "the running configuration stays");
    assertEquals(policyId, a.spd().policies().get(0).id(), "the SPD is untouched");
  }
}
