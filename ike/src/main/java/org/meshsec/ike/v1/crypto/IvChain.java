package org.meshsec.ike.v1.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.meshsec.ike.v1.message.Phase1Attribute;

/**
 * The CBC IVs of one ISAKMP SA (RFC 2409 appendix B).
 *
 * <pre>
 * phase 1      IV = hash(g^xi | g^xr), truncated to the block size, for the first encrypted
 *              message; each later phase 1 message uses the last ciphertext block of the
 *              previous one (CBC chaining across messages)
 * Quick Mode / IV = hash(last phase 1 CBC output block | M-ID), truncated, for the first message
 * informational  of the exchange; then chained as in phase 1, per Message ID
 * </pre>
 *
 * "hash" is the negotiated hash function itself, not the prf. Message ID 0 is phase 1. After every
 * encrypted message sent or accepted, call {@link #update(long, byte[])} with its last ciphertext
 * block ({@code EncryptedMessage.lastBlock}); a message that failed its HASH check must not update
 * the chain (strongSwan keeps the old IV in that case too, so a forged message cannot desynchronise
 * the exchange). At most {@link #MAX_EXCHANGES} phase 2 exchanges are remembered; the oldest is
 * forgotten first.
 *
 * <p>Not thread-safe: owned by one ISAKMP SA, used on its executor.
 */
public final class IvChain {
  /** How many phase 2 exchanges keep their IV state. */
  public static final int MAX_EXCHANGES = 16;

  private final Phase1Attribute.Hash hash;
  private final int blockSize;
  private byte[] phase1;
  private final Map<Long, byte[]> phase2 =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
          return size() > MAX_EXCHANGES;
        }
      };

  /**
   * Starts the chain of a phase 1 SA from its initial IV, hash(g^xi | g^xr).
   *
   * @param gxi the initiator's KE data as sent
   * @param gxr the responder's KE data as sent
   */
  public IvChain(Phase1Attribute.Hash hash, int blockSize, byte[] gxi, byte[] gxr) {
    this.hash = hash;
    this.blockSize = blockSize;
    this.phase1 = phase1Iv(hash, gxi, gxr, blockSize);
  }

  /** hash(g^xi | g^xr) truncated to {@code blockSize}. */
  public static byte[] phase1Iv(Phase1Attribute.Hash hash, byte[] gxi, byte[] gxr, int blockSize) {
    MessageDigest md = digest(hash);
    md.update(gxi);
    md.update(gxr);
    return truncate(md.digest(), blockSize);
  }

  /** hash(last phase 1 CBC output block | M-ID) truncated to {@code blockSize}. */
  public static byte[] phase2Iv(
      Phase1Attribute.Hash hash, byte[] lastPhase1Block, long messageId, int blockSize) {
    MessageDigest md = digest(hash);
    md.update(lastPhase1Block);
    md.update(
        new byte[] {
          (byte) (messageId >>> 24),
          (byte) (messageId >>> 16),
          (byte) (messageId >>> 8),
          (byte) messageId
        });
    return truncate(md.digest(), blockSize);
  }

  /** The IV for the next message of exchange {@code messageId} (0: phase 1). A fresh copy. */
  public byte[] iv(long messageId) {
    if (messageId == 0) {
      return phase1.clone();
    }
    // Reading stores nothing: a forged message with a fresh Message ID must not evict the IV
    // state of a genuine exchange; only update(), after the message passed its checks, does.
    byte[] chained = phase2.get(messageId);
    return chained != null ? chained.clone() : phase2Iv(hash, phase1, messageId, blockSize);
  }

  /** Records the last ciphertext block of a message of exchange {@code messageId}. */
  public void update(long messageId, byte[] lastBlock) {
    if (lastBlock.length != blockSize) {
      throw new IllegalArgumentException("block of " + lastBlock.length + " bytes");
    }
    if (messageId == 0) {
      phase1 = lastBlock.clone();
    } else {
      phase2.put(messageId, lastBlock.clone());
    }
  }

  /** Forgets a finished phase 2 exchange. */
  public void forget(long messageId) {
    phase2.remove(messageId);
  }

  private static MessageDigest digest(Phase1Attribute.Hash hash) {
    String name = hash.jcaName();
    if (name == null) {
      throw new IllegalArgumentException("unsupported hash " + hash);
    }
    try {
      return MessageDigest.getInstance(name);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(name + " unavailable", e);
    }
  }

  private static byte[] truncate(byte[] digest, int blockSize) {
    if (digest.length < blockSize) {
      throw new IllegalArgumentException("hash shorter than the block size");
    }
    return Arrays.copyOf(digest, blockSize);
  }

  @Override
  public String toString() {
    return "IvChain[" + hash + ", " + phase2.size() + " phase 2 exchanges]";
  }
}
