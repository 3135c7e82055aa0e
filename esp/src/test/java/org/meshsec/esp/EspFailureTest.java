package org.meshsec.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.meshsec.esp.crypto.AeadCipher;
import org.meshsec.esp.crypto.CbcCipher;
import org.meshsec.esp.crypto.CryptoEngines;
import org.meshsec.esp.crypto.IcvMac;

/**
 * Every failure status of {@link EspContext}: tampering with each region of a packet, padding that
 * authenticates but is wrong, short and misaligned packets, replays, sequence exhaustion, missing
 * room, use after close, and a fuzz run proving that no input bytes make {@link EspContext#open}
 * throw.
 */
class EspFailureTest {

  static final int SPI = 0x0a0b0c0d;

  static Stream<Arguments> suitesAndEngines() {
    return EspRoundTripTest.SUITES.stream()
        .flatMap(s -> EspRoundTripTest.ENGINES.stream().map(e -> Arguments.of(s, e.name())));
  }

  static EspSaParams params(EspSuite suite, boolean esn, int window) {
    byte[] km = new byte[suite.keyMaterialLength()];
    new Random(suite.hashCode()).nextBytes(km);
    return new EspSaParams(SPI, suite, km, esn, window);
  }

  static byte[] seal(EspSaParams p, CryptoEngine e, byte[] payload) {
    try (EspContext out = EspContext.outbound(p, e)) {
      ByteBuf buf = Bufs.HEAP.with(payload, out.headroom(), out.tailroom());
      try {
        assertEquals(EspStatus.OK, out.seal(buf, 41));
        return Bufs.readable(buf);
      } finally {
        buf.release();
      }
    }
  }

  static EspStatus open(EspContext in, byte[] packet, Bufs shape) {
    ByteBuf buf = shape.with(packet, 0, 0);
    try {
      return in.open(buf, new OpenResult());
    } finally {
      buf.release();
    }
  }

  static EspStatus openFresh(EspSaParams p, CryptoEngine e, byte[] packet) {
    try (EspContext in = EspContext.inbound(p, e)) {
      return open(in, packet, Bufs.HEAP);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("suitesAndEngines")
  void tamperingWithAnyRegionFailsTheIcv(EspSuite suite, String engineName) {
    CryptoEngine e = EspRoundTripTest.engine(engineName);
    for (boolean esn : new boolean[] {false, true}) {
      EspSaParams p = params(suite, esn, 64);
      byte[] payload = new byte[100]; // pads by 2 (AEAD) or 10 (CBC)
      byte[] packet = seal(p, e, payload);
      int h = suite.headerLength();
      int icv = suite.icvLength();
      int ct = packet.length - h - icv;
      int pad = (suite.blockSize() - (100 + 2) % suite.blockSize()) % suite.blockSize();
      assertEquals(EspStatus.OK, openFresh(p, e, packet));
      int[][] regions = {
        {4, 8}, // sequence number (the SPI is checked below: it selects the SA)
        {8, h}, // IV
        {h, h + 100}, // ciphertext of the payload
        {h + 100, h + 100 + pad + 2}, // ciphertext of padding, pad length, next header
        {h + ct, packet.length} // ICV
      };
      for (int[] region : regions) {
        for (int at : new int[] {region[0], (region[0] + region[1]) / 2, region[1] - 1}) {
          byte[] t = packet.clone();
          t[at] ^= (byte) 0x80; // in the sequence number: a fresh window still accepts it
          assertEquals(EspStatus.ICV_MISMATCH, openFresh(p, e, t), "esn=" + esn + " byte " + at);
        }
      }
      // The SPI is authenticated too: an SA with another SPI but the same keys rejects it.
      EspSaParams other = new EspSaParams(SPI ^ 1, suite, p.keyMaterial(), esn, 64);
      byte[] t = packet.clone();
      t[3] ^= 1;
      assertEquals(EspStatus.ICV_MISMATCH, openFresh(other, e, t), "esn=" + esn + " SPI");
      assertEquals(EspStatus.ICV_MISMATCH, openFresh(other, e, packet), "packet for another SA");
    }
  }

  /**
   * Builds an ESP packet through the engine primitives with an arbitrary plaintext (payload and
   * trailer as given), so that wrong padding carries a valid ICV.
   */
  static byte[] rawPacket(EspSaParams p, CryptoEngine e, long seq, byte[] plaintext) {
    EspSuite s = p.suite();
    byte[] km = p.keyMaterial();
    byte[] key = Arrays.copyOf(km, s.encKeyLength());
    byte[] iv = new byte[s.ivLength()];
    new Random(seq).nextBytes(iv);
    int h = s.headerLength();
    ByteBuffer b = ByteBuffer.allocate(h + plaintext.length + s.icvLength());
    b.putInt(SPI).putInt((int) seq).put(iv).put(plaintext);
    if (s.encr().isAead()) {
      byte[] nonce = new byte[12];
      System.arraycopy(km, s.encKeyLength(), nonce, 0, 4);
      System.arraycopy(iv, 0, nonce, 4, 8);
      ByteBuffer aad = ByteBuffer.allocate(12).putInt(SPI);
      if (p.esn()) {
        aad.putLong(seq);
      } else {
        aad.putInt((int) seq);
      }
      try (AeadCipher a = e.newAead(s.encr(), key)) {
        a.seal(nonce, aad.array(), aad.position(), b, h, plaintext.length);
      }
    } else {
      byte[] ik = Arrays.copyOfRange(km, s.encKeyLength(), km.length);
      try (CbcCipher c = e.newAesCbc(key);
          IcvMac m = e.newHmac(s.integ(), ik)) {
        c.encrypt(iv, 0, b, h, plaintext.length);
        m.update(b, 0, h + plaintext.length);
        if (p.esn()) {
          m.update(
              new byte[] {
                (byte) (seq >>> 56), (byte) (seq >>> 48), (byte) (seq >>> 40), (byte) (seq >>> 32)
              },
              0,
              4);
        }
        byte[] full = new byte[m.macLength()];
        m.doFinal(full, 0);
        b.put(h + plaintext.length, full, 0, s.icvLength());
      }
    }
    return b.array();
  }

  static byte[] plaintext(
      EspSuite s, int payloadLen, int padLen, int padLenField, int brokenPadByte) {
    int len = payloadLen + padLen + 2;
    byte[] pt = new byte[len];
    for (int i = 0; i < padLen; i++) {
      pt[payloadLen + i] = (byte) (i + 1);
    }
    if (brokenPadByte >= 0) {
      pt[payloadLen + brokenPadByte] ^= 0x40;
    }
    pt[len - 2] = (byte) padLenField;
    pt[len - 1] = 4;
    assertEquals(0, len % s.blockSize(), "test plaintext must stay aligned");
    return pt;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("suitesAndEngines")
  void authenticPacketsWithBadTrailerAreRejected(EspSuite suite, String engineName) {
    CryptoEngine e = EspRoundTripTest.engine(engineName);
    int b = suite.blockSize();
    for (boolean esn : new boolean[] {false, true}) {
      EspSaParams p = params(suite, esn, 64);
      int payloadLen = 3 * b - 2 - (b - 1); // leaves b - 1 pad bytes
      int padLen = b - 1;
      // The raw builder itself is right: a correct trailer opens.
      byte[] good = rawPacket(p, e, 1, plaintext(suite, payloadLen, padLen, padLen, -1));
      assertEquals(EspStatus.OK, openFresh(p, e, good), "esn=" + esn);
      if (padLen > 0) {
        for (int broken = 0; broken < padLen; broken++) {
          byte[] bad = rawPacket(p, e, 1, plaintext(suite, payloadLen, padLen, padLen, broken));
          assertEquals(EspStatus.BAD_PADDING, openFresh(p, e, bad), "esn=" + esn + " " + broken);
        }
      }
      // A pad length that claims more bytes than were decrypted.
      int ct = payloadLen + padLen + 2;
      byte[] tooLong = rawPacket(p, e, 1, plaintext(suite, payloadLen, padLen, ct - 1, -1));
      assertEquals(EspStatus.BAD_PAD_LENGTH, openFresh(p, e, tooLong), "esn=" + esn);
      byte[] maxPad = rawPacket(p, e, 1, plaintext(suite, payloadLen, padLen, 255, -1));
      assertEquals(EspStatus.BAD_PAD_LENGTH, openFresh(p, e, maxPad), "esn=" + esn);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("suitesAndEngines")
  void shortAndMisalignedPackets(EspSuite suite, String engineName) {
    CryptoEngine e = EspRoundTripTest.engine(engineName);
    EspSaParams p = params(suite, false, 64);
    int min = suite.headerLength() + suite.icvLength() + (suite.encr().isAead() ? 2 : 16);
    byte[] packet = seal(p, e, new byte[40]);
    try (EspContext in = EspContext.inbound(p, e)) {
      for (int len = 0; len < min; len++) {
        assertEquals(
            EspStatus.TRUNCATED, open(in, Arrays.copyOf(packet, len), Bufs.HEAP), "" + len);
      }
      if (!suite.encr().isAead()) {
        for (int extra = 1; extra < 16; extra++) {
          byte[] odd = Arrays.copyOf(packet, packet.length + extra);
          assertEquals(EspStatus.BAD_LENGTH, open(in, odd, Bufs.HEAP), "+" + extra);
        }
      }
      assertEquals(EspStatus.OK, open(in, packet, Bufs.HEAP), "the window was not advanced");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("suitesAndEngines")
  void replaysAreRejectedUnlessTheWindowIsOff(EspSuite suite, String engineName) {
    CryptoEngine e = EspRoundTripTest.engine(engineName);
    for (int window : new int[] {64, 0}) {
      EspSaParams p = params(suite, false, window);
      byte[] one = seal(p, e, new byte[10]);
      try (EspContext in = EspContext.inbound(p, e)) {
        assertEquals(EspStatus.OK, open(in, one, Bufs.DIRECT));
        assertEquals(window == 0 ? EspStatus.OK : EspStatus.REPLAY, open(in, one, Bufs.DIRECT));
        assertEquals(1, in.sequence());
      }
    }
    // A forged packet must not advance the window: the genuine one still opens afterwards.
    EspSaParams p = params(suite, false, 64);
    byte[] one = seal(p, e, new byte[10]);
    byte[] forged = one.clone();
    forged[forged.length - 1] ^= 1;
    try (EspContext in = EspContext.inbound(p, e)) {
      assertEquals(EspStatus.ICV_MISMATCH, open(in, forged, Bufs.HEAP));
      assertEquals(0, in.sequence());
      assertEquals(EspStatus.OK, open(in, one, Bufs.HEAP));
    }
  }

  @Test
  void sequenceNumbersExhaustWithoutEsnAt2To32Minus1() {
    for (EspSuite suite : List.of(EspSuite.AES128_GCM16, EspSuite.AES128_CBC_SHA256)) {
      EspSaParams p = params(suite, false, 64);
      try (EspContext out =
          EspContext.outboundStartingAfter(
              p, CryptoEngines.jca(), EspRoundTripTest.defaultIv(suite), 0xFFFF_FFFEL)) {
        byte[] last = EspRoundTripTest.sealCopy(out, new byte[8]);
        assertEquals(-1, ByteBuffer.wrap(last).getInt(4), "2^32-1 is the last number sent");
        ByteBuf buf = Bufs.HEAP.with(new byte[8], out.headroom(), out.tailroom());
        try {
          assertEquals(EspStatus.SEQ_EXHAUSTED, out.seal(buf, 4));
          assertEquals(EspStatus.SEQ_EXHAUSTED, out.seal(buf, 4), "and stays exhausted");
          assertArrayEquals(new byte[8], Bufs.readable(buf), "buffer untouched");
        } finally {
          buf.release();
        }
        assertEquals(0xFFFF_FFFFL, out.sequence());
      }
    }
  }

  @Test
  void sequenceNumbersExhaustWithEsnAt2To64Minus1() {
    EspSaParams p = params(EspSuite.AES256_GCM16, true, 64);
    try (EspContext out =
        EspContext.outboundStartingAfter(p, CryptoEngines.jca(), IvSource.sequenceCounter(), -2L)) {
      byte[] last = EspRoundTripTest.sealCopy(out, new byte[8]);
      assertEquals(-1, ByteBuffer.wrap(last).getInt(4));
      assertEquals(-1L, ByteBuffer.wrap(last).getLong(8), "counter IV = 2^64-1");
      ByteBuf buf = Bufs.HEAP.with(new byte[8], out.headroom(), out.tailroom());
      try {
        assertEquals(EspStatus.SEQ_EXHAUSTED, out.seal(buf, 4));
      } finally {
        buf.release();
      }
      assertEquals(-1L, out.sequence(), "2^64-1, unsigned");
    }
    // Crossing 2^32 with ESN is no exhaustion.
    try (EspContext out =
        EspContext.outboundStartingAfter(
            p, CryptoEngines.jca(), IvSource.sequenceCounter(), 0xFFFF_FFFFL)) {
      byte[] next = EspRoundTripTest.sealCopy(out, new byte[8]);
      assertEquals(0, ByteBuffer.wrap(next).getInt(4), "low half wraps to 0 on the wire");
      assertEquals(1L << 32, out.sequence());
    }
  }

  @Test
  void missingRoomIsReportedAndConsumesNoSequenceNumber() {
    EspSaParams p = params(EspSuite.AES128_CBC_SHA256, false, 64);
    try (EspContext out = EspContext.outbound(p, CryptoEngines.jca())) {
      int need = 100 + 2 + 10 + out.suite().icvLength(); // 100 payload bytes pad by 10
      ByteBuf noHead = Bufs.HEAP.with(new byte[100], out.headroom() - 1, out.tailroom());
      ByteBuf noTail = Bufs.DIRECT.with(new byte[100], out.headroom(), need - 100 - 1);
      ByteBuf exact = Bufs.DIRECT.with(new byte[100], out.headroom(), need - 100);
      try {
        assertEquals(EspStatus.NO_ROOM, out.seal(noHead, 4));
        assertEquals(EspStatus.NO_ROOM, out.seal(noTail, 4));
        assertEquals(0, out.sequence());
        assertEquals(EspStatus.OK, out.seal(exact, 4), "exactly enough room");
        assertEquals(1, out.sequence());
      } finally {
        noHead.release();
        noTail.release();
        exact.release();
      }
    }
  }

  @Test
  void closeWipesAndLaterCallsReturnClosed() {
    for (EspSuite suite : EspRoundTripTest.SUITES) {
      EspSaParams p = params(suite, false, 64);
      byte[] packet = seal(p, CryptoEngines.jca(), new byte[20]);
      EspContext out = EspContext.outbound(p, CryptoEngines.bouncyCastle());
      EspContext in = EspContext.inbound(p, CryptoEngines.jca());
      out.close();
      in.close();
      in.close(); // idempotent
      ByteBuf buf = Bufs.HEAP.with(new byte[20], out.headroom(), out.tailroom());
      try {
        assertEquals(EspStatus.CLOSED, out.seal(buf, 4));
      } finally {
        buf.release();
      }
      assertEquals(EspStatus.CLOSED, open(in, packet, Bufs.HEAP));
      assertNotEquals(-1, p.keyMaterial()[0] | 1, "the caller's array is the caller's to wipe");
    }
  }

  /**
   * Random bytes, every truncation and random bit flips of valid packets, on every suite, engine
   * and buffer shape: open never throws, and nothing but the untouched packet opens.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("suitesAndEngines")
  void fuzzNeverThrows(EspSuite suite, String engineName) {
    CryptoEngine e = EspRoundTripTest.engine(engineName);
    Random rnd = new Random(1234 + suite.hashCode());
    Bufs[] shapes = {Bufs.HEAP, Bufs.DIRECT, Bufs.POOLED_DIRECT, Bufs.COMPOSITE};
    for (boolean esn : new boolean[] {false, true}) {
      EspSaParams p = params(suite, esn, 32);
      try (EspContext in = EspContext.inbound(p, e)) {
        for (int i = 0; i < 300; i++) {
          byte[] junk = new byte[rnd.nextInt(160)];
          rnd.nextBytes(junk);
          if (junk.length >= 4 && rnd.nextBoolean()) {
            ByteBuffer.wrap(junk).putInt(SPI); // get past the SPI check
          }
          assertNotEquals(EspStatus.OK, open(in, junk, shapes[i % shapes.length]));
        }
        byte[] packet = seal(p, e, new byte[rnd.nextInt(90)]);
        for (int len = 0; len < packet.length; len++) {
          assertNotEquals(
              EspStatus.OK, open(in, Arrays.copyOf(packet, len), shapes[len % shapes.length]));
        }
        for (int i = 0; i < 200; i++) {
          byte[] t = packet.clone();
          t[rnd.nextInt(t.length)] ^= (byte) (1 << rnd.nextInt(8));
          assertNotEquals(EspStatus.OK, open(in, t, shapes[i % shapes.length]));
        }
        assertEquals(EspStatus.OK, open(in, packet, Bufs.COMPOSITE), "the untouched packet");
      }
    }
  }
}
