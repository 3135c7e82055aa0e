package org.meshsec.ike.v1.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.ike.v1.task.V1Peers.reply;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.EspSuite;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.port.MemoryIpsec;
import org.meshsec.ike.v1.V1Captures;
import org.meshsec.ike.v1.message.IsakmpHeader;

/** Informational exchanges (RFC 2409 5.7, RFC 3706) between two peers in one process. */
class InformationalTest {
  private final MemoryIpsec ipsecI = new MemoryIpsec(0x0100_0000);
  private final MemoryIpsec ipsecR = new MemoryIpsec(0x0200_0000);

  private Informational[] peersWithChild(long seed) throws Exception {
    Phase1State[] p1 = V1Peers.mainMode(seed);
    QuickModeExchange qi =
        QuickModeExchange.initiator(
            p1[0],
            V1Peers.qm(List.of(EspSuite.AES128_GCM16), DhGroup.NONE, "10.0.0.1", "10.0.1.1", 0, 0),
            ipsecI,
            V1Peers.I,
            V1Peers.R);
    QuickModeExchange qr =
        QuickModeExchange.responder(
            p1[1],
            V1Peers.qm(List.of(EspSuite.AES128_GCM16), DhGroup.NONE, "10.0.1.1", "10.0.0.1", 0, 0),
            ipsecR,
            V1Peers.R,
            V1Peers.I);
    byte[] q3 = reply(qi.receive(reply(qr.receive(qi.start()))));
    assertInstanceOf(MainModeExchange.Outcome.Done.class, qr.receive(q3));
    Informational i = new Informational(p1[0], ipsecI, V1Peers.R.getAddress());
    Informational r = new Informational(p1[1], ipsecR, V1Peers.I.getAddress());
    i.addChild(qi.task().inboundSpi(), qi.task().outboundSpi());
    r.addChild(qr.task().inboundSpi(), qr.task().outboundSpi());
    return new Informational[] {i, r};
  }

  @Test
  void dpdInitialContactAndDeletes() throws Exception {
    Informational[] p = peersWithChild(31);
    Informational i = p[0];
    Informational r = p[1];

    // INFORMATIONAL HDR*, HASH(1), N(INITIAL-CONTACT) -->
    assertEquals(
        List.of(new Informational.Event.InitialContact()), r.receive(i.initialContact()).events());

    // INFORMATIONAL HDR*, HASH(1), N(R-U-THERE, seq) -->
    byte[] ping = i.rUThere();
    long seq = i.outstandingDpd();
    Informational.Received got = r.receive(ping);
    assertEquals(List.of(new Informational.Event.DpdRequest(seq)), got.events());
    // <-- INFORMATIONAL HDR*, HASH(1), N(R-U-THERE-ACK, seq)
    assertEquals(
        List.of(new Informational.Event.DpdAck(seq)),
        i.receive(got.reply().orElseThrow()).events());
    assertEquals(-1, i.outstandingDpd());
    // A second R-U-THERE carries seq + 1; replaying the first one is ignored.
    byte[] ping2 = i.rUThere();
    assertEquals(seq + 1, i.outstandingDpd());
    assertEquals(List.of(new Informational.Event.DpdRequest(seq + 1)), r.receive(ping2).events());
    Informational.Received replay = r.receive(ping);
    assertInstanceOf(Informational.Event.Other.class, replay.events().get(0));
    assertEquals(Optional.empty(), replay.reply());
    // <-- INFORMATIONAL HDR*, HASH(1), N(R-U-THERE, seq') from the responder, its own numbers
    byte[] rping = r.rUThere();
    Informational.Received ack = i.receive(rping);
    assertEquals(
        List.of(new Informational.Event.DpdAck(r.outstandingDpd())),
        r.receive(ack.reply().orElseThrow()).events());

    // INFORMATIONAL HDR*, HASH(1), D(ESP, initiator's inbound SPI) -->
    int inI = ipsecI.installed().get(0).sa().inboundSpi();
    int inR = ipsecR.installed().get(0).sa().inboundSpi();
    byte[] del = i.deleteChild(inI);
    assertEquals(List.of(), ipsecI.installed(), "the sender deletes its pair at once");
    assertEquals(List.of(new Informational.Event.ChildDeleted(inR, inI)), r.receive(del).events());
    assertEquals(List.of(), ipsecR.installed());
    assertEquals(Map.of(), r.children());

    // <-- INFORMATIONAL HDR*, HASH(1), D(ISAKMP, CKY-I | CKY-R)
    assertEquals(
        List.of(new Informational.Event.IsakmpSaDeleted()), i.receive(r.deleteIsakmpSa()).events());
  }

  @Test
  void forgedOrTamperedInformationalIsDropped() throws Exception {
    Informational[] p = peersWithChild(33);
    byte[] del = p[0].deleteChild(ipsecI.installed().get(0).sa().inboundSpi());
    byte[] bad = del.clone();
    bad[bad.length - 1] ^= 1;
    assertThrows(V1Exception.class, () -> p[1].receive(bad));
    assertEquals(1, ipsecR.installed().size(), "nothing applied");
    java.util.Random random = new java.util.Random(0x1F0);
    for (int n = 0; n < 2_000; n++) {
      byte[] b = del.clone();
      b[IsakmpHeader.LENGTH + random.nextInt(b.length - IsakmpHeader.LENGTH)] =
          (byte) random.nextInt(256);
      try {
        p[1].receive(b);
      } catch (V1Exception expected) {
        // typed
      }
    }
    // A flip in the last ciphertext block only garbles the padding, which neither HASH(1) nor
    // anything else covers (RFC 2409 has no MAC over the ciphertext): such a copy is the authentic
    // Delete and may have been applied already. Either way the pair is gone once del arrives.
    assertEquals(1, p[1].receive(del).events().size());
    assertEquals(List.of(), ipsecR.installed());
  }

  /** charon's recorded DPD and Deletes (Main Mode run) applied to our side of the SA. */
  @Test
  void strongSwanInformationals() throws Exception {
    String s = V1Captures.MAIN;
    Phase1State sa =
        QuickModeStrongSwanTest.phase1(
            s,
            false,
            "03_id_prot_i2r",
            "04_id_prot_r2i",
            "06_id_prot_r2i",
            new V1Peers.ScriptedRandom(9));
    MemoryIpsec ipsec = new MemoryIpsec(0x7ed882cc);
    Informational info = new Informational(sa, ipsec, V1Peers.I.getAddress());
    info.addChild(0x7ed882cc, 0x212fee2e);
    int dpd = 0;
    int acks = 0;
    for (String f : List.of("10", "11", "12", "13", "14", "15")) {
      String file =
          V1Captures.files(s).stream().filter(x -> x.startsWith(f + "_")).findFirst().orElseThrow();
      Informational.Received got = info.receive(V1Captures.message(s, file));
      for (Informational.Event e : got.events()) {
        if (e instanceof Informational.Event.DpdRequest) {
          dpd++;
          assertTrue(got.reply().isPresent(), "R-U-THERE answered");
        } else if (e instanceof Informational.Event.Other) {
          acks++; // ACKs of charon's peer's R-U-THEREs: not ours, so stale to us
        } else if (e instanceof Informational.Event.ChildDeleted c) {
          assertEquals(new Informational.Event.ChildDeleted(0x7ed882cc, 0x212fee2e), c);
        }
      }
    }
    assertTrue(dpd >= 1, "charon's R-U-THEREs");
    assertTrue(acks >= 1);
    assertEquals(
        List.of(new MemoryIpsec.Deletion(0x7ed882cc, 0x212fee2e, V1Peers.I.getAddress())),
        ipsec.deletions());
  }
}
