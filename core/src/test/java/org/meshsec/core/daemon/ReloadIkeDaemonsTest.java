package org.meshsec.core.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.config.AuthConfig;
import org.meshsec.tun.tuntest.TunFake;

/**
 * Reloads that touch IKE itself, with two daemons in one JVM: the first [[peer]] of a node that ran
 * without any starts IKE live (no restart), and a pre-shared key a reload replaced is wiped from
 * memory once no negotiation can use it.
 */
class ReloadIkeDaemonsTest {
  static final int IKE_PORT = 10540;
  static final String NEW_PSK = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

  @TempDir Path dir;
  Daemon a;
  Daemon b;
  TunFake tunA = new TunFake("fake-a", 1400);
  TunFake tunB = new TunFake("fake-b", 1400);

  @AfterEach
  void tearDown() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  /** A node's configuration (a fixed MTU: a computed one would follow the policies' suites). */
  static String config(String name, String self, String peerName, String peer, boolean lan) {
    String c =
        DaemonPair.config(
                IKE_PORT,
                name,
                self,
                peerName,
                peer,
                name.equals("a") ? "10.9.0.0/24" : "10.9.1.0/24",
                name.equals("a") ? "10.9.1.0/24" : "10.9.0.0/24",
                "",
                "")
            .replace("[tun]\n", "[tun]\nmtu = 1380\n");
    return lan ? c : c.substring(0, c.indexOf("[[peer]]"));
  }

  @Test
  void theFirstPeerAddedByReloadStartsIkeWithoutARestart() throws Exception {
    Path cb =
        DaemonPair.write(
            dir, "b", config("b", "127.3.0.2", "a", "127.3.0.1", false), IkeDaemonsTest.PSK);
    b = DaemonPair.start(cb, tunB);
    assertNull(b.ike(), "no [[peer]]: no IKE");
    a =
        DaemonPair.start(
            DaemonPair.write(
                dir, "a", config("a", "127.3.0.1", "b", "127.3.0.2", true), IkeDaemonsTest.PSK),
            tunA);

    DaemonPair.write(
        dir, "b", config("b", "127.3.0.2", "a", "127.3.0.1", true), IkeDaemonsTest.PSK);
    Daemon.ReloadResult r = b.reload();
    assertTrue(r.applied(), r.messages().toString());
    assertNotNull(b.ike(), "IKE started by the reload");

    ControlResponse init = IkeDaemonsTest.call(a, new ControlRequest.Initiate("b", 10_000L, false));
    assertTrue(init.ok(), init.body());
    assertEquals(1, b.ike().list().size());
    byte[] p = TwoDaemonsTest.udp("10.9.0.1", "10.9.1.1", 120);
    tunA.inject(p);
    assertArrayEquals(p, tunB.pollWrittenBytes(5, TimeUnit.SECONDS));
    byte[] q = TwoDaemonsTest.udp("10.9.1.1", "10.9.0.1", 120);
    tunB.inject(q);
    assertArrayEquals(q, tunA.pollWrittenBytes(5, TimeUnit.SECONDS));
  }

  private static SecretBytes pskOf(Daemon d) {
    return ((AuthConfig.Psk) d.ike().engine().peers().get(0).auth()).key();
  }

  @Test
  void aPreSharedKeyReplacedByReloadIsWipedOnceNothingNegotiatesWithIt() throws Exception {
    Path cb =
        DaemonPair.write(
            dir, "b", config("b", "127.3.0.2", "a", "127.3.0.1", true), IkeDaemonsTest.PSK);
    b = DaemonPair.start(cb, tunB);
    a =
        DaemonPair.start(
            DaemonPair.write(
                dir, "a", config("a", "127.3.0.1", "b", "127.3.0.2", true), IkeDaemonsTest.PSK),
            tunA);
    ControlResponse init = IkeDaemonsTest.call(a, new ControlRequest.Initiate("b", 10_000L, false));
    assertTrue(init.ok(), init.body());
    SecretBytes old = pskOf(b);
    assertFalse(old.isWiped());

    DaemonPair.write(dir, "b", config("b", "127.3.0.2", "a", "127.3.0.1", true), NEW_PSK);
    Daemon.ReloadResult r = b.reload();
    assertTrue(r.applied(), r.messages().toString());
    // at once, or as soon as b has published its IKE SA as established
    IkeDaemonsTest.await("the replaced key wiped: no IKE SA negotiates with it", old::isWiped);
    assertFalse(pskOf(b).isWiped(), "the new one is not");
    assertEquals(1, b.ike().list().size(), "the established IKE SA stays");
    ControlResponse k = IkeDaemonsTest.call(b, new ControlRequest.Rekey("a", 10_000L, false));
    assertTrue(k.ok(), "and rekeys without its key: " + k.body());
  }
}
