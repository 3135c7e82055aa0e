package org.meshsec.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import org.meshsec.esp.crypto.CryptoEngines;
import org.meshsec.fuzz.FuzzBudget;
import org.meshsec.fuzz.Mutations;

/**
 * Fuzzing of the ESP inbound path ({@link EspContext#open}, RFC 4303 section 3.4): packets sealed
 * under the SA's own key, then mutated (so the SPI, sequence number, IV, ciphertext, ICV and the
 * length all get edited), opened in every buffer shape; packets whose plaintext trailer is forged
 * under the right key (any Pad Length, any padding bytes) so the checks after decryption are
 * reached too; and the seal/open round trip for generated payloads. Nothing may throw, a refused
 * packet leaves no trace in the replay window, and only a well-formed packet opens.
 */
@AddLifecycleHook(FuzzBudget.class)
class EspOpenFuzzTest {
  private static final int SPI = 0x1000_0001;
  private static final List<EspSuite> SUITES = EspSuite.supported();

  private static byte[] keyMaterial(EspSuite suite) {
    byte[] km = new byte[suite.keyMaterialLength()];
    new Random(suite.hashCode()).nextBytes(km);
    return km;
  }

  private static EspSaParams params(EspSuite suite, boolean esn) {
    return new EspSaParams(SPI, suite, keyMaterial(suite), esn, 64);
  }

  /** Valid packets of several sizes and sequence numbers, per suite, to mutate. */
  private static List<byte[]> sealed(EspSuite suite, boolean esn) {
    List<byte[]> out = new ArrayList<>();
    try (EspContext ctx = EspContext.outbound(params(suite, esn), CryptoEngines.preferred(suite))) {
      Random r = new Random(7);
      for (int size : new int[] {0, 1, 15, 16, 40, 100, 1400}) {
        byte[] payload = new byte[size];
        r.nextBytes(payload);
        out.add(seal(ctx, payload, 4));
      }
    }
    return out;
  }

  private static byte[] seal(EspContext ctx, byte[] payload, int nextHeader) {
    ByteBuf b = Bufs.HEAP.with(payload, ctx.headroom(), ctx.tailroom());
    try {
      assertEquals(EspStatus.OK, ctx.seal(b, nextHeader));
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  /** One inbound SA per suite and ESN setting, kept across tries as a receiver keeps it. */
  record Target(EspSuite suite, boolean esn, EspContext in, List<byte[]> seeds) {
    @Override
    public String toString() {
      return suite + (esn ? " esn" : "");
    }
  }

  private static final List<Target> TARGETS = new ArrayList<>();

  static {
    for (EspSuite suite : SUITES) {
      for (boolean esn : new boolean[] {false, true}) {
        TARGETS.add(
            new Target(
                suite,
                esn,
                EspContext.inbound(params(suite, esn), CryptoEngines.preferred(suite)),
                sealed(suite, esn)));
      }
    }
  }

  record Case(Target target, Bufs shape, Mutations.Input input) {}

  @Provide
  Arbitrary<Case> mutatedPackets() {
    return Arbitraries.of(TARGETS)
        .flatMap(
            t ->
                Combinators.combine(Arbitraries.of(Bufs.class), Mutations.of(t.seeds(), 3, b -> b))
                    .as((shape, in) -> new Case(t, shape, in)));
  }

  @Property(tries = 1500, seed = "20261203")
  void mutatedPacketsOpenToATypedStatus(@ForAll("mutatedPackets") Case c) {
    byte[] bytes = c.input().bytes();
    EspContext in = c.target().in();
    long highest = in.sequence();
    ByteBuf buf = c.shape().with(bytes, 0, 0);
    try {
      OpenResult r = new OpenResult();
      EspStatus s = in.open(buf, r);
      assertNotNull(s);
      Statistics.collect(s);
      if (s == EspStatus.OK) {
        assertTrue(buf.readerIndex() >= 0 && buf.writerIndex() <= bytes.length);
        assertTrue(in.sequence() >= r.sequence);
      } else {
        assertEquals(highest, in.sequence(), "a refused packet moved the replay window");
      }
    } finally {
      buf.release();
    }
  }

  /**
   * AES-GCM packets built here with any trailer: RFC 4303 section 2.4 padding is 1, 2, 3, ... and
   * Pad Length plus 2 fits the plaintext. Only such packets open; the others are BAD_PAD_LENGTH or
   * BAD_PADDING, never an exception or a wrong payload.
   */
  @Provide
  Arbitrary<byte[]> plaintexts() {
    Arbitrary<byte[]> valid =
        Combinators.combine(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
                Arbitraries.integers().between(0, 255),
                Arbitraries.bytes(),
                Arbitraries.integers().between(-1, 300))
            .as(
                (payload, padLen, nextHeader, corrupt) -> {
                  byte[] p = Arrays.copyOf(payload, payload.length + padLen + 2);
                  for (int i = 0; i < padLen; i++) {
                    p[payload.length + i] = (byte) (i + 1);
                  }
                  p[p.length - 2] = (byte) (int) padLen;
                  p[p.length - 1] = nextHeader;
                  if (corrupt >= 0) {
                    p[corrupt % p.length] ^= 0x01; // one wrong bit anywhere, padding included
                  }
                  return p;
                });
    return Arbitraries.oneOf(valid, Arbitraries.bytes().array(byte[].class).ofMaxSize(64));
  }

  @Property(tries = 500, seed = "4303")
  void forgedTrailersAreCheckedAfterDecryption(
      @ForAll("plaintexts") byte[] plain,
      @ForAll boolean esn,
      @ForAll @IntRange(min = 1, max = 0x7FFF_FFFF) int seq,
      @ForAll("shapes") Bufs shape)
      throws Exception {
    EspSuite suite = EspSuite.AES128_GCM16;
    byte[] packet = gcmPacket(keyMaterial(suite), esn, seq, plain);
    // no replay window: the generated sequence numbers repeat
    EspSaParams p = new EspSaParams(SPI, suite, keyMaterial(suite), esn, 0);
    try (EspContext in = EspContext.inbound(p, CryptoEngines.preferred(suite))) {
      ByteBuf buf = shape.with(packet, 0, 0);
      try {
        OpenResult r = new OpenResult();
        EspStatus s = in.open(buf, r);
        Statistics.collect(s);
        Integer valid = validPayloadLength(plain);
        if (valid == null) {
          assertTrue(
              s == EspStatus.BAD_PAD_LENGTH
                  || s == EspStatus.BAD_PADDING
                  || s == EspStatus.TRUNCATED,
              "status " + s);
        } else {
          assertEquals(EspStatus.OK, s);
          assertArrayEquals(Arrays.copyOf(plain, valid), ByteBufUtil.getBytes(buf));
          assertEquals(plain[plain.length - 1] & 0xFF, r.nextHeader);
        }
      } finally {
        buf.release();
      }
    }
  }

  @Provide
  Arbitrary<Bufs> shapes() {
    return Arbitraries.of(Bufs.class);
  }

  /** The payload length when {@code plain} ends in a valid trailer, else null. */
  private static Integer validPayloadLength(byte[] plain) {
    if (plain.length < 2) {
      return null;
    }
    int padLen = plain[plain.length - 2] & 0xFF;
    if (padLen + 2 > plain.length) {
      return null;
    }
    int padStart = plain.length - 2 - padLen;
    for (int i = 0; i < padLen; i++) {
      if ((plain[padStart + i] & 0xFF) != i + 1) {
        return null;
      }
    }
    return padStart;
  }

  /** SPI, Seq, IV, AES-GCM(plain) with the ICV (RFC 4106 sections 3-5). */
  private static byte[] gcmPacket(byte[] km, boolean esn, int seq, byte[] plain) throws Exception {
    byte[] iv = new byte[8];
    new Random(seq).nextBytes(iv);
    byte[] nonce = new byte[12];
    System.arraycopy(km, 16, nonce, 0, 4);
    System.arraycopy(iv, 0, nonce, 4, 8);
    ByteBuffer aad = ByteBuffer.allocate(esn ? 12 : 8).putInt(SPI);
    if (esn) {
      aad.putInt(0);
    }
    aad.putInt(seq);
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(
        Cipher.ENCRYPT_MODE, new SecretKeySpec(km, 0, 16, "AES"), new GCMParameterSpec(128, nonce));
    gcm.updateAAD(aad.array());
    byte[] ct = gcm.doFinal(plain);
    return ByteBuffer.allocate(16 + ct.length).putInt(SPI).putInt(seq).put(iv).put(ct).array();
  }

  @Provide
  Arbitrary<EspSuite> suites() {
    return Arbitraries.of(SUITES);
  }

  /** open(seal(p)) == p with the Next Header, for every suite, ESN or not, and buffer shape. */
  @Property(tries = 400, seed = "2406")
  void sealThenOpenRoundTrips(
      @ForAll("suites") EspSuite suite,
      @ForAll boolean esn,
      @ForAll @Size(max = 2000) byte[] payload,
      @ForAll @IntRange(min = 0, max = 255) int nextHeader,
      @ForAll("shapes") Bufs shape) {
    EspSaParams p = params(suite, esn);
    try (EspContext out = EspContext.outbound(p, CryptoEngines.preferred(suite));
        EspContext in = EspContext.inbound(p, CryptoEngines.preferred(suite))) {
      ByteBuf buf = shape.with(payload, out.headroom(), out.tailroom());
      try {
        assertEquals(EspStatus.OK, out.seal(buf, nextHeader));
        OpenResult r = new OpenResult();
        assertEquals(EspStatus.OK, in.open(buf, r));
        assertArrayEquals(payload, ByteBufUtil.getBytes(buf));
        assertEquals(nextHeader, r.nextHeader);
        assertEquals(1, r.sequence);
      } finally {
        buf.release();
      }
    }
  }
}
