package org.meshsec.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.meshsec.esp.crypto.CryptoEngines;

/**
 * Seal/open round trips for every suite, on both engines, with and without ESN, sealing with one
 * engine and opening with the same or the other one; payload sizes 0..300 one by one, then sparse
 * up to 2000; the buffer shape rotates with the size.
 */
class EspRoundTripTest {

  static final List<EspSuite> SUITES =
      List.of(
          EspSuite.AES128_GCM16,
          EspSuite.AES256_GCM16,
          EspSuite.CHACHA20_POLY1305,
          EspSuite.AES128_CBC_SHA256,
          EspSuite.AES256_CBC_SHA256,
          EspSuite.parse("aes128-sha384"),
          EspSuite.parse("aes256-sha512"));

  static final List<CryptoEngine> ENGINES =
      List.of(CryptoEngines.jca(), CryptoEngines.bouncyCastle());

  static Stream<Arguments> matrix() {
    List<Arguments> args = new ArrayList<>();
    for (EspSuite suite : SUITES) {
      for (CryptoEngine sealer : ENGINES) {
        for (CryptoEngine opener : ENGINES) {
          for (boolean esn : new boolean[] {false, true}) {
            args.add(Arguments.of(suite, sealer.name(), opener.name(), esn));
          }
        }
      }
    }
    return args.stream();
  }

  static CryptoEngine engine(String name) {
    return name.equals("jca") ? CryptoEngines.jca() : CryptoEngines.bouncyCastle();
  }

  static EspSaParams params(EspSuite suite, boolean esn, int window, long seed) {
    byte[] km = new byte[suite.keyMaterialLength()];
    new Random(seed).nextBytes(km);
    return new EspSaParams(0xc0ffee01, suite, km, esn, window);
  }

  static List<Integer> sizes() {
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i <= 300; i++) {
      sizes.add(i);
    }
    for (int i = 301; i <= 2000; i += 53) {
      sizes.add(i);
    }
    sizes.add(1400);
    sizes.add(1500);
    sizes.add(2000);
    return sizes;
  }

  @ParameterizedTest(name = "{0} seal={1} open={2} esn={3}")
  @MethodSource("matrix")
  void roundTrip(EspSuite suite, String sealer, String opener, boolean esn) {
    EspSaParams p = params(suite, esn, EspSaParams.DEFAULT_REPLAY_WINDOW, suite.hashCode());
    // With ESN, start just below 2^32 so the run crosses into the next epoch: the high half
    // then enters the ICV/AAD without appearing on the wire.
    long start = esn ? 0xFFFF_FF00L : 0;
    Random rnd = new Random(42);
    Bufs[] shapes = Bufs.values();
    try (EspContext out =
            esn
                ? EspContext.outboundStartingAfter(p, engine(sealer), defaultIv(suite), start)
                : EspContext.outbound(p, engine(sealer));
        EspContext in = EspContext.inbound(p, engine(opener))) {
      if (esn) {
        in.commitForTest(start);
      }
      OpenResult r = new OpenResult();
      long expectedSeq = start;
      for (int size : sizes()) {
        byte[] payload = new byte[size];
        rnd.nextBytes(payload);
        int nh = rnd.nextInt(256);
        ByteBuf buf = shapes[size % shapes.length].with(payload, out.headroom(), out.tailroom());
        try {
          assertEquals(EspStatus.OK, out.seal(buf, nh), "size " + size);
          expectedSeq++;
          int len = buf.readableBytes();
          assertEquals(
              suite.headerLength() + cipherLength(suite, size) + suite.icvLength(),
              len,
              "size " + size);
          assertEquals((int) expectedSeq, buf.getInt(buf.readerIndex() + 4), "wire seq");
          r.clear();
          assertEquals(EspStatus.OK, in.open(buf, r), "size " + size);
          assertArrayEquals(payload, Bufs.readable(buf), "size " + size);
          assertEquals(nh, r.nextHeader);
          assertEquals(expectedSeq, r.sequence);
        } finally {
          buf.release();
        }
      }
      assertEquals(expectedSeq, out.sequence());
      assertEquals(expectedSeq, in.sequence());
      if (esn) {
        assertTrue(expectedSeq > 0xFFFF_FFFFL, "crossed the 2^32 boundary");
      }
    }
  }

  static IvSource defaultIv(EspSuite suite) {
    return suite.encr().isAead() ? IvSource.sequenceCounter() : IvSource.unpredictable();
  }

  /** Payload + padding + pad length + next header, aligned to the suite's block size. */
  static int cipherLength(EspSuite suite, int payload) {
    int b = suite.blockSize();
    return (payload + 2 + b - 1) / b * b;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("suites")
  void ivsAreFreshPerPacket(EspSuite suite) {
    // Two packets with the same payload must differ everywhere after the sequence number.
    EspSaParams p = params(suite, false, 64, 7);
    try (EspContext out = EspContext.outbound(p, CryptoEngines.preferred(suite))) {
      byte[] a = sealCopy(out, new byte[64]);
      byte[] b = sealCopy(out, new byte[64]);
      byte[] ivA = java.util.Arrays.copyOfRange(a, 8, 8 + suite.ivLength());
      byte[] ivB = java.util.Arrays.copyOfRange(b, 8, 8 + suite.ivLength());
      assertNotEquals(Hex.hex(ivA), Hex.hex(ivB));
      if (suite.encr().isAead()) {
        assertEquals("0000000000000001", Hex.hex(ivA), "counter IV = sequence number");
        assertEquals("0000000000000002", Hex.hex(ivB));
      }
    }
  }

  /**
   * Opening in steps (parallel decryption): check and commit on the SA's context, the crypto on a
   * second inbound context of the same SA, with ESN across the 2^32 boundary; a copy that passed
   * the check before the original was committed is refused at commit; a tampered packet fails the
   * crypto step and moves nothing.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("suites")
  void openInStepsOnTwoContexts(EspSuite suite) {
    EspSaParams p = params(suite, true, 64, 11);
    long start = 0xFFFF_FFF0L;
    try (EspContext out =
            EspContext.outboundStartingAfter(
                p, CryptoEngines.preferred(suite), defaultIv(suite), start);
        EspContext in = EspContext.inbound(p, CryptoEngines.preferred(suite));
        EspContext worker = EspContext.inbound(p, CryptoEngines.preferred(suite))) {
      in.commitForTest(start);
      OpenResult r = new OpenResult();
      for (int i = 1; i <= 32; i++) {
        byte[] payload = new byte[40 + i];
        java.util.Arrays.fill(payload, (byte) i);
        byte[] esp = sealCopy(out, payload);
        ByteBuf a = Bufs.HEAP.with(esp, 0, 0);
        ByteBuf copy = Bufs.HEAP.with(esp, 0, 0);
        r.clear();
        assertEquals(EspStatus.OK, in.openCheck(a, r));
        assertEquals(start + i, r.sequence, "ESN inferred across the epoch");
        OpenResult rc = new OpenResult();
        assertEquals(EspStatus.OK, in.openCheck(copy, rc), "not committed yet: passes too");
        if (i % 4 == 0) {
          ByteBuf bad = Bufs.HEAP.with(esp, 0, 0);
          bad.setByte(bad.writerIndex() - 1, bad.getByte(bad.writerIndex() - 1) ^ 1);
          OpenResult rb = new OpenResult();
          assertEquals(EspStatus.OK, in.openCheck(bad, rb));
          assertEquals(EspStatus.ICV_MISMATCH, worker.openCrypto(bad, rb));
        }
        assertEquals(EspStatus.OK, worker.openCrypto(a, r));
        assertArrayEquals(payload, Bufs.readable(a));
        assertEquals(4, r.nextHeader);
        assertTrue(in.openCommit(r.sequence));
        assertEquals(EspStatus.OK, worker.openCrypto(copy, rc));
        assertTrue(!in.openCommit(rc.sequence), "the copy is a replay at commit");
        assertEquals(start + i, in.sequence());
      }
    }
  }

  static Stream<EspSuite> suites() {
    return SUITES.stream();
  }

  static byte[] sealCopy(EspContext out, byte[] payload) {
    ByteBuf buf = Bufs.HEAP.with(payload, out.headroom(), out.tailroom());
    try {
      assertEquals(EspStatus.OK, out.seal(buf, 4));
      return Bufs.readable(buf);
    } finally {
      buf.release();
    }
  }
}
