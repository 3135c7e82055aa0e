package org.meshsec.esp;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Where an outbound {@link EspContext} gets the explicit IV it puts in each packet (RFC 4303
 * section 2.3). Injected, so that known-answer tests can reproduce published packets byte for byte
 * (draft-mcgrew-gcm-test-01 and RFC 3602 fix the IV of each example packet).
 *
 * <ul>
 *   <li>AEAD (AES-GCM, RFC 4106 section 3.1; ChaCha20-Poly1305, RFC 7634 section 2): the IV need
 *       only never repeat under one key; the default, {@link #sequenceCounter()}, uses the 64-bit
 *       sequence number itself, which the context never reuses.
 *   <li>AES-CBC (RFC 3602 section 3): the IV must be unpredictable; the default, {@link
 *       #unpredictable()}, encrypts a counter under a random per-context AES key.
 * </ul>
 *
 * <p>Implementations are called by one context at a time; {@link #unpredictable()} instances are
 * not thread-safe and must not be shared between contexts.
 */
@FunctionalInterface
public interface IvSource {

  /**
   * Writes {@code len} IV bytes at {@code dst[off]} for the packet with the (full, 64-bit) sequence
   * number {@code seq}.
   */
  void nextIv(long seq, byte[] dst, int off, int len);

  /**
   * The IV is the 64-bit sequence number, big-endian (RFC 4106 section 3.1 allows any counter that
   * never repeats under a key; the sequence number never repeats within an SA). For 8-byte IVs.
   * Stateless and thread-safe.
   */
  static IvSource sequenceCounter() {
    return (seq, dst, off, len) -> {
      if (len != 8) {
        throw new IllegalArgumentException("counter IVs are 8 bytes, asked for " + len);
      }
      for (int i = 7; i >= 0; i--) {
        dst[off + i] = (byte) seq;
        seq >>>= 8;
      }
    };
  }

  /**
   * Unpredictable IVs for CBC: {@code AES-ECB_K(N || counter)} with a key K and a 64-bit prefix N
   * drawn once from {@link SecureRandom}. AES is a pseudorandom permutation, so outputs for
   * distinct counter values are unpredictable to anyone without K; one AES block per packet is far
   * cheaper than a {@code SecureRandom} call. Not thread-safe: one instance per context.
   */
  static IvSource unpredictable() {
    return new UnpredictableIvSource(new SecureRandom());
  }

  /** See {@link IvSource#unpredictable()}. */
  final class UnpredictableIvSource implements IvSource {
    private final Cipher aes;
    private final byte[] block = new byte[16];
    private final byte[] out = new byte[16];
    private long counter;

    UnpredictableIvSource(SecureRandom random) {
      byte[] key = new byte[16];
      random.nextBytes(key);
      random.nextBytes(block);
      try {
        aes = Cipher.getInstance("AES/ECB/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("JCA provider lacks AES/ECB", e);
      } finally {
        java.util.Arrays.fill(key, (byte) 0);
      }
    }

    @Override
    public void nextIv(long seq, byte[] dst, int off, int len) {
      if (len > 16) {
        throw new IllegalArgumentException("IV longer than one AES block: " + len);
      }
      long c = ++counter;
      for (int i = 15; i >= 8; i--) {
        block[i] = (byte) c;
        c >>>= 8;
      }
      try {
        aes.doFinal(block, 0, 16, out, 0);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-ECB failed", e);
      }
      System.arraycopy(out, 0, dst, off, len);
    }

    @Override
    public String toString() {
      return "IvSource[unpredictable]";
    }
  }
}
