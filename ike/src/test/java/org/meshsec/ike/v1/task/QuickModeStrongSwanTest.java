package org.meshsec.ike.v1.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.meshsec.ike.v1.task.V1Peers.reply;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.crypto.Prf;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.port.MemoryIpsec;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.v1.V1Captures;
import org.meshsec.ike.v1.crypto.IvChain;
import org.meshsec.ike.v1.crypto.Phase1Keys;
import org.meshsec.ike.v1.crypto.V1KeyDerivation;
import org.meshsec.ike.v1.message.CbcCipher;
import org.meshsec.ike.v1.message.Datagram;
import org.meshsec.ike.v1.message.EncryptedMessage;
import org.meshsec.ike.v1.message.HashPayload;
import org.meshsec.ike.v1.message.IsakmpMessage;
import org.meshsec.ike.v1.message.KePayload;
import org.meshsec.ike.v1.message.NoncePayload;
import org.meshsec.ike.v1.message.Phase1Attribute;

/**
 * Our Quick Mode task against strongSwan 5.9's recorded Quick Modes (see
 * /captures/strongswan-ikev1/README.md): with phase 1 rebuilt from the recording and charon's
 * random choices (Message ID, nonce) and SPIs replayed, our initiator produces charon's messages
 * (1) and (3) byte for byte (so HASH(1) and HASH(3) are the logged ones), our responder produces
 * charon's message (2) byte for byte, and both install the ESP keys charon logged.
 */
class QuickModeStrongSwanTest {
  private static final Prf PRF = V1KeyDerivation.prfFor(Phase1Attribute.Hash.SHA2_256);

  private static IsakmpMessage plain(String suite, String file) {
    return (IsakmpMessage) Datagram.decode(V1Captures.message(suite, file)).orElseThrow();
  }

  /** The ISAKMP SA of a recording, as one side holds it after phase 1. */
  static Phase1State phase1(
      String suite,
      boolean initiator,
      String kei,
      String ker,
      String last,
      V1Peers.ScriptedRandom r)
      throws Exception {
    IsakmpMessage mi = plain(suite, kei);
    IsakmpMessage mr = plain(suite, ker);
    byte[] gxi = mi.first(KePayload.class).orElseThrow().keyExchangeData().toByteArray();
    byte[] gxr = mr.first(KePayload.class).orElseThrow().keyExchangeData().toByteArray();
    byte[] niB = mi.first(NoncePayload.class).orElseThrow().encodeBody();
    byte[] nrB = mr.first(NoncePayload.class).orElseThrow().encodeBody();
    Phase1State sa =
        new Phase1State(initiator, V1Peers.phase1Config(initiator ? "192.0.2.1" : "192.0.2.2"), r);
    sa.restoreCookies(mr.header().initiatorCookie(), mr.header().responderCookie());
    SecretBytes skeyid =
        V1KeyDerivation.skeyidPsk(PRF, SecretBytes.copyOf(V1Captures.PSK), niB, nrB);
    sa.keys =
        Phase1Keys.derive(
            PRF,
            skeyid,
            SecretBytes.copyOf(V1Captures.key(suite, "shared Diffie Hellman secret")),
            sa.initiatorCookie(),
            sa.responderCookie(),
            16);
    sa.cipher = CbcCipher.aes(sa.keys.encryptionKey().copy());
    sa.ivs = new IvChain(Phase1Attribute.Hash.SHA2_256, 16, gxi, gxr);
    EncryptedMessage lastPhase1 =
        (EncryptedMessage) Datagram.decode(V1Captures.message(suite, last)).orElseThrow();
    sa.ivs.update(0, lastPhase1.lastBlock(16));
    sa.chosen = V1Peers.AES128_SHA256_MODP2048;
    sa.established = true;
    return sa;
  }

  private static QuickModeConfig config(String local, String remote, long seconds, DhGroup pfs) {
    return new QuickModeConfig(
        "recorded",
        1,
        List.of(EspSuite.AES128_CBC_SHA256),
        pfs,
        IpsecMode.TUNNEL,
        true,
        List.of(TsRange.parse(local)),
        List.of(TsRange.parse(remote)),
        seconds,
        0);
  }

  /** The recorded message's nonce (Ni_b or Nr_b, the body) and its SPI, after decryption. */
  private static IsakmpMessage decrypted(Phase1State sa, String file) throws V1Exception {
    return Phase2Messages.open(sa, V1Captures.message(V1Captures.MAIN, file)).message();
  }

  private static byte[] keys(String suite, String who) {
    return Bytes.concat(
        V1Captures.key(suite, "encryption " + who + " key"),
        V1Captures.key(suite, "integrity " + who + " key"));
  }

  @Test
  void initiatorReproducesCharonsMessagesOneAndThree() throws Exception {
    String s = V1Captures.MAIN;
    V1Peers.ScriptedRandom random = new V1Peers.ScriptedRandom(1);
    Phase1State sa = phase1(s, true, "03_id_prot_i2r", "04_id_prot_r2i", "06_id_prot_r2i", random);
    // A copy of the SA to read charon's messages without moving our IV chain.
    Phase1State peek =
        phase1(s, true, "03_id_prot_i2r", "04_id_prot_r2i", "06_id_prot_r2i", random);
    IsakmpMessage q1 = decrypted(peek, "07_quick_mode_i2r");
    long mid = q1.header().messageId();
    byte[] ni = q1.first(NoncePayload.class).orElseThrow().nonceData().toByteArray();
    int spiI = spiOf(q1);
    random.then(
        new byte[] {(byte) (mid >>> 24), (byte) (mid >>> 16), (byte) (mid >>> 8), (byte) mid}, ni);
    MemoryIpsec ipsec = new MemoryIpsec(spiI);
    QuickModeExchange i =
        QuickModeExchange.initiator(
            sa, config("10.0.0.1", "10.0.1.1", 0, DhGroup.NONE), ipsec, V1Peers.I, V1Peers.R);

    // QUICK_MODE HDR*, HASH(1), SA, Ni, IDci, IDcr --> : charon's bytes
    assertArrayEquals(V1Captures.message(s, "07_quick_mode_i2r"), i.start(), "message (1)");
    assertArrayEquals(
        V1Captures.key(s, "Hash(1)"),
        ((HashPayload) q1.payloads().get(0)).hashData().toByteArray());
    // <-- QUICK_MODE HDR*, HASH(2), SA, Nr, IDci, IDcr (charon's); HASH(3) --> : charon's bytes
    byte[] q3 = reply(i.receive(V1Captures.message(s, "08_quick_mode_r2i")));
    assertArrayEquals(V1Captures.message(s, "09_quick_mode_i2r"), q3, "message (3)");
    MemoryIpsec.Pair pair = ipsec.installed().get(0);
    assertArrayEquals(keys(s, "initiator"), pair.outboundKeys(), "KEYMAT i -> r");
    assertArrayEquals(keys(s, "responder"), pair.inboundKeys(), "KEYMAT r -> i");
    assertEquals(new SaLifetime(28800, 0, 0), pair.sa().hard(), "charon's lifetime honoured");
    assertEquals(List.of(TsRange.parse("10.0.0.1")), pair.sa().localTs());
  }

  private static int spiOf(IsakmpMessage m) {
    return (int)
        m.first(org.meshsec.ike.v1.message.SaPayload.class)
            .orElseThrow()
            .proposals()
            .get(0)
            .spi()
            .toLong();
  }

  @Test
  void responderReproducesCharonsMessageTwo() throws Exception {
    String s = V1Captures.MAIN;
    V1Peers.ScriptedRandom random = new V1Peers.ScriptedRandom(2);
    Phase1State sa = phase1(s, false, "03_id_prot_i2r", "04_id_prot_r2i", "06_id_prot_r2i", random);
    Phase1State peek =
        phase1(s, false, "03_id_prot_i2r", "04_id_prot_r2i", "06_id_prot_r2i", random);
    Phase2Messages.Opened o = Phase2Messages.open(peek, V1Captures.message(s, "07_quick_mode_i2r"));
    o.commit(peek);
    IsakmpMessage q2 = decrypted(peek, "08_quick_mode_r2i");
    random.then(q2.first(NoncePayload.class).orElseThrow().nonceData().toByteArray());
    MemoryIpsec ipsec = new MemoryIpsec(spiOf(q2));
    QuickModeExchange r =
        QuickModeExchange.responder(
            sa,
            config("10.0.1.0/24", "10.0.0.0/8", 28800, DhGroup.NONE),
            ipsec,
            V1Peers.R,
            V1Peers.I);

    // QUICK_MODE HDR*, HASH(1), SA, Ni, IDci, IDcr --> (charon's)
    // <-- QUICK_MODE HDR*, HASH(2), SA, Nr, IDci, IDcr : charon's bytes, lifetime appended
    byte[] ours = reply(r.receive(V1Captures.message(s, "07_quick_mode_i2r")));
    assertArrayEquals(V1Captures.message(s, "08_quick_mode_r2i"), ours, "message (2)");
    assertEquals(List.of(), ipsec.installed(), "LARVAL until (3)");
    // QUICK_MODE HDR*, HASH(3) --> (charon's)
    assertInstanceOf(
        MainModeExchange.Outcome.Done.class, r.receive(V1Captures.message(s, "09_quick_mode_i2r")));
    MemoryIpsec.Pair pair = ipsec.installed().get(0);
    assertArrayEquals(keys(s, "initiator"), pair.inboundKeys(), "KEYMAT i -> r");
    assertArrayEquals(keys(s, "responder"), pair.outboundKeys(), "KEYMAT r -> i");
    assertEquals(List.of(TsRange.parse("10.0.0.1")), pair.sa().remoteTs(), "narrowed to a host");
  }

  /** With PFS (the Aggressive Mode recording): charon's HASH(1) over SA, Ni, KE, IDs verifies. */
  @Test
  void responderAcceptsCharonsPfsOffer() throws Exception {
    String s = V1Captures.AGGRESSIVE;
    V1Peers.ScriptedRandom random = new V1Peers.ScriptedRandom(3);
    Phase1State sa =
        phase1(s, false, "01_aggressive_i2r", "02_aggressive_r2i", "03_aggressive_i2r", random);
    MemoryIpsec ipsec = new MemoryIpsec(0x0300_0000);
    QuickModeExchange r =
        QuickModeExchange.responder(
            sa, config("10.0.1.1", "10.0.0.1", 0, DhGroup.MODP_2048), ipsec, V1Peers.R, V1Peers.I);
    MainModeExchange.Outcome o = r.receive(V1Captures.message(s, "04_quick_mode_i2r"));
    byte[] q2 = reply(o);
    Phase1State copy =
        phase1(
            s,
            false,
            "01_aggressive_i2r",
            "02_aggressive_r2i",
            "03_aggressive_i2r",
            new V1Peers.ScriptedRandom(4));
    Phase2Messages.open(copy, V1Captures.message(s, "04_quick_mode_i2r")).commit(copy);
    Phase2Messages.Opened peek = Phase2Messages.open(copy, q2);
    assertEquals(
        "QUICK_MODE " + r.task().messageId() + " [ HASH SA No KE ID ID ]",
        peek.message().toString());
  }
}
