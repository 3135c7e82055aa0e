package org.meshsec.esp.replay;

import java.util.Arrays;

/**
 * Anti-replay sliding window (RFC 4303 section 3.4.3) with a bitmap in the style of RFC 6479 and
 * Extended Sequence Number inference (RFC 4303 Appendix A2).
 *
 * <p>Use: {@link #check} before the ICV is verified (cheap rejection, and ESN inference of the high
 * 32 bits that enter the ICV), {@link #commit} only after the ICV verified. Committing an
 * unauthenticated sequence number would let a forger slide the window forward and make every
 * genuine packet look too old (RFC 4303 section 3.4.3: "the receive window is updated only if the
 * integrity verification succeeds").
 *
 * <p>Semantics, with {@code T} = {@link #highest()} and {@code W} = the window size:
 *
 * <ul>
 *   <li>A sequence number above {@code T} is accepted; one in {@code [T-W+1, T]} is accepted once;
 *       anything older is rejected. The bitmap is a ring of {@code 2^k} 64-bit words with at least
 *       one spare word (RFC 6479), so {@code W} is honoured exactly even though the bitmap covers
 *       more; whole words are zeroed as the window slides, and a jump further than the ring zeroes
 *       it all.
 *   <li>Sequence number 0 is never valid: the first packet of an SA carries 1 (RFC 4303 section
 *       3.3.3). The one exception: without ESN and with the window disabled ({@code W = 0}) the
 *       sender's counter rolls over to 0 (same section), so wire value 0 is accepted there.
 *   <li>Without ESN the full sequence number is the unsigned 32-bit wire value. With ESN the high
 *       32 bits are inferred per Appendix A2.2: the result is the unique value congruent to the
 *       wire value modulo {@code 2^32} in {@code [T-W+1, T-W+2^32]}; a result below 1 (a "previous
 *       epoch" before the first) or at or above {@code 2^63} is rejected. The latter keeps {@link
 *       #REJECT} unambiguous; a sender would need {@code 2^63} packets on one SA to get there, and
 *       RFC 4303 makes it rekey long before the 64-bit counter could cycle.
 *   <li>{@code W = 0} disables replay rejection (duplicates and old packets pass) but {@link
 *       #highest()} still advances and ESN is still inferred. As Appendix A2.2 with {@code W = 0}
 *       would map every reordered packet into the next epoch, inference then uses a nominal window
 *       of {@code 2^31} (the candidate nearest {@code T}). RFC 4303 section 2.2.1 advises against
 *       negotiating ESN with anti-replay off.
 * </ul>
 *
 * <p>{@link #check} never changes state and allocates nothing. {@link #commit} re-validates, so
 * committing a value the window has since moved past, or the same value twice, is harmless.
 *
 * <p><b>Not thread-safe</b>: the caller serialises check and commit for one SA. If packets of one
 * SA are checked concurrently and committed later, two copies of a packet can both pass {@link
 * #check}; the caller must prevent that (for example by checking and committing on one thread).
 */
public final class ReplayWindow {

  /** Returned by {@link #check} when the packet is a replay or too old. */
  public static final long REJECT = -1L;

  /** Largest supported window size in packets. */
  public static final int MAX_SIZE = 65536;

  private static final long LOW32 = 0xFFFF_FFFFL;
  private static final long EPOCH = 1L << 32;
  private static final long MAX_HIGH = 0x7FFF_FFFFL;

  /** Inference window used for ESN when the replay window is disabled (size 0). */
  private static final long DISABLED_INFERENCE_WINDOW = 1L << 31;

  private final int size;
  private final boolean esn;

  /** W of RFC 4303 Appendix A2.2. */
  private final long inferenceWindow;

  /** Ring of bitmap words (RFC 6479); null when the window is disabled. */
  private final long[] ring;

  private final int wordMask;
  private long highest;

  /**
   * @param size window size in packets (0..65536; 0 disables replay rejection; rounded up
   *     internally to the bitmap's block granularity, but never accepting anything older than
   *     {@code size})
   * @param esn whether the SA uses Extended Sequence Numbers
   * @throws IllegalArgumentException if {@code size} is outside 0..65536
   */
  public ReplayWindow(int size, boolean esn) {
    if (size < 0 || size > MAX_SIZE) {
      throw new IllegalArgumentException("replay window size must be 0.." + MAX_SIZE + ": " + size);
    }
    this.size = size;
    this.esn = esn;
    this.inferenceWindow = size == 0 ? DISABLED_INFERENCE_WINDOW : size;
    if (size == 0) {
      this.ring = null;
      this.wordMask = 0;
    } else {
      // Words to hold `size` bits, plus one spare so the window never shares a word with the
      // bits being zeroed for the newest block; a power of two so the index is a mask.
      int words = ((size + 63) >>> 6) + 1;
      int ringWords = Integer.highestOneBit(words - 1) << 1;
      this.ring = new long[ringWords];
      this.wordMask = ringWords - 1;
    }
  }

  /**
   * Checks the 32 bits seen on the wire. Returns the full 64-bit sequence number (the high half
   * inferred when ESN is on; the wire value itself otherwise) or {@link #REJECT}. Does not change
   * the window.
   */
  public long check(int wireSeq) {
    long low = wireSeq & LOW32;
    long seq = esn ? infer(low) : low;
    if (seq < 0) {
      return REJECT;
    }
    if (size == 0) {
      return seq == 0 && esn ? REJECT : seq;
    }
    if (seq == 0) {
      return REJECT;
    }
    if (seq > highest) {
      return seq;
    }
    if (highest - seq >= size) {
      return REJECT;
    }
    return isSet(seq) ? REJECT : seq;
  }

  /**
   * Marks {@code seq} (as returned by {@link #check}) as received and slides the window. Call only
   * after the packet's ICV verified. A value that is now too old is ignored.
   *
   * @throws IllegalArgumentException if {@code seq} is negative ({@link #REJECT} is never
   *     committed: that is a caller bug, not bad packet input)
   */
  public void commit(long seq) {
    if (seq < 0) {
      throw new IllegalArgumentException("cannot commit a rejected sequence number");
    }
    if (ring == null) {
      if (seq > highest) {
        highest = seq;
      }
      return;
    }
    if (seq > highest) {
      long oldBlock = highest >>> 6;
      long newBlock = seq >>> 6;
      if (newBlock - oldBlock > wordMask) {
        Arrays.fill(ring, 0L);
      } else {
        for (long b = oldBlock + 1; b <= newBlock; b++) {
          ring[(int) b & wordMask] = 0L;
        }
      }
      highest = seq;
    } else if (highest - seq >= size) {
      return;
    }
    ring[(int) (seq >>> 6) & wordMask] |= 1L << seq;
  }

  /**
   * Commits {@code seq} like {@link #commit} if it is still new, and says whether it was: false
   * when it was committed before or the window has since moved past it. For callers that {@link
   * #check} several packets of one SA before any of them is authenticated (parallel decryption,
   * committed in order afterwards): two copies of one packet can both pass the check, and only the
   * first to be committed may be delivered.
   *
   * @throws IllegalArgumentException if {@code seq} is negative
   */
  public boolean commitIfNew(long seq) {
    if (seq < 0) {
      throw new IllegalArgumentException("cannot commit a rejected sequence number");
    }
    if (ring != null && seq <= highest && (highest - seq >= size || isSet(seq))) {
      return false;
    }
    commit(seq);
    return true;
  }

  /**
   * Resumes the window of an SA carried over from an earlier process (a hot restart): {@code top}
   * becomes the highest sequence number and every number at or below it counts as received, so a
   * packet recorded before the restart can never be replayed after it (at the price of refusing a
   * late, never-received packet inside the old window). Call once, before the first {@link #check}.
   *
   * @throws IllegalArgumentException if {@code top} is negative
   */
  public void resume(long top) {
    if (top < 0) {
      throw new IllegalArgumentException("a sequence number is never negative");
    }
    highest = top;
    if (ring == null) {
      return;
    }
    Arrays.fill(ring, -1L);
    int bit = (int) (top & 63);
    ring[(int) (top >>> 6) & wordMask] = bit == 63 ? -1L : (1L << (bit + 1)) - 1;
  }

  /** Highest sequence number committed so far (0 before the first). */
  public long highest() {
    return highest;
  }

  private boolean isSet(long seq) {
    return (ring[(int) (seq >>> 6) & wordMask] & (1L << seq)) != 0;
  }

  /**
   * RFC 4303 Appendix A2.2: Seqh from Th, Tl, W and Seql; REJECT when Seqh would be below 0 (no
   * epoch before the first) or above {@link #MAX_HIGH}.
   */
  private long infer(long seql) {
    long th = highest >>> 32;
    long tl = highest & LOW32;
    long w = inferenceWindow;
    long seqh;
    if (tl >= w - 1) {
      // Case A: the window [Bl, Tl] lies within one epoch; below Bl means the next epoch.
      long bl = tl - w + 1;
      seqh = seql >= bl ? th : th + 1;
    } else {
      // Case B: the window spans the epoch boundary; at or above Bl is the previous epoch.
      long bl = tl - w + 1 + EPOCH;
      seqh = seql >= bl ? th - 1 : th;
    }
    if (seqh < 0 || seqh > MAX_HIGH) {
      return REJECT;
    }
    return (seqh << 32) | seql;
  }
}
