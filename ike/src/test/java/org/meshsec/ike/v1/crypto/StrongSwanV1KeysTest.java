package org.meshsec.ike.v1.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.crypto.Prf;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.v1.V1Captures;
import org.meshsec.ike.v1.message.CbcCipher;
import org.meshsec.ike.v1.message.Datagram;
import org.meshsec.ike.v1.message.DeletePayload;
import org.meshsec.ike.v1.message.EncryptedMessage;
import org.meshsec.ike.v1.message.ExchangeRules;
import org.meshsec.ike.v1.message.HashPayload;
import org.meshsec.ike.v1.message.IdPayload;
import org.meshsec.ike.v1.message.IdType;
import org.meshsec.ike.v1.message.IpsecAttribute;
import org.meshsec.ike.v1.message.IsakmpHeader;
import org.meshsec.ike.v1.message.IsakmpMessage;
import org.meshsec.ike.v1.message.KePayload;
import org.meshsec.ike.v1.message.NoncePayload;
import org.meshsec.ike.v1.message.NotifyPayload;
import org.meshsec.ike.v1.message.NotifyType;
import org.meshsec.ike.v1.message.ParseResult;
import org.meshsec.ike.v1.message.Payload;
import org.meshsec.ike.v1.message.PayloadType;
import org.meshsec.ike.v1.message.Phase1Attribute;
import org.meshsec.ike.v1.message.ProtocolId;
import org.meshsec.ike.v1.message.SaPayload;

/**
 * Known-answer tests against strongSwan 5.9: from the inputs of the recorded exchanges (the PSK,
 * the nonces, cookies and KE data on the wire, the logged DH shared secret) our derivation must
 * reproduce every value charon logged (SKEYID*, Ka, the IVs, HASH_I/R, HASH(1..3), informational
 * HASH, KEYMAT), and with those keys decrypt every encrypted message and verify its HASH payload.
 * Nothing here needs charon: see /captures/strongswan-ikev1/README.md.
 */
class StrongSwanV1KeysTest {
  private static final Prf PRF = V1KeyDerivation.prfFor(Phase1Attribute.Hash.SHA2_256);

  /** Everything phase 1 of one recording yields, recomputed by meshsec. */
  private record Phase1(
      String suite,
      IsakmpMessage first,
      Phase1Keys keys,
      CbcCipher cipher,
      IvChain ivs,
      byte[] niB,
      byte[] nrB,
      long ckyI,
      long ckyR) {}

  private static IsakmpMessage plain(String suite, int index) {
    byte[] raw = V1Captures.messages(suite).get(index);
    return (IsakmpMessage) Datagram.decode(raw).orElseThrow();
  }

  private static EncryptedMessage sealed(String suite, int index) {
    byte[] raw = V1Captures.messages(suite).get(index);
    return (EncryptedMessage) Datagram.decode(raw).orElseThrow();
  }

  private static Phase1 phase1(String suite, int kei, int ker) {
    IsakmpMessage mi = plain(suite, kei);
    IsakmpMessage mr = plain(suite, ker);
    byte[] gxi = mi.first(KePayload.class).orElseThrow().keyExchangeData().toByteArray();
    byte[] gxr = mr.first(KePayload.class).orElseThrow().keyExchangeData().toByteArray();
    byte[] niB = mi.first(NoncePayload.class).orElseThrow().encodeBody();
    byte[] nrB = mr.first(NoncePayload.class).orElseThrow().encodeBody();
    long ckyI = mr.header().initiatorCookie();
    long ckyR = mr.header().responderCookie();
    SecretBytes skeyid =
        V1KeyDerivation.skeyidPsk(PRF, SecretBytes.copyOf(V1Captures.PSK), niB, nrB);
    assertArrayEquals(V1Captures.key(suite, "SKEYID"), skeyid.copy(), "SKEYID");
    SecretBytes gxy = SecretBytes.copyOf(V1Captures.key(suite, "shared Diffie Hellman secret"));
    Phase1Keys keys = Phase1Keys.derive(PRF, skeyid, gxy, ckyI, ckyR, 16);
    assertArrayEquals(V1Captures.key(suite, "SKEYID_d"), keys.skeyidD().copy(), "SKEYID_d");
    assertArrayEquals(V1Captures.key(suite, "SKEYID_a"), keys.skeyidA().copy(), "SKEYID_a");
    assertArrayEquals(V1Captures.key(suite, "SKEYID_e"), keys.skeyidE().copy(), "SKEYID_e");
    assertArrayEquals(
        V1Captures.key(suite, "encryption key Ka"), keys.encryptionKey().copy(), "Ka");
    IvChain ivs = new IvChain(Phase1Attribute.Hash.SHA2_256, 16, gxi, gxr);
    assertArrayEquals(V1Captures.key(suite, "initial IV"), ivs.iv(0), "initial IV");
    for (int i = 0; i <= ker; i++) {
      IsakmpMessage plain = plain(suite, i);
      assertEquals(Optional.empty(), ExchangeRules.check(plain, i + 1), plain::toString);
    }
    CbcCipher cipher = CbcCipher.aes(keys.encryptionKey().copy());
    return new Phase1(suite, plain(suite, 0), keys, cipher, ivs, niB, nrB, ckyI, ckyR);
  }

  /**
   * Decrypts message {@code index} with the chain's IV and updates the chain. charon logs the IV of
   * each exchange and after each message ("initial IV", "next IV for MID n"): ours must be among
   * them.
   */
  private static IsakmpMessage open(Phase1 p, int index) {
    EncryptedMessage e = sealed(p.suite(), index);
    long mid = e.header().messageId();
    byte[] iv = p.ivs().iv(mid);
    boolean logged =
        java.util.stream.Stream.concat(
                V1Captures.all(p.suite(), "next IV for MID " + mid).stream(),
                V1Captures.all(p.suite(), "initial IV").stream())
            .anyMatch(v -> java.util.Arrays.equals(v, iv));
    assertEquals(true, logged, "charon logged the IV of message " + index);
    ParseResult<IsakmpMessage> r = e.decrypt(p.cipher(), iv);
    assertInstanceOf(ParseResult.Ok.class, r, () -> "message " + index + ": " + r);
    p.ivs().update(mid, e.lastBlock(16));
    IsakmpMessage m = r.orElseThrow();
    assertEquals(Optional.empty(), ExchangeRules.check(m, number(p.suite(), index)), m::toString);
    // Re-encrypting the plaintext with the same IV reproduces charon's ciphertext exactly: both
    // pad with 1..16 zero bytes.
    assertArrayEquals(
        e.ciphertext().toByteArray(),
        m.encrypt(p.cipher(), ivBefore(p, index)).ciphertext().toByteArray(),
        "re-encrypted message " + index);
    return m;
  }

  /** Which message of its exchange (same exchange type and Message ID) message {@code index} is. */
  private static int number(String suite, int index) {
    List<byte[]> all = V1Captures.messages(suite);
    IsakmpHeader h = Datagram.decode(all.get(index)).orElseThrow().header();
    int n = 0;
    for (int i = 0; i <= index; i++) {
      IsakmpHeader o = Datagram.decode(all.get(i)).orElseThrow().header();
      if (o.messageId() == h.messageId() && o.exchangeType().equals(h.exchangeType())) {
        n++;
      }
    }
    return n;
  }

  /** The IV message {@code index} was encrypted with, recomputed from the recording alone. */
  private static byte[] ivBefore(Phase1 p, int index) {
    EncryptedMessage e = sealed(p.suite(), index);
    long mid = e.header().messageId();
    // Walk back to the previous encrypted message of the same exchange.
    for (int i = index - 1; i >= 0; i--) {
      Datagram d = Datagram.decode(V1Captures.messages(p.suite()).get(i)).orElseThrow();
      if (d instanceof EncryptedMessage prev && prev.header().messageId() == mid) {
        return prev.lastBlock(16);
      }
    }
    if (mid == 0) {
      return IvChain.phase1Iv(Phase1Attribute.Hash.SHA2_256, gx(p, true), gx(p, false), 16);
    }
    return IvChain.phase2Iv(Phase1Attribute.Hash.SHA2_256, lastPhase1Block(p), mid, 16);
  }

  private static byte[] gx(Phase1 p, boolean initiator) {
    int[] ke = p.suite().equals(V1Captures.MAIN) ? new int[] {2, 3} : new int[] {0, 1};
    return plain(p.suite(), initiator ? ke[0] : ke[1])
        .first(KePayload.class)
        .orElseThrow()
        .keyExchangeData()
        .toByteArray();
  }

  private static byte[] lastPhase1Block(Phase1 p) {
    byte[] last = null;
    for (byte[] raw : V1Captures.messages(p.suite())) {
      if (Datagram.decode(raw).orElseThrow() instanceof EncryptedMessage e
          && e.header().messageId() == 0) {
        last = e.lastBlock(16);
      }
    }
    return last;
  }

  private static byte[] hash(IsakmpMessage m) {
    assertEquals(PayloadType.HASH, m.payloads().get(0).type(), "HASH comes first");
    return ((HashPayload) m.payloads().get(0)).hashData().toByteArray();
  }

  @Test
  void mainModePhase1() {
    Phase1 p = phase1(V1Captures.MAIN, 2, 3);
    byte[] saiB = p.first().first(SaPayload.class).orElseThrow().encodeBody();

    // HDR*, IDii, HASH_I, N(INITIAL-CONTACT) -->
    IsakmpMessage m5 = open(p, 4);
    assertEquals("ID_PROT 0 [ ID HASH N(INITIAL-CONTACT) ]", m5.toString());
    IdPayload idii = m5.first(IdPayload.class).orElseThrow();
    assertEquals(IdType.IPV4_ADDR, idii.idType());
    assertEquals("192.0.2.1", idii.address().getHostAddress());
    assertEquals(0, idii.protocol(), "charon sends protocol and port 0 (any)");
    assertEquals(0, idii.port());
    byte[] hashI =
        V1KeyDerivation.hashI(
            PRF,
            p.keys().skeyid(),
            gx(p, true),
            gx(p, false),
            p.ckyI(),
            p.ckyR(),
            saiB,
            idii.encodeBody());
    assertArrayEquals(V1Captures.key(p.suite(), "HASH_I"), hashI);
    assertArrayEquals(hashI, m5.first(HashPayload.class).orElseThrow().hashData().toByteArray());
    NotifyPayload ic = m5.notify(NotifyType.INITIAL_CONTACT).orElseThrow();
    assertEquals(ProtocolId.ISAKMP, ic.protocolId());
    assertEquals(NotifyPayload.cookiePair(p.ckyI(), p.ckyR()), ic.spi());

    // <-- HDR*, IDir, HASH_R
    IsakmpMessage m6 = open(p, 5);
    assertEquals("ID_PROT 0 [ ID HASH ]", m6.toString());
    IdPayload idir = m6.first(IdPayload.class).orElseThrow();
    assertEquals("192.0.2.2", idir.address().getHostAddress());
    byte[] hashR =
        V1KeyDerivation.hashR(
            PRF,
            p.keys().skeyid(),
            gx(p, true),
            gx(p, false),
            p.ckyI(),
            p.ckyR(),
            saiB,
            idir.encodeBody());
    assertArrayEquals(V1Captures.key(p.suite(), "HASH_R"), hashR);
    assertArrayEquals(hashR, m6.first(HashPayload.class).orElseThrow().hashData().toByteArray());

    quickModeAndInformationals(p, 6, null);
  }

  @Test
  void aggressiveModePhase1() {
    Phase1 p = phase1(V1Captures.AGGRESSIVE, 0, 1);
    byte[] saiB = p.first().first(SaPayload.class).orElseThrow().encodeBody();
    IsakmpMessage m1 = p.first();
    IsakmpMessage m2 = plain(p.suite(), 1);

    // <-- HDR, SA, KE, Nr, IDir, [VID...], NAT-D, NAT-D, HASH_R (in the clear)
    IdPayload idir = m2.first(IdPayload.class).orElseThrow();
    assertEquals(IdType.FQDN, idir.idType());
    assertEquals("responder.v1.example", idir.text());
    byte[] hashR =
        V1KeyDerivation.hashR(
            PRF,
            p.keys().skeyid(),
            gx(p, true),
            gx(p, false),
            p.ckyI(),
            p.ckyR(),
            saiB,
            idir.encodeBody());
    assertArrayEquals(V1Captures.key(p.suite(), "HASH_R"), hashR);
    assertArrayEquals(hashR, m2.first(HashPayload.class).orElseThrow().hashData().toByteArray());

    // HDR*, HASH_I, NAT-D, NAT-D --> (strongSwan encrypts the third message)
    IsakmpMessage m3 = open(p, 2);
    assertEquals("AGGRESSIVE 0 [ HASH NAT-D NAT-D ]", m3.toString());
    IdPayload idii = m1.first(IdPayload.class).orElseThrow();
    byte[] hashI =
        V1KeyDerivation.hashI(
            PRF,
            p.keys().skeyid(),
            gx(p, true),
            gx(p, false),
            p.ckyI(),
            p.ckyR(),
            saiB,
            idii.encodeBody());
    assertArrayEquals(V1Captures.key(p.suite(), "HASH_I"), hashI);
    assertArrayEquals(hashI, hash(m3));

    quickModeAndInformationals(p, 3, SecretBytes.copyOf(V1Captures.key(p.suite(), "DH secret")));
  }

  /** Quick Mode at {@code qm}, {@code qm+1}, {@code qm+2}, then DPD and Delete informationals. */
  private static void quickModeAndInformationals(Phase1 p, int qm, SecretBytes gqmxy) {
    SecretBytes skeyidA = p.keys().skeyidA();
    // HDR*, HASH(1), SA, Ni, [KE,] IDci, IDcr -->
    IsakmpMessage q1 = open(p, qm);
    long mid = q1.header().messageId();
    assertEquals(
        gqmxy == null
            ? "QUICK_MODE " + mid + " [ HASH SA No ID ID ]"
            : "QUICK_MODE " + mid + " [ HASH SA No KE ID ID ]",
        q1.toString());
    byte[] h1 = V1KeyDerivation.quickModeHash1(PRF, skeyidA, mid, q1.encodePayloadsAfter(0));
    assertArrayEquals(V1Captures.key(p.suite(), "Hash(1)"), h1);
    assertArrayEquals(h1, hash(q1));
    SaPayload sa = q1.first(SaPayload.class).orElseThrow();
    SaPayload.Proposal proposal = sa.proposals().get(0);
    assertEquals(ProtocolId.ESP, proposal.protocolId());
    SaPayload.Transform t = proposal.transforms().get(0);
    assertEquals(SaPayload.ESP_AES_CBC, t.transformId());
    assertEquals(
        IpsecAttribute.AuthAlgorithm.HMAC_SHA2_256.value(),
        t.attribute(IpsecAttribute.AUTHENTICATION_ALGORITHM.value()).orElseThrow().longValue());
    assertEquals(
        IpsecAttribute.EncapsulationMode.UDP_ENCAPSULATED_TUNNEL.value(),
        t.attribute(IpsecAttribute.ENCAPSULATION_MODE.value()).orElseThrow().longValue());
    assertEquals(128, t.attribute(IpsecAttribute.KEY_LENGTH.value()).orElseThrow().longValue());
    if (gqmxy != null) {
      assertEquals(
          14, t.attribute(IpsecAttribute.GROUP_DESCRIPTION.value()).orElseThrow().longValue());
    }
    List<IdPayload> ids = q1.all(IdPayload.class);
    // charon sends a /32 traffic selector as ID_IPV4_ADDR (RFC 2407 section 4.6.2.1).
    assertEquals(IdType.IPV4_ADDR, ids.get(0).idType());
    assertEquals("10.0.0.1", ids.get(0).address().getHostAddress());
    assertEquals("10.0.1.1", ids.get(1).address().getHostAddress());
    byte[] qmNi = q1.first(NoncePayload.class).orElseThrow().encodeBody();

    // <-- HDR*, HASH(2), SA, Nr, [KE,] IDci, IDcr
    IsakmpMessage q2 = open(p, qm + 1);
    byte[] h2 = V1KeyDerivation.quickModeHash2(PRF, skeyidA, mid, qmNi, q2.encodePayloadsAfter(0));
    assertArrayEquals(V1Captures.key(p.suite(), "Hash(2)"), h2);
    assertArrayEquals(h2, hash(q2));
    byte[] qmNr = q2.first(NoncePayload.class).orElseThrow().encodeBody();
    SaPayload.Proposal chosen = q2.first(SaPayload.class).orElseThrow().proposals().get(0);

    // HDR*, HASH(3) -->
    IsakmpMessage q3 = open(p, qm + 2);
    assertEquals("QUICK_MODE " + mid + " [ HASH ]", q3.toString());
    byte[] h3 = V1KeyDerivation.quickModeHash3(PRF, skeyidA, mid, qmNi, qmNr);
    assertArrayEquals(V1Captures.key(p.suite(), "Hash(3)"), h3);
    assertArrayEquals(h3, hash(q3));

    // KEYMAT: the initiator's outbound SA uses the responder's SPI, and the other way round.
    byte[] spiI = proposal.spi().toByteArray();
    byte[] spiR = chosen.spi().toByteArray();
    byte[] seedOut = V1Captures.key(p.suite(), "initiator SA seed");
    byte[] seedIn = V1Captures.key(p.suite(), "responder SA seed");
    byte[] gq = gqmxy == null ? new byte[0] : gqmxy.copy();
    assertArrayEquals(seedOut, Bytes.concat(gq, new byte[] {3}, spiR, qmNi, qmNr), "out seed");
    assertArrayEquals(seedIn, Bytes.concat(gq, new byte[] {3}, spiI, qmNi, qmNr), "in seed");
    SecretBytes out =
        V1KeyDerivation.keymat(PRF, p.keys().skeyidD(), gqmxy, 3, spiR, qmNi, qmNr, 48);
    SecretBytes in =
        V1KeyDerivation.keymat(PRF, p.keys().skeyidD(), gqmxy, 3, spiI, qmNi, qmNr, 48);
    assertArrayEquals(
        Bytes.concat(
            V1Captures.key(p.suite(), "encryption initiator key"),
            V1Captures.key(p.suite(), "integrity initiator key")),
        out.copy(),
        "KEYMAT initiator -> responder");
    assertArrayEquals(
        Bytes.concat(
            V1Captures.key(p.suite(), "encryption responder key"),
            V1Captures.key(p.suite(), "integrity responder key")),
        in.copy(),
        "KEYMAT responder -> initiator");

    // DPD: R-U-THERE / R-U-THERE-ACK twice, then the ESP Delete and the ISAKMP Delete.
    List<byte[]> hashes = V1Captures.all(p.suite(), "Hash");
    int h = 0;
    java.util.Map<Boolean, Long> lastSeq = new java.util.HashMap<>();
    int total = V1Captures.messages(p.suite()).size();
    for (int i = qm + 3; i < total; i++) {
      IsakmpMessage info = open(p, i);
      long imid = info.header().messageId();
      byte[] computed =
          V1KeyDerivation.informationalHash(PRF, skeyidA, imid, info.encodePayloadsAfter(0));
      assertArrayEquals(computed, hash(info), "informational HASH of message " + i);
      assertArrayEquals(hashes.get(h++), computed, "logged informational HASH " + i);
      Payload body = info.payloads().get(1);
      if (i < total - 2) {
        // Each side sends its own R-U-THERE; an ACK echoes the other side's last sequence number.
        NotifyPayload n = assertInstanceOf(NotifyPayload.class, body);
        boolean fromInitiator = V1Captures.files(p.suite()).get(i).endsWith("i2r");
        assertEquals(NotifyPayload.cookiePair(p.ckyI(), p.ckyR()), n.spi());
        if (n.notifyType().equals(NotifyType.R_U_THERE_ACK)) {
          assertEquals(lastSeq.get(!fromInitiator), n.dpdSequence(), "ACK echoes the sequence");
        } else {
          assertEquals(NotifyType.R_U_THERE, n.notifyType());
          Long previous = lastSeq.get(fromInitiator);
          assertEquals(true, previous == null || n.dpdSequence() > previous, "sequence increases");
          lastSeq.put(fromInitiator, n.dpdSequence());
        }
      } else if (i == total - 2) {
        DeletePayload d = assertInstanceOf(DeletePayload.class, body);
        assertEquals(ProtocolId.ESP, d.protocolId());
        assertEquals(List.of(Bytes.of(spiI)), d.spis(), "the initiator deletes its inbound SA");
      } else {
        DeletePayload d = assertInstanceOf(DeletePayload.class, body);
        assertEquals(DeletePayload.isakmpSa(p.ckyI(), p.ckyR()), d);
      }
    }
    assertEquals(hashes.size(), h, "every logged informational HASH was checked");
  }
}
