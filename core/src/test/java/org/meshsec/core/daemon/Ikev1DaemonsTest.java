package org.meshsec.core.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.control.command.IkeListCommand;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;
import org.meshsec.tun.tuntest.TunFake;

/**
 * Three daemons in one JVM over real UDP sockets: a speaks IKEv1 with b ({@code version = 1}) and
 * IKEv2 with c, on the same ports. The first packet of each flow starts its negotiation (ACQUIRE),
 * waits in the SAD and is delivered; {@code ike list} shows the version and phase 1 mode; {@code
 * terminate} and {@code initiate} work for the IKEv1 peer.
 */
class Ikev1DaemonsTest {
  static final int IKE_PORT = 10510;

  @TempDir Path dir;
  Daemon a;
  Daemon b;
  Daemon c;

  @AfterEach
  void tearDown() {
    for (Daemon d : new Daemon[] {a, b, c}) {
      if (d != null) {
        d.close();
      }
    }
  }

  /** a's second peer (c, IKEv2) and its policy. */
  static final String A_TRAILER =
      """

      [[peer]]
      name = "c"
      address = "127.3.1.3"
      port = %d
      auth = "psk"
      psk = "shared"

      [[policy]]
      name = "lan-c"
      direction = "both"
      src = "10.9.0.0/24"
      dst = "10.9.3.0/24"
      action = "protect"
      ike = "c"
      """
          .formatted(IKE_PORT);

  Daemon start(String name, String cfg, TunFake tun) throws IOException {
    return DaemonPair.start(DaemonPair.write(dir, name, cfg, IkeDaemonsTest.PSK), tun);
  }

  static IkeSaInfo only(Daemon d) {
    List<IkeSaInfo> l = d.ike().list();
    assertEquals(1, l.size(), l.toString());
    return l.get(0);
  }

  @Test
  void ikev1AndIkev2PeersOnTheSamePorts() throws Exception {
    TunFake tunA = new TunFake("fake-a", 1400);
    TunFake tunB = new TunFake("fake-b", 1400);
    TunFake tunC = new TunFake("fake-c", 1400);
    String v1 = "version = 1\nike = \"aes128-sha256-modp2048\"\nesp = \"aes128gcm16\"";
    // a offers two phase 1 proposals; b accepts only the second.
    String v1a =
        "version = 1\nike = [\"aes256-sha384-ecp384\", \"aes128-sha256-modp2048\"]\n"
            + "esp = \"aes128gcm16\"";
    b =
        start(
            "b",
            DaemonPair.config(
                IKE_PORT, "b", "127.3.1.2", "a", "127.3.1.1", "10.9.1.0/24", "10.9.0.0/24", v1, ""),
            tunB);
    c =
        start(
            "c",
            DaemonPair.config(
                IKE_PORT, "c", "127.3.1.3", "a", "127.3.1.1", "10.9.3.0/24", "10.9.0.0/24", "", ""),
            tunC);
    a =
        start(
            "a",
            DaemonPair.config(
                    IKE_PORT,
                    "a",
                    "127.3.1.1",
                    "b",
                    "127.3.1.2",
                    "10.9.0.0/24",
                    "10.9.1.0/24",
                    v1a,
                    A_TRAILER)
                .replace(
                    "routes = [\"10.9.1.0/24\"]", "routes = [\"10.9.1.0/24\", \"10.9.3.0/24\"]"),
            tunA);

    assertEquals(
        2,
        a.ike().engine().peers().stream()
            .filter(p -> p.name().equals("b"))
            .findFirst()
            .orElseThrow()
            .ikeProposals()
            .size(),
        "every configured IKE proposal reaches the engine");

    // The first packet to b: ACQUIRE -> Main Mode + Quick Mode -> delivered from the SAD's queue.
    byte[] first = TwoDaemonsTest.udp("10.9.0.1", "10.9.1.1", 200);
    tunA.inject(first);
    assertArrayEquals(first, tunB.pollWrittenBytes(10, TimeUnit.SECONDS), "first packet to b");
    // And to c, over IKEv2, through the same sockets.
    byte[] toC = TwoDaemonsTest.udp("10.9.0.1", "10.9.3.1", 200);
    tunA.inject(toC);
    assertArrayEquals(toC, tunC.pollWrittenBytes(10, TimeUnit.SECONDS), "first packet to c");

    IkeDaemonsTest.await(
        "b's ISAKMP SA established",
        () ->
            b.ike().list().size() == 1
                && b.ike().list().get(0).state() == IkeSaState.ESTABLISHED
                && b.ike().list().get(0).children().size() == 1);
    IkeSaInfo sb = only(b);
    assertEquals(1, sb.version());
    assertEquals("main", sb.mode());
    assertEquals(2, only(c).version());

    for (int i = 0; i < 10; i++) {
      byte[] p = TwoDaemonsTest.udp("10.9.0.1", "10.9.1.1", 10 + i * 100);
      tunA.inject(p);
      assertArrayEquals(p, tunB.pollWrittenBytes(5, TimeUnit.SECONDS), "A->B #" + i);
      byte[] q = TwoDaemonsTest.udp("10.9.1.1", "10.9.0.1", 10 + i * 100);
      tunB.inject(q);
      assertArrayEquals(q, tunA.pollWrittenBytes(5, TimeUnit.SECONDS), "B->A #" + i);
    }

    // ike list: the version and mode, in text and JSON.
    ControlResponse list = IkeDaemonsTest.call(a, new ControlRequest.IkeList(true));
    IkeListCommand.View[] views = list.bodyAs(IkeListCommand.View[].class);
    assertEquals(2, views.length, list.body());
    IkeListCommand.View vb = views[0].peer().equals("b") ? views[0] : views[1];
    IkeListCommand.View vc = views[0].peer().equals("b") ? views[1] : views[0];
    assertEquals(1, vb.version());
    assertEquals("main", vb.mode());
    assertEquals(
        org.meshsec.ike.config.IkeProposal.parse("aes128-sha256-modp2048").toString(),
        vb.proposal(),
        "the configured proposal phase 1 agreed on");
    assertEquals(2, vc.version());
    String text = IkeDaemonsTest.call(b, new ControlRequest.IkeList(false)).body();
    assertTrue(text.contains("IKEv1 main mode") && text.contains("responder"), text);

    // terminate: the ISAKMP and ESP deletes remove the SAs on both nodes; c is untouched.
    assertTrue(IkeDaemonsTest.call(a, new ControlRequest.Terminate("b", null, false)).ok());
    IkeDaemonsTest.await("b drops its ISAKMP SA", () -> b.ike().list().isEmpty());
    IkeDaemonsTest.await("a's pair with b gone", () -> IkeDaemonsTest.mature(b).isEmpty());
    assertEquals(IkeSaState.ESTABLISHED, only(c).state());

    // initiate brings it back and waits for it, reporting the Main Mode and the Quick Mode.
    java.util.List<String> steps = new java.util.concurrent.CopyOnWriteArrayList<>();
    ControlResponse i =
        org.meshsec.core.control.command.DaemonControl.commands(a)
            .call(new ControlRequest.Initiate("b", null, true, true), steps::add);
    assertTrue(i.ok(), i.body());
    assertEquals(2, steps.size(), "" + steps);
    assertTrue(steps.get(0).matches("Main Mode done, IKE SA #\\d+ established"), "" + steps);
    assertTrue(
        steps
            .get(1)
            .matches("Quick Mode done, Child SA \\S+ installed \\(SPIs \\p{XDigit}{8} in, .*"),
        "" + steps);
    byte[] again = TwoDaemonsTest.udp("10.9.1.1", "10.9.0.1", 300);
    tunB.inject(again);
    assertArrayEquals(again, tunA.pollWrittenBytes(5, TimeUnit.SECONDS), "after initiate");
  }

  /**
   * b accepts no ESP transform a offers: b's NO-PROPOSAL-CHOSEN (RFC 2408 section 3.14.1) ends a's
   * Quick Mode at once, and {@code initiate} answers with it instead of waiting for its timeout.
   */
  @Test
  void initiateAnswersWithThePeersRefusalOfTheQuickMode() throws Exception {
    String v1 = "version = 1\nike = \"aes128-sha256-modp2048\"\nesp = \"%s\"";
    b =
        start(
            "b",
            DaemonPair.config(
                IKE_PORT,
                "b",
                "127.3.1.2",
                "a",
                "127.3.1.1",
                "10.9.1.0/24",
                "10.9.0.0/24",
                v1.formatted("aes256gcm16"),
                ""),
            new TunFake("fake-b", 1400));
    a =
        start(
            "a",
            DaemonPair.config(
                IKE_PORT,
                "a",
                "127.3.1.1",
                "b",
                "127.3.1.2",
                "10.9.0.0/24",
                "10.9.1.0/24",
                v1.formatted("aes128gcm16"),
                ""),
            new TunFake("fake-a", 1400));
    long t0 = System.nanoTime();
    ControlResponse r = IkeDaemonsTest.call(a, new ControlRequest.Initiate("b", 20_000L, false));
    assertFalse(r.ok(), r.body());
    assertTrue(r.body().contains("Child SA lan failed: peer sent NO-PROPOSAL-CHOSEN"), r.body());
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(15), "no retransmission timeout");
  }
}
