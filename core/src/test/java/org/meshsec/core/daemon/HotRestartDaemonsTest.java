package org.meshsec.core.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.config.ConfigLoader;
import org.meshsec.core.config.ConfigResult;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.sad.SaSecrets;
import org.meshsec.core.spd.Direction;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;
import org.meshsec.tun.tuntest.TunFake;

/**
 * Hot restart in one JVM, two daemons on fake TUN devices and real loopback sockets: a node stopped
 * for restart and started again with its state file carries on where it was, its manually keyed SAs
 * at their sequence numbers (not 1 again) and its IKE SA with the peer without any exchange, so
 * that a rekey of the IKE SA and of its Child SA and a Delete afterwards all work on it.
 */
class HotRestartDaemonsTest {
  static final int IKE_PORT = 10530;
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

  private Daemon start(Path cfg, TunFake fake, Path state) throws IOException {
    ConfigResult r = ConfigLoader.load(cfg);
    assertTrue(r.isOk(), () -> r.errors().toString());
    return Daemon.start(
        r.config(),
        new Daemon.Options(
            (c, g) -> new Daemon.TunFactory.Opened(fake, null), Duration.ofMillis(200), state));
  }

  private static long outboundSequence(Daemon d, int spi, InetAddress peer) {
    for (SaSecrets s : d.dataPath().sad().secrets()) {
      try (s) {
        if (s.info().direction() == Direction.OUT
            && s.info().spi() == spi
            && s.info().peer().equals(peer)) {
          return s.sequence();
        }
      }
    }
    throw new AssertionError("no outbound SA " + Integer.toHexString(spi));
  }

  @Test
  void manualSasResumeAtTheirSequenceNumbers() throws Exception {
    Path secrets = dir.resolve("a-secrets.toml");
    Files.writeString(
        secrets,
        "[keys]\nab = \"%s\"\nba = \"%s\"\n"
            .formatted(TwoDaemonsTest.KEY_AB, TwoDaemonsTest.KEY_BA));
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    Files.copy(secrets, dir.resolve("b-secrets.toml"));
    Path ca = dir.resolve("a.toml");
    Files.writeString(
        ca,
        TwoDaemonsTest.config(
            "a",
            "127.0.0.1",
            "127.0.0.2",
            "10.9.0.0/24",
            "10.9.1.0/24",
            "0x1001",
            "0x1002",
            "ab",
            "ba",
            false));
    Path cb = dir.resolve("b.toml");
    Files.writeString(
        cb,
        TwoDaemonsTest.config(
            "b",
            "127.0.0.2",
            "127.0.0.1",
            "10.9.1.0/24",
            "10.9.0.0/24",
            "0x1002",
            "0x1001",
            "ba",
            "ab",
            false));
    Path state = dir.resolve("run/a.state");
    tunA = new TunFake("fake-a", 1400);
    tunB = new TunFake("fake-b", 1400);
    a = start(ca, tunA, state);
    b = start(cb, tunB, null);
    InetAddress toB = InetAddress.getByName("127.0.0.2");
    for (int i = 0; i < 5; i++) {
      byte[] p = TwoDaemonsTest.udp("10.9.0.1", "10.9.1.1", 100 + i);
      tunA.inject(p);
      assertArrayEquals(p, tunB.pollWrittenBytes(5, TimeUnit.SECONDS));
    }
    assertEquals(5, outboundSequence(a, 0x1001, toB));

    a.stopForRestart();
    a.close();
    assertTrue(Files.exists(state));
    tunA = new TunFake("fake-a", 1400);
    a = start(ca, tunA, state);
    assertFalse(Files.exists(state), "loaded and deleted");
    assertEquals(
        5 + RestartState.SEQUENCE_MARGIN,
        outboundSequence(a, 0x1001, toB),
        "the manual SA carries on past its old numbers, not at 1 again");
    byte[] p = TwoDaemonsTest.udp("10.9.0.1", "10.9.1.1", 300);
    tunA.inject(p);
    assertArrayEquals(p, tunB.pollWrittenBytes(5, TimeUnit.SECONDS), "the peer takes it");
    byte[] q = TwoDaemonsTest.udp("10.9.1.1", "10.9.0.1", 300);
    tunB.inject(q);
    assertArrayEquals(q, tunA.pollWrittenBytes(5, TimeUnit.SECONDS), "and the way back");
  }

  private static IkeSaInfo only(Daemon d) {
    List<IkeSaInfo> l = d.ike().list();
    assertEquals(1, l.size(), l.toString());
    return l.get(0);
  }

  @Test
  void ikeSaCarriesOverWithoutAnExchangeAndRekeysAndDeletesAfterwards() throws Exception {
    String psk = IkeDaemonsTest.PSK;
    Path ca =
        DaemonPair.write(
            dir,
            "a",
            DaemonPair.config(
                IKE_PORT, "a", "127.3.0.1", "b", "127.3.0.2", "10.9.0.0/24", "10.9.1.0/24", "", ""),
            psk);
    Path cb =
        DaemonPair.write(
            dir,
            "b",
            DaemonPair.config(
                IKE_PORT, "b", "127.3.0.2", "a", "127.3.0.1", "10.9.1.0/24", "10.9.0.0/24", "", ""),
            psk);
    Path state = dir.resolve("run/b.state");
    tunA = new TunFake("fake-a", 1400);
    tunB = new TunFake("fake-b", 1400);
    b = start(cb, tunB, state);
    a = start(ca, tunA, null);
    ControlResponse init = IkeDaemonsTest.call(a, new ControlRequest.Initiate("b", 10_000L, false));
    assertTrue(init.ok(), init.body());
    // b publishes its IKE SA with the Child SA after sending the answer a completed on
    IkeDaemonsTest.await(
        "b's Child SA",
        () -> b.ike().list().size() == 1 && b.ike().list().get(0).children().size() == 1);
    IkeSaInfo before = only(b);
    IkeSaInfo peerBefore = only(a);
    int childBefore = before.children().get(0).inboundSpi();

    b.stopForRestart();
    b.close();
    assertTrue(Files.exists(state));
    tunB = new TunFake("fake-b", 1400);
    b = start(cb, tunB, state);
    IkeSaInfo after = only(b);
    assertEquals(IkeSaState.ESTABLISHED, after.state());
    assertEquals(before.initiatorSpi(), after.initiatorSpi());
    assertEquals(before.responderSpi(), after.responderSpi());
    assertEquals(childBefore, after.children().get(0).inboundSpi());
    assertEquals(peerBefore.id(), only(a).id(), "the peer kept its IKE SA: no new one");

    // traffic both ways on the resumed Child SA
    byte[] p = TwoDaemonsTest.udp("10.9.0.1", "10.9.1.1", 200);
    tunA.inject(p);
    assertArrayEquals(p, tunB.pollWrittenBytes(5, TimeUnit.SECONDS));
    byte[] q = TwoDaemonsTest.udp("10.9.1.1", "10.9.0.1", 200);
    tunB.inject(q);
    assertArrayEquals(q, tunA.pollWrittenBytes(5, TimeUnit.SECONDS));

    // the Child SA rekeyed from the restarted side (the next Message ID of the resumed SA)
    assertTrue(b.ike().engine().rekeyChild("a", "lan"));
    IkeDaemonsTest.await(
        "child rekeyed",
        () -> {
          List<IkeSaInfo> l = b.ike().list();
          return l.size() == 1
              && l.get(0).children().size() == 1
              && l.get(0).children().get(0).inboundSpi() != childBefore;
        });
    // the IKE SA rekeyed with the command
    ControlResponse k = IkeDaemonsTest.call(b, new ControlRequest.Rekey("a", 10_000L, false));
    assertTrue(k.ok(), k.body());
    IkeDaemonsTest.await("the old IKE SA deleted", () -> b.ike().list().size() == 1);
    assertNotEquals(before.initiatorSpi(), only(b).initiatorSpi());
    assertEquals(1, only(b).children().size(), "the Child SA moved to the new IKE SA");
    // and deleted: the peer honours the Delete
    ControlResponse t = IkeDaemonsTest.call(b, new ControlRequest.Terminate("a", 10_000L, false));
    assertTrue(t.ok(), t.body());
    IkeDaemonsTest.await("the peer dropped its IKE SA", () -> a.ike().list().isEmpty());
  }
}
