package org.meshsec.ike.v1.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.ike.v1.task.V1Peers.I;
import static org.meshsec.ike.v1.task.V1Peers.R;
import static org.meshsec.ike.v1.task.V1Peers.qm;
import static org.meshsec.ike.v1.task.V1Peers.reply;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.SaLifetime;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.port.MemoryIpsec;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.v1.message.EncryptedMessage;
import org.meshsec.ike.v1.message.IsakmpMessage;
import org.meshsec.ike.v1.message.NotifyType;

/** Two Quick Mode peers in one process on an ISAKMP SA set up by Main Mode (RFC 2409 5.5). */
class QuickModeTest {
  private static final EspSuite AES256_SHA384 = EspSuite.parse("aes256-sha384");
  private static final EspSuite AES128_SHA512 = EspSuite.parse("aes128-sha512");

  private final MemoryIpsec ipsecI = new MemoryIpsec(0x0100_0000);
  private final MemoryIpsec ipsecR = new MemoryIpsec(0x0200_0000);

  private static IsakmpMessage open(Phase1State sa, byte[] datagram) throws V1Exception {
    // Peeks at a message the way its receiver will see it, without moving the receiver's IVs.
    return Phase2Messages.open(sa, datagram).message();
  }

  @Test
  void responderInstallsOnlyWhenMessageThreeArrives() throws Exception {
    Phase1State[] p1 = V1Peers.mainMode(1);
    QuickModeExchange i =
        QuickModeExchange.initiator(
            p1[0],
            qm(List.of(EspSuite.AES128_GCM16), DhGroup.NONE, "10.0.0.0/16", "10.1.0.0/16", 3600, 0),
            ipsecI,
            I,
            R);
    QuickModeExchange r =
        QuickModeExchange.responder(
            p1[1],
            qm(
                List.of(AES256_SHA384, EspSuite.AES128_GCM16),
                DhGroup.NONE,
                "10.1.0.0/24",
                "10.0.1.0/24",
                3600,
                0),
            ipsecR,
            R,
            I);

    // QUICK_MODE HDR*, HASH(1), SA, Ni, IDci, IDcr -->
    byte[] q1 = i.start();
    assertEquals(
        "QUICK_MODE " + i.task().messageId() + " [ HASH SA No ID ID ]", open(p1[1], q1).toString());
    assertEquals(Set.of(0x0100_0000), ipsecI.reserved(), "the initiator reserved its SPI");
    // <-- QUICK_MODE HDR*, HASH(2), SA, Nr, IDci, IDcr (narrowed to the responder's policy)
    byte[] q2 = reply(r.receive(q1));
    assertEquals(Set.of(0x0200_0000), ipsecR.reserved(), "responder SPI is LARVAL");
    assertEquals(List.of(), ipsecR.installed(), "nothing MATURE on the responder yet");
    // QUICK_MODE HDR*, HASH(3) --> (held back)
    MainModeExchange.Outcome o3 = i.receive(q2);
    byte[] q3 = reply(o3);
    assertTrue(((MainModeExchange.Outcome.Reply) o3).done());
    assertTrue(i.finished());
    MemoryIpsec.Pair pi = ipsecI.installed().get(0);
    assertEquals(0x0100_0000, pi.sa().inboundSpi());
    assertEquals(0x0200_0000, pi.sa().outboundSpi());
    assertEquals(EspSuite.AES128_GCM16, pi.sa().suite());
    assertEquals(List.of(TsRange.parse("10.0.1.0/24")), pi.sa().localTs(), "narrowed");
    assertEquals(List.of(TsRange.parse("10.1.0.0/24")), pi.sa().remoteTs(), "narrowed");
    assertEquals(new SaLifetime(3600, 0, 0), pi.sa().hard());
    // ESP sent by the initiator now reaches a LARVAL SA on the responder, which queues it.
    assertEquals(Set.of(0x0200_0000), ipsecR.reserved());
    assertEquals(List.of(), ipsecR.installed());

    // ... QUICK_MODE HDR*, HASH(3) --> delivered
    assertInstanceOf(MainModeExchange.Outcome.Done.class, r.receive(q3));
    assertEquals(Set.of(), ipsecR.reserved(), "the LARVAL SA became MATURE");
    MemoryIpsec.Pair pr = ipsecR.installed().get(0);
    assertEquals(0x0200_0000, pr.sa().inboundSpi());
    assertEquals(0x0100_0000, pr.sa().outboundSpi());
    assertArrayEquals(pi.outboundKeys(), pr.inboundKeys(), "i -> r keys agree");
    assertArrayEquals(pi.inboundKeys(), pr.outboundKeys(), "r -> i keys agree");
    assertEquals(20, pi.outboundKeys().length, "AES-128 key and 4-byte salt (RFC 4106 8.1)");
    assertFalse(java.util.Arrays.equals(pi.inboundKeys(), pi.outboundKeys()));
    assertEquals(List.of(TsRange.parse("10.1.0.0/24")), pr.sa().localTs());
  }

  @Test
  void pfsAndResponderLifetime() throws Exception {
    Phase1State[] p1 = V1Peers.mainMode(3);
    QuickModeExchange i =
        QuickModeExchange.initiator(
            p1[0],
            qm(
                List.of(AES128_SHA512, AES256_SHA384),
                DhGroup.MODP_2048,
                "10.0.0.1/32",
                "10.1.0.0/16",
                3600,
                100_000),
            ipsecI,
            I,
            R);
    QuickModeExchange r =
        QuickModeExchange.responder(
            p1[1],
            qm(List.of(AES256_SHA384), DhGroup.MODP_2048, "10.1.0.0/16", "10.0.0.0/8", 1200, 0),
            ipsecR,
            R,
            I);
    // QUICK_MODE HDR*, HASH(1), SA, Ni, KE, IDci, IDcr -->
    byte[] q1 = i.start();
    assertEquals(
        "QUICK_MODE " + i.task().messageId() + " [ HASH SA No KE ID ID ]",
        open(p1[1], q1).toString());
    // <-- QUICK_MODE HDR*, HASH(2), SA, Nr, KE, IDci, IDcr, N(RESPONDER-LIFETIME)
    byte[] q2 = reply(r.receive(q1));
    assertEquals(
        "QUICK_MODE " + i.task().messageId() + " [ HASH SA No KE ID ID N(RESPONDER-LIFETIME) ]",
        open(p1[0], q2).toString());
    // QUICK_MODE HDR*, HASH(3) -->
    byte[] q3 = reply(i.receive(q2));
    assertEquals(1200, i.task().lifeSeconds(), "RESPONDER-LIFETIME honoured");
    assertEquals(100_000, i.task().lifeKilobytes(), "the responder set no kilobyte limit");
    assertInstanceOf(MainModeExchange.Outcome.Done.class, r.receive(q3));
    MemoryIpsec.Pair pi = ipsecI.installed().get(0);
    MemoryIpsec.Pair pr = ipsecR.installed().get(0);
    assertEquals(AES256_SHA384, pi.sa().suite());
    assertEquals(new SaLifetime(1200, 100_000L * 1024, 0), pi.sa().hard());
    assertEquals(new SaLifetime(1080, 100_000L * 1024 * 9 / 10, 0), pi.sa().soft());
    assertEquals(new SaLifetime(1200, 100_000L * 1024, 0), pr.sa().hard());
    assertArrayEquals(pi.outboundKeys(), pr.inboundKeys());
    assertArrayEquals(pi.inboundKeys(), pr.outboundKeys());
    assertEquals(32 + 48, pi.outboundKeys().length, "AES-256 and HMAC-SHA-384 keys");
  }

  @Test
  void offerWithoutLifetimeGetsTheResponders() throws Exception {
    Phase1State[] p1 = V1Peers.mainMode(5);
    QuickModeExchange i =
        QuickModeExchange.initiator(
            p1[0],
            qm(List.of(EspSuite.AES256_GCM16), DhGroup.NONE, "10.0.0.1", "10.1.0.1", 0, 0),
            ipsecI,
            I,
            R);
    QuickModeExchange r =
        QuickModeExchange.responder(
            p1[1],
            qm(List.of(EspSuite.AES256_GCM16), DhGroup.NONE, "10.1.0.1", "10.0.0.1", 900, 5000),
            ipsecR,
            R,
            I);
    byte[] q3 = reply(i.receive(reply(r.receive(i.start()))));
    assertInstanceOf(MainModeExchange.Outcome.Done.class, r.receive(q3));
    assertEquals(new SaLifetime(900, 5000L * 1024, 0), ipsecI.installed().get(0).sa().hard());
  }

  @Test
  void noCommonSuiteOrSelectorReleasesNothingAndAborts() throws Exception {
    Phase1State[] p1 = V1Peers.mainMode(7);
    QuickModeExchange i =
        QuickModeExchange.initiator(
            p1[0],
            qm(List.of(EspSuite.AES128_GCM16), DhGroup.NONE, "10.0.0.0/16", "10.1.0.0/16", 0, 0),
            ipsecI,
            I,
            R);
    QuickModeExchange r =
        QuickModeExchange.responder(
            p1[1],
            qm(List.of(AES256_SHA384), DhGroup.NONE, "10.1.0.0/16", "10.0.0.0/16", 0, 0),
            ipsecR,
            R,
            I);
    MainModeExchange.Outcome o = r.receive(i.start());
    assertEquals(
        Optional.of(NotifyType.NO_PROPOSAL_CHOSEN),
        assertInstanceOf(MainModeExchange.Outcome.Failed.class, o).reply());
    assertEquals(Set.of(), ipsecR.reserved(), "the responder never reserved an SPI");
    // The initiator gives up (the task manager would, on the notification or a timeout).
    i.task().abort();
    assertEquals(Set.of(), ipsecI.reserved(), "the initiator's SPI is released");

    QuickModeExchange i2 =
        QuickModeExchange.initiator(
            p1[0],
            qm(List.of(AES256_SHA384), DhGroup.NONE, "10.9.0.0/16", "10.1.0.0/16", 0, 0),
            ipsecI,
            I,
            R);
    QuickModeExchange r2 =
        QuickModeExchange.responder(
            p1[1],
            qm(List.of(AES256_SHA384), DhGroup.NONE, "10.1.0.0/16", "10.0.0.0/16", 0, 0),
            ipsecR,
            R,
            I);
    assertEquals(
        Optional.of(NotifyType.INVALID_ID_INFORMATION),
        assertInstanceOf(MainModeExchange.Outcome.Failed.class, r2.receive(i2.start())).reply());
  }

  @Test
  void tamperedMessageIsDroppedAndTheExchangeGoesOn() throws Exception {
    Phase1State[] p1 = V1Peers.mainMode(9);
    QuickModeConfig ci =
        qm(List.of(EspSuite.AES128_GCM16), DhGroup.NONE, "10.0.0.1", "10.1.0.1", 0, 0);
    QuickModeConfig cr =
        qm(List.of(EspSuite.AES128_GCM16), DhGroup.NONE, "10.1.0.1", "10.0.0.1", 0, 0);
    QuickModeExchange i = QuickModeExchange.initiator(p1[0], ci, ipsecI, I, R);
    QuickModeExchange r = QuickModeExchange.responder(p1[1], cr, ipsecR, R, I);
    byte[] q1 = i.start();
    byte[] q2 = reply(r.receive(q1));
    byte[] bad = q2.clone();
    bad[bad.length - 20] ^= 1;
    assertInstanceOf(MainModeExchange.Outcome.Failed.class, i.receive(bad));
    assertFalse(i.finished(), "a forged message does not end the exchange");
    byte[] q3 = reply(i.receive(q2));
    assertInstanceOf(
        EncryptedMessage.class, org.meshsec.ike.v1.message.Datagram.decode(q3).orElseThrow());
    assertInstanceOf(MainModeExchange.Outcome.Done.class, r.receive(q3));
  }
}
