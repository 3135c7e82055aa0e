package org.meshsec.core.sad;

import io.netty.buffer.ByteBuf;

/**
 * Takes the packets that waited for an SA, in arrival order, the moment the SA becomes usable:
 * inbound ESP queued on a LARVAL SA (when {@link KeyEngine#update} promotes it), or outbound
 * packets queued on a pending acquire (when {@link KeyEngine#add} installs the outbound SA).
 *
 * <p><b>Ordering contract.</b> The SAD calls this while it holds the SA's lock (inbound) or the
 * acquire's lock (outbound), and no other thread gets the SA from {@link Sad#inbound} / {@link
 * Sad#outbound} until the whole queue has been handed over; so queued packets go first, in order,
 * and each exactly once. The implementation processes the packet with {@code sa} directly ({@link
 * SecurityAssociation#open} / {@link SecurityAssociation#seal} then forward), or re-enters {@link
 * Sad#inbound} / {@link Sad#outbound} on the same thread, which returns {@code sa} without
 * queueing.
 *
 * <p><b>Ownership.</b> The callee owns {@code packet} from the moment it is called, even if it
 * throws (the exception is logged, the buffer is not released by the SAD). It must not block.
 */
@FunctionalInterface
public interface LarvalDrain {
  /** Processes one queued packet with the now-usable {@code sa}; takes ownership of it. */
  void drain(SecurityAssociation sa, ByteBuf packet);
}
