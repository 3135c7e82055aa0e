package org.meshsec.core.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.sad.SaInfo;
import org.meshsec.tun.tuntest.TunFake;

/**
 * Two daemons with an IKEv1 peer ({@code [[peer]] version = 1}) in one JVM, over real UDP sockets
 * on 127.3.2.1 and 127.3.2.2 (IKE on port {@value #IKE_PORT}): the control command {@code rekey}
 * replaces the ISAKMP SA by a new Main Mode and reports it done, while the ESP SAs stay.
 */
class Ikev1RekeyDaemonsTest {
  static final int IKE_PORT = 10600;

  @TempDir Path dir;
  Daemon a;
  Daemon b;

  @AfterEach
  void tearDown() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  private Daemon start(
      String name, String self, String peerName, String peer, String src, String dst)
      throws IOException {
    String cfg =
        DaemonPair.config(IKE_PORT, name, self, peerName, peer, src, dst, "version = 1", "");
    return DaemonPair.start(
        DaemonPair.write(dir, name, cfg, IkeDaemonsTest.PSK), new TunFake("fake-" + name, 1400));
  }

  private static Set<Integer> matureSpis(Daemon d) {
    return IkeDaemonsTest.mature(d).stream().map(SaInfo::spi).collect(Collectors.toSet());
  }

  @Test
  void rekeyReplacesTheIsakmpSaAndKeepsTheEspSas() throws Exception {
    b = start("b", "127.3.2.2", "a", "127.3.2.1", "10.9.1.0/24", "10.9.0.0/24");
    a = start("a", "127.3.2.1", "b", "127.3.2.2", "10.9.0.0/24", "10.9.1.0/24");
    ControlResponse up = IkeDaemonsTest.call(a, new ControlRequest.Initiate("b", 10_000L, false));
    assertTrue(up.ok(), up.body());
    IkeDaemonsTest.await("b has the pair", () -> IkeDaemonsTest.mature(b).size() == 2);
    Set<Integer> espA = matureSpis(a);
    Set<Integer> espB = matureSpis(b);
    long before = IkeDaemonsTest.only(a).id();

    ControlResponse k = IkeDaemonsTest.call(a, new ControlRequest.Rekey("b", 10_000L, false));
    assertTrue(k.ok(), k.body());
    assertTrue(k.body().contains("rekeyed: [#" + before + "] replaced by [#"), k.body());
    // The old ISAKMP SA hands its pairs to the new one on the new one's executor, so the list may
    // show the new SA a moment before its Child SA: wait for both.
    awaitOneWithPair(b);
    awaitOneWithPair(a); // the REKEYED SA is destroyed on its own executor after the answer
    assertNotEquals(before, IkeDaemonsTest.only(a).id());
    assertEquals(espA, matureSpis(a), "the ESP SAs of a stayed");
    assertEquals(espB, matureSpis(b), "the ESP SAs of b stayed");
    assertEquals(1, IkeDaemonsTest.only(a).children().size());
    assertEquals(1, IkeDaemonsTest.only(b).children().size());

    // b rekeys too: a answers a new Main Mode from its peer and keeps the pair.
    ControlResponse kb = IkeDaemonsTest.call(b, new ControlRequest.Rekey("a", 10_000L, false));
    assertTrue(kb.ok(), kb.body());
    awaitOneWithPair(a);
    assertEquals(espA, matureSpis(a));
    List<?> children = IkeDaemonsTest.only(a).children();
    assertEquals(1, children.size(), children.toString());
  }

  /** rekey --child on an IKEv1 peer: a new Quick Mode replaces the pair, the ISAKMP SA stays. */
  @Test
  void rekeyOfTheChildSaIsANewQuickMode() throws Exception {
    b = start("b", "127.3.2.2", "a", "127.3.2.1", "10.9.1.0/24", "10.9.0.0/24");
    a = start("a", "127.3.2.1", "b", "127.3.2.2", "10.9.0.0/24", "10.9.1.0/24");
    assertTrue(IkeDaemonsTest.call(a, new ControlRequest.Initiate("b", 10_000L, false)).ok());
    awaitOneWithPair(a);
    long isakmp = IkeDaemonsTest.only(a).id();
    int oldSpi = IkeDaemonsTest.only(a).children().get(0).inboundSpi();

    ControlResponse k =
        IkeDaemonsTest.call(a, new ControlRequest.Rekey("b", 10_000L, false, false, "lan"));
    assertTrue(k.ok(), k.body());
    String old = String.format("0x%08x", oldSpi);
    assertTrue(k.body().startsWith("Child SA lan with b rekeyed: SPI(s) in [" + old), k.body());
    awaitOneWithPair(a);
    assertEquals(isakmp, IkeDaemonsTest.only(a).id(), "the same ISAKMP SA");
    assertNotEquals(oldSpi, IkeDaemonsTest.only(a).children().get(0).inboundSpi());
  }

  /**
   * Waits until the node lists one ISAKMP SA holding one pair; on a timeout, says what it lists.
   */
  private static void awaitOneWithPair(Daemon d) throws InterruptedException {
    try {
      IkeDaemonsTest.await(
          "one ISAKMP SA with the pair",
          () -> {
            var list = d.ike().list();
            return list.size() == 1 && list.get(0).children().size() == 1;
          });
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage() + "; ike list: " + d.ike().list() + "; SAD: " + d.dataPath().sad().dump(),
          e);
    }
  }
}
