/**
 * Inbound anti-replay for ESP: the sliding window of RFC 4303 section 3.4.3, kept as an RFC 6479
 * bitmap, with Extended Sequence Number inference from RFC 4303 Appendix A2.
 *
 * <h2>Where it sits on the inbound path</h2>
 *
 * <pre>
 *  SAD lookup by SPI
 *    -> check(wire seq)        REJECT: drop, count a replay
 *         gives the full 64-bit sequence number (with ESN its high half enters the ICV)
 *    -> verify ICV, decrypt    failure: drop, the window is untouched
 *    -> commit(seq)            only now does the window move
 *    -> inbound policy check, deliver
 * </pre>
 *
 * Checking first ({@link org.meshsec.esp.replay.ReplayWindow#check}) is cheap and rejects replays
 * before any crypto; committing ({@link org.meshsec.esp.replay.ReplayWindow#commit}) only after the
 * ICV verified means a forged packet can never move the window (which would make genuine traffic
 * look old).
 *
 * <h2>The window</h2>
 *
 * With {@code T} the highest authenticated sequence number and {@code W} the window size, a number
 * above {@code T} is new, one in {@code [T-W+1, T]} is accepted once, anything older is rejected.
 * Receipt within the window is one bit per sequence number in a ring of {@code 2^k} 64-bit words,
 * bit {@code s mod 64} of word {@code (s / 64) mod 2^k}. The ring has at least one word more than
 * {@code W} needs (RFC 6479): when {@code T} advances into new blocks those whole words are zeroed,
 * without shifting anything, and the spare word guarantees the zeroed words never hold a bit still
 * inside the window. A jump past the whole ring zeroes it at once. Bits of numbers that have fallen
 * out of the window but not yet been overwritten are never consulted: the age test {@code T - s >=
 * W} comes first. Cost per packet: a few arithmetic operations and one word access for check, and
 * at most one word zeroed per 64 sequence numbers advanced for commit; nothing is allocated.
 *
 * <h2>Extended Sequence Numbers</h2>
 *
 * Only the low 32 bits travel. Appendix A2.2 reconstructs the high 32 bits from the window: with
 * {@code Th}/{@code Tl} the high/low halves of {@code T} and {@code Bl = Tl - W + 1} the low half
 * of the window's bottom,
 *
 * <ul>
 *   <li>case A, the window lies within one 2^32 epoch ({@code Tl >= W - 1}): a wire value at or
 *       above {@code Bl} belongs to epoch {@code Th}, one below it to {@code Th + 1} (the packet is
 *       from the next epoch);
 *   <li>case B, the window spans an epoch boundary ({@code Tl < W - 1}, {@code Bl} taken modulo
 *       2^32): a wire value at or above {@code Bl} belongs to {@code Th - 1}, one below it to
 *       {@code Th}.
 * </ul>
 *
 * Equivalently, the result is the one number with the received low half in {@code [T-W+1,
 * T-W+2^32]}; the differential test checks the implementation against that formulation. A wrong
 * guess (after more than {@code 2^32 - W} lost packets) shows up as an ICV failure, never as a
 * silent acceptance.
 *
 * <p>None of the types here is thread-safe: one SA's window is used from one thread at a time.
 */
package org.meshsec.esp.replay;
