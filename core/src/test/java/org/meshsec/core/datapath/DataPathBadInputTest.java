package org.meshsec.core.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.packet.PacketBuilder;
import org.meshsec.core.sad.SaSpec;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.Selector;
import org.meshsec.core.stats.XfrmStat;
import org.meshsec.esp.EspContext;
import org.meshsec.esp.EspSaParams;
import org.meshsec.esp.EspStatus;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;
import org.meshsec.esp.crypto.CryptoEngines;

/**
 * Bad input on the inbound path (issue: "Bad input, each with a test"): each case is dropped,
 * counted in the right xfrm_stat counter, never delivered, and no exception escapes. The data path
 * logs nothing per packet (counters only), so a flood cannot flood the log.
 *
 * <p>Node B receives from A over CBC + HMAC-SHA-256 in tunnel mode (10.0.0.0/24 -> 10.0.1.0/24); a
 * "rogue" sender holding A's keys forges packets whose ICV verifies but whose contents are bad.
 */
class DataPathBadInputTest {
  static final EspSuite SUITE = EspSuite.AES128_CBC_SHA256;
  static final int SPI = 0x1000;
  static final InetSocketAddress FROM = new InetSocketAddress("192.0.2.1", 4500);

  Node a;
  Node b;
  List<ByteBuf> captured;
  Selector sel;
  Policy pb;

  @BeforeEach
  void setUp() throws Exception {
    a = new Node("a", "192.0.2.1");
    b = new Node("b", "192.0.2.2");
    captured = new ArrayList<>();
    a.wire = (esp, from, to) -> captured.add(esp);
    b.wire = (esp, from, to) -> a.dp.inbound(esp, from);
    sel = Selector.between(IpPrefix.parse("10.0.0.0/24"), IpPrefix.parse("10.0.1.0/24"));
    Policy pa = a.protect(sel, IpsecMode.TUNNEL, SUITE, b);
    pb = b.protect(sel.reverse(), IpsecMode.TUNNEL, SUITE, a);
    Node.keyPair(a, pa, b, pb, sel, IpsecMode.TUNNEL, SUITE, SPI);
  }

  /** A real packet from A: 10.0.0.10 -> 10.0.1.10, UDP with {@code n} payload bytes. */
  byte[] sealedByA(int n) {
    byte[] ip = udp("10.0.0.10", "10.0.1.10", n);
    a.fromTun(ip);
    ByteBuf esp = captured.remove(captured.size() - 1);
    return Node.take(esp);
  }

  static byte[] udp(String src, String dst, int n) {
    ByteBuf buf = Unpooled.buffer(2000);
    int len = new PacketBuilder().addresses(src, dst).udp(buf, 0, 1000, 2000, n);
    byte[] ip = new byte[len];
    buf.getBytes(0, ip);
    return ip;
  }

  void deliverToB(byte[] esp) {
    b.dp.inbound(Unpooled.wrappedBuffer(esp.clone()), FROM);
  }

  long stat(XfrmStat s) {
    return b.dp.stats().get(s);
  }

  /** Asserts that exactly {@code expected} went up by one and nothing was delivered. */
  void assertDropped(Map<String, Long> before, XfrmStat expected) {
    assertTrue(b.delivered.isEmpty(), "nothing delivered");
    Map<String, Long> after = b.dp.stats().snapshot();
    for (var e : after.entrySet()) {
      long d = e.getValue() - before.get(e.getKey());
      assertEquals(
          e.getKey().equals(expected.statName()) ? 1 : 0, d, e.getKey() + " in " + b.dp.stats());
    }
  }

  @Test
  void genuinePacketIsDelivered() {
    deliverToB(sealedByA(100));
    assertNotNull(b.delivered.poll());
  }

  @Test
  void truncatedEsp() {
    byte[] esp = sealedByA(100);
    for (int len : new int[] {1, 3, 7, 8, 20, 40}) {
      var before = b.dp.stats().snapshot();
      byte[] cut = java.util.Arrays.copyOf(esp, len);
      deliverToB(cut);
      // Under 8 bytes the framing is malformed; from 8 on the SA is found and ESP says TRUNCATED.
      assertDropped(before, XfrmStat.IN_HDR_ERROR);
    }
  }

  @Test
  void icvMismatchAnywhere() {
    byte[] esp = sealedByA(100);
    for (int off : new int[] {4, 8, 8 + 16, esp.length - 17, esp.length - 1}) {
      var before = b.dp.stats().snapshot();
      byte[] bad = esp.clone();
      bad[off] ^= 0x40;
      deliverToB(bad);
      assertDropped(before, XfrmStat.IN_STATE_PROTO_ERROR);
    }
    deliverToB(esp); // the genuine one still passes: a forgery did not advance the window
    assertNotNull(b.delivered.poll());
  }

  @Test
  void unknownSpiIsCountedAndReported() {
    byte[] esp = sealedByA(100);
    esp[0] = 0x7F; // SPI 0x7F001000: nobody's
    var before = b.dp.stats().snapshot();
    deliverToB(esp);
    assertDropped(before, XfrmStat.IN_NO_STATES);
    assertEquals(List.of(0x7F001000), b.unknownSpis);
  }

  @Test
  void replayedAndTooOldSequenceNumbers() {
    byte[] first = sealedByA(10);
    deliverToB(first);
    assertNotNull(b.delivered.poll());
    var before = b.dp.stats().snapshot();
    deliverToB(first);
    assertDropped(before, XfrmStat.IN_STATE_SEQ_ERROR);
    // 2000 more packets move the 1024-packet window past the first one... still a replay
    byte[] old = sealedByA(10);
    for (int i = 0; i < 2000; i++) {
      deliverToB(sealedByA(10));
      b.delivered.clear();
    }
    before = b.dp.stats().snapshot();
    deliverToB(old); // never seen, but left of the window: too old
    assertDropped(before, XfrmStat.IN_STATE_SEQ_ERROR);
  }

  @Test
  void packetForAnExpiredSa() throws Exception {
    // Replace B's inbound SA with one whose hard limit is one packet.
    b.dp.sad().delete(Direction.IN, SPI, a.underlay);
    byte[] k = Node.key(SUITE, SPI);
    Node.add(
        b,
        new SaSpec(
            Direction.IN,
            SPI,
            b.underlay,
            4500,
            a.underlay,
            4500,
            IpsecMode.TUNNEL,
            sel,
            -1,
            SUITE,
            k,
            false,
            1024,
            SaLifetime.NONE,
            new SaLifetime(0, 0, 1)));
    deliverToB(sealedByA(10));
    assertNotNull(b.delivered.poll(), "the last packet within the hard limit is delivered");
    var before = b.dp.stats().snapshot();
    deliverToB(sealedByA(10));
    assertDropped(before, XfrmStat.IN_NO_STATES); // DEAD and gone from the SAD
  }

  /** A sender holding A's outbound keys, sealing whatever inner bytes the test wants. */
  EspContext rogue() {
    return EspContext.outbound(
        new EspSaParams(SPI, SUITE, Node.key(SUITE, SPI), false, 0), CryptoEngines.jca());
  }

  byte[] forge(EspContext ctx, byte[] inner, int nextHeader) {
    ByteBuf buf = Unpooled.buffer(64 + inner.length + 64);
    buf.writerIndex(32).writeBytes(inner).readerIndex(32);
    assertEquals(EspStatus.OK, ctx.seal(buf, nextHeader));
    byte[] out = new byte[buf.readableBytes()];
    buf.readBytes(out);
    return out;
  }

  @Test
  void spoofedInnerSourceFailsTheInboundPolicyCheck() {
    try (EspContext r = rogue()) {
      var before = b.dp.stats().snapshot();
      deliverToB(forge(r, udp("10.66.0.1", "10.0.1.10", 50), 4)); // source outside 10.0.0.0/24
      assertDropped(before, XfrmStat.IN_TMPL_MISMATCH);
      before = b.dp.stats().snapshot();
      deliverToB(forge(r, udp("10.0.0.10", "10.0.2.10", 50), 4)); // destination outside
      assertDropped(before, XfrmStat.IN_TMPL_MISMATCH);
      deliverToB(forge(r, udp("10.0.0.77", "10.0.1.10", 50), 4)); // inside: delivered
      assertNotNull(b.delivered.poll());
    }
  }

  @Test
  void aPolicyMismatchIsCountedOnItsSaToo() {
    try (EspContext r = rogue()) {
      deliverToB(forge(r, udp("10.66.0.1", "10.0.1.10", 50), 4));
      deliverToB(forge(r, udp("10.0.0.10", "10.0.1.10", 50), 17));
      deliverToB(forge(r, udp("10.0.0.77", "10.0.1.10", 50), 4));
      assertNotNull(b.delivered.poll());
      var sa = b.dp.sad().get(org.meshsec.core.spd.Direction.IN, SPI, null).orElseThrow();
      assertEquals(2, sa.policyMismatches(), "both drops on the SA that opened them: " + sa);
      assertEquals(0, sa.replayDrops());
    }
  }

  @Test
  void malformedInnerIpHeader() {
    try (EspContext r = rogue()) {
      byte[] inner = udp("10.0.0.10", "10.0.1.10", 50);
      byte[] badVersion = inner.clone();
      badVersion[0] = 0x55;
      byte[] shortIhl = inner.clone();
      shortIhl[0] = 0x43;
      byte[] lyingLength = inner.clone();
      lyingLength[2] = 0x7F;
      for (byte[] bad : new byte[][] {badVersion, shortIhl, lyingLength, new byte[3]}) {
        var before = b.dp.stats().snapshot();
        deliverToB(forge(r, bad, 4));
        assertDropped(before, XfrmStat.IN_HDR_ERROR);
      }
      var before = b.dp.stats().snapshot();
      deliverToB(forge(r, udp("fd00::1", "fd00:1::1", 10), 4)); // IPv6 inside "IPv4" next header
      assertDropped(before, XfrmStat.IN_HDR_ERROR);
      before = b.dp.stats().snapshot();
      deliverToB(forge(r, inner, 17)); // tunnel-mode SA, next header is not IP
      assertDropped(before, XfrmStat.IN_TMPL_MISMATCH);
    }
  }

  /**
   * Bad padding and a wrong pad length with a valid ICV: decrypt a genuine packet with A's keys,
   * change the trailer, re-encrypt and re-MAC (RFC 3602 CBC, RFC 4868 HMAC-SHA-256-128).
   */
  @Test
  void badPaddingAndWrongPadLengthWithValidIcv() throws Exception {
    byte[] key = Node.key(SUITE, SPI);
    byte[] encKey = java.util.Arrays.copyOfRange(key, 0, 16);
    byte[] macKey = java.util.Arrays.copyOfRange(key, 16, 48);
    // 28-byte IP+UDP header + 2 payload = 30; +2 trailer = 32: no padding. Use 20 -> 48+2 -> 14
    // pad.
    byte[] genuine = sealedByA(20);
    int ctOff = 8 + 16;
    int ctLen = genuine.length - ctOff - 16;
    Cipher dec = Cipher.getInstance("AES/CBC/NoPadding");
    dec.init(
        Cipher.DECRYPT_MODE, new SecretKeySpec(encKey, "AES"), new IvParameterSpec(genuine, 8, 16));
    byte[] plain = dec.doFinal(genuine, ctOff, ctLen);
    int padLen = plain[plain.length - 2] & 0xFF;
    assertTrue(padLen > 1, "test needs padding, got " + padLen);

    byte[] badPad = plain.clone();
    badPad[plain.length - 2 - padLen] ^= 0x01; // first pad byte should be 1
    byte[] badLen = plain.clone();
    badLen[plain.length - 2] = (byte) (plain.length - 1); // longer than the payload allows

    for (var c : List.of(Map.entry(badPad, "padding"), Map.entry(badLen, "pad length"))) {
      var before = b.dp.stats().snapshot();
      deliverToB(reseal(genuine, c.getKey(), encKey, macKey, 100 + before.size()));
      assertDropped(before, XfrmStat.IN_STATE_PROTO_ERROR);
    }
    // Both forgeries authenticated: the drops were padding errors, not ICV failures.
    assertEquals(
        0,
        b.dp.sad().get(Direction.IN, SPI, a.underlay).orElseThrow().icvFailures(),
        "ICV failures");
  }

  private static byte[] reseal(byte[] genuine, byte[] plain, byte[] encKey, byte[] macKey, int seq)
      throws Exception {
    byte[] out = genuine.clone();
    out[4] = (byte) (seq >>> 24);
    out[5] = (byte) (seq >>> 16);
    out[6] = (byte) (seq >>> 8);
    out[7] = (byte) seq;
    byte[] iv = new byte[16];
    new Random(seq).nextBytes(iv);
    System.arraycopy(iv, 0, out, 8, 16);
    Cipher enc = Cipher.getInstance("AES/CBC/NoPadding");
    enc.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(encKey, "AES"), new IvParameterSpec(iv));
    byte[] ct = enc.doFinal(plain);
    System.arraycopy(ct, 0, out, 24, ct.length);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
    mac.update(out, 0, out.length - 16);
    System.arraycopy(mac.doFinal(), 0, out, out.length - 16, 16);
    return out;
  }

  @Test
  void keepaliveIsIgnoredAndIkeGoesToTheHook() {
    var before = b.dp.stats().snapshot();
    deliverToB(new byte[] {(byte) 0xFF});
    assertTrue(b.delivered.isEmpty());
    assertEquals(before, b.dp.stats().snapshot(), "a NAT-keepalive is not an error");
    byte[] ike = new byte[4 + 28];
    ike[4 + 17] = 0x20; // version 2.0 at offset 17 of the IKE header
    deliverToB(ike);
    assertEquals(28, b.ike.poll().length, "IKE reaches the hook without the non-ESP marker");
  }

  @Test
  void garbageDatagramsNeverThrow() {
    Random r = new Random(42);
    byte[] esp = sealedByA(100);
    for (int i = 0; i < 20_000; i++) {
      byte[] g;
      if (i % 2 == 0) {
        g = new byte[r.nextInt(200)];
        r.nextBytes(g);
      } else {
        g = esp.clone();
        for (int k = 0; k <= r.nextInt(4); k++) {
          g[r.nextInt(g.length)] ^= (byte) (1 + r.nextInt(255));
        }
      }
      deliverToB(g);
    }
    assertNull(b.delivered.poll(), "nothing forged gets through");
  }

  @Test
  void dummyPacketsForTrafficFlowConfidentialityAreDroppedSilently() {
    try (EspContext r = rogue()) {
      var before = b.dp.stats().snapshot();
      deliverToB(forge(r, new byte[40], 59));
      assertTrue(b.delivered.isEmpty());
      assertEquals(before, b.dp.stats().snapshot());
    }
  }

  @Test
  void genuineRoundTripStillWorksAfterAllThat() {
    garbageDatagramsNeverThrow();
    byte[] ip = udp("10.0.0.10", "10.0.1.10", 33);
    a.wire = (esp, from, to) -> b.dp.inbound(esp, from);
    a.fromTun(ip);
    assertArrayEquals(ip, b.delivered.poll());
  }
}
