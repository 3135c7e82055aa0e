package org.meshsec.ike.v1.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.crypto.DeterministicRandom;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.v1.V1Captures;
import org.meshsec.ike.v1.message.IdPayload;
import org.meshsec.ike.v1.message.IsakmpHeader;
import org.meshsec.ike.v1.message.Phase1Attribute;

/**
 * Mutated Main Mode messages (strongSwan's recorded (1) and (3), and our own (5)) fed to a
 * responder: every outcome is a Reply or a typed Failed, never an exception. Bounded by a number of
 * iterations rather than by time, so that a loaded machine runs the same inputs, only slower.
 */
class MainModeFuzzTest {
  private static final int ITERATIONS = 600;

  private static MainModeExchange responder(long seed) throws Exception {
    Phase1Proposal p =
        new Phase1Proposal(
            Phase1Attribute.Encryption.AES_CBC,
            128,
            Phase1Attribute.Hash.SHA2_256,
            DhGroup.MODP_2048,
            0);
    return MainModeExchange.responder(
        new Phase1Config(
            List.of(p),
            SecretBytes.copyOf("k".getBytes(StandardCharsets.US_ASCII)),
            IdPayload.address(InetAddress.getByName("192.0.2.2")),
            Optional.empty()),
        new DeterministicRandom(seed));
  }

  private static byte[] mutate(byte[] seed, Random random) {
    byte[] b = seed.clone();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n; i++) {
      int at = IsakmpHeader.LENGTH + random.nextInt(b.length - IsakmpHeader.LENGTH);
      b[at] = random.nextBoolean() ? (byte) random.nextInt(256) : (byte) (b[at] ^ 1);
    }
    if (random.nextInt(4) == 0) {
      b = java.util.Arrays.copyOf(b, IsakmpHeader.LENGTH + random.nextInt(b.length - 27));
      ByteBuffer.wrap(b).putInt(IsakmpHeader.OFFSET_LENGTH, b.length);
    }
    return b;
  }

  @Test
  void mutatedMessagesGiveTypedOutcomes() throws Exception {
    Random random = new Random(0x3A1);
    byte[] m1 = V1Captures.message(V1Captures.MAIN, "01_id_prot_i2r");
    byte[] m3 = V1Captures.message(V1Captures.MAIN, "03_id_prot_i2r");
    int iterations = 0;
    while (iterations < ITERATIONS) {
      byte[] input = null;
      try {
        MainModeExchange r = responder(iterations);
        if (iterations % 10 != 0) {
          input = mutate(m1, random);
          r.receive(input);
        } else {
          r.receive(m1);
          byte[] m3ours = m3.clone();
          System.arraycopy(Bytes.bigEndian64(r.sa().responderCookie()), 0, m3ours, 8, 8);
          input = mutate(m3ours, random);
          r.receive(input);
        }
      } catch (RuntimeException | AssertionError e) {
        throw new AssertionError(
            "iteration " + iterations + " input " + (input == null ? "" : Bytes.of(input).toHex()),
            e);
      }
      iterations++;
    }
    assertEquals(ITERATIONS, iterations);
  }
}
