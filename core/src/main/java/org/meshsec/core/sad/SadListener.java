package org.meshsec.core.sad;

/**
 * Receives {@link SadEvent}s (registered with {@link KeyEngine#setListener}).
 *
 * <p><b>Threading.</b> Events are delivered synchronously, on the thread that caused them: a data
 * path thread (ACQUIRE; SOFT/HARD_EXPIRE from packet and byte limits), the thread calling {@link
 * Sad#expire} (time limits, LARVAL timeouts), or the thread calling {@code delete} / {@code flush}
 * (DELETE). The SAD releases its own locks before delivering, except when the event is caused
 * inside a {@link LarvalDrain} callback, which runs under the SA's (or the acquire's) lock. So an
 * implementation must not block and must not call back into the SAD synchronously; it hands the
 * event to its own executor (the IKE side hops to the IKE SA's executor). An exception thrown by
 * the listener is logged and ignored.
 */
@FunctionalInterface
public interface SadListener {
  /** Handles one event; see the interface comment for the threading contract. */
  void onEvent(SadEvent event);
}
