package org.meshsec.esp;

/**
 * Caller-owned, reusable holder for what {@link EspContext#open} learns besides the status, so that
 * the hot path allocates nothing per packet.
 *
 * <p>Not thread-safe: one instance per thread (or per packet pipeline).
 */
public final class OpenResult {
  /** Next Header field of the decrypted trailer (RFC 4303 section 2.6), e.g. 4, 41, 6, 17. */
  public int nextHeader;

  /** Full 64-bit sequence number (ESN-inferred when ESN is on, RFC 4303 Appendix A2). */
  public long sequence;

  /** Resets the fields to their "nothing learned" values. */
  public void clear() {
    nextHeader = -1;
    sequence = -1;
  }
}
