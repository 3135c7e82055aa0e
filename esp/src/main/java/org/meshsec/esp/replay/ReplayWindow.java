package org.meshsec.esp.replay;

/**
 * Anti-replay sliding window (RFC 4303 section 3.4.3) with a bitmap in the style of RFC 6479 and
 * Extended Sequence Number inference (RFC 4303 Appendix A2).
 *
 * <p>Use: {@link #check} before the ICV is verified (cheap rejection, and ESN inference of the high
 * 32 bits that enter the ICV), {@link #commit} only after the ICV verified.
 *
 * <p><b>Not thread-safe</b>: the caller serialises check and commit for one SA.
 */
public final class ReplayWindow {

  /** Returned by {@link #check} when the packet is a replay or too old. */
  public static final long REJECT = -1L;

  /**
   * @param size window size in packets (1..65536; rounded up internally to the bitmap's block
   *     granularity, but never accepting anything older than {@code size})
   * @param esn whether the SA uses Extended Sequence Numbers
   */
  public ReplayWindow(int size, boolean esn) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /**
   * Checks the 32 bits seen on the wire. Returns the full 64-bit sequence number (the high half
   * inferred when ESN is on; the wire value itself otherwise) or {@link #REJECT}. Does not change
   * the window.
   */
  public long check(int wireSeq) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Marks {@code seq} (as returned by {@link #check}) as received and slides the window. */
  public void commit(long seq) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Highest sequence number committed so far (0 before the first). */
  public long highest() {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
