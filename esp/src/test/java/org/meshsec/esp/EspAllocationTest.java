package org.meshsec.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the steady-state heap allocation of seal + open per 1400-byte packet, with the JVM's
 * per-thread allocation counter, and keeps it within a bound so that a regression (a per-packet
 * array, a lost cached view) shows up. The numbers are logged; the JCA AEAD path allocates what JCA
 * forces (one parameter spec with its nonce copy per init, see JcaCryptoEngine) plus what the
 * provider allocates inside init/doFinal. Bouncy Castle is reported, not bounded.
 */
class EspAllocationTest {
  private static final Logger LOG = LoggerFactory.getLogger(EspAllocationTest.class);

  static final int SIZE = 1400;
  static final int WARMUP = 4_000;
  static final int MEASURED = 1_000;

  static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  static double bytesPerPacket(EspSuite suite, CryptoEngine engine, Bufs shape) {
    byte[] km = new byte[suite.keyMaterialLength()];
    EspSaParams p = new EspSaParams(0x1234, suite, km, true, 1024);
    try (EspContext out = EspContext.outbound(p, engine);
        EspContext in = EspContext.inbound(p, engine)) {
      ByteBuf buf = shape.with(new byte[SIZE], out.headroom(), out.tailroom());
      OpenResult r = new OpenResult();
      try {
        long before = 0;
        for (int i = 0; i < WARMUP + MEASURED; i++) {
          if (i == WARMUP) {
            before = allocatedBytes();
          }
          buf.setIndex(out.headroom(), out.headroom() + SIZE);
          assertEquals(EspStatus.OK, out.seal(buf, 4));
          assertEquals(EspStatus.OK, in.open(buf, r));
        }
        return (allocatedBytes() - before) / (double) MEASURED;
      } finally {
        buf.release();
      }
    }
  }

  @Test
  void steadyStateAllocationPerPacket() {
    Assumptions.assumeTrue(
        ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
        "needs HotSpot's per-thread allocation counter");
    StringBuilder report = new StringBuilder("seal+open bytes allocated per 1400-byte packet:");
    for (EspSuite suite :
        List.of(EspSuite.AES128_GCM16, EspSuite.CHACHA20_POLY1305, EspSuite.AES128_CBC_SHA256)) {
      for (Bufs shape : List.of(Bufs.POOLED_HEAP, Bufs.POOLED_DIRECT)) {
        double jca = bytesPerPacket(suite, CryptoEngine.jca(), shape);
        report.append(String.format("%n  jca %-16s %-13s %8.1f", suite, shape, jca));
        if (suite.equals(EspSuite.AES128_GCM16)) {
          // Two inits per packet (seal and open), each with a spec, its nonce copy and the
          // provider's per-init GHASH/GCTR state: about 2 KB on JDK 17, never a packet copy more.
          assertTrue(jca < 2 * SIZE, suite + " " + shape + ": " + jca);
        } else if (suite.encr().isAead()) {
          // JDK 17's ChaCha20-Poly1305 collects a decryption's ciphertext in a growing stream.
          assertTrue(jca < 8 * SIZE, suite + " " + shape + ": " + jca);
        } else {
          // CBC + HMAC has no per-packet init; only Mac.doFinal's result array (48 bytes) twice.
          assertTrue(jca < 128, suite + " " + shape + ": " + jca);
        }
      }
      double bc = bytesPerPacket(suite, CryptoEngine.bouncyCastle(), Bufs.POOLED_HEAP);
      report.append(String.format("%n  bc  %-16s %-13s %8.1f", suite, Bufs.POOLED_HEAP, bc));
    }
    LOG.info("{}", report);
    System.out.println(report);
  }
}
