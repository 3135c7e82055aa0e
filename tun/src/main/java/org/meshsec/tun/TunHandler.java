package org.meshsec.tun;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.List;

/**
 * Receives packets read from a {@link TunInterface}, one batch per call.
 *
 * <p>Threading: a queue's batches are delivered one at a time, in read order, on that queue's
 * reader thread (for {@link TunDevice}, the Netty event loop the queue is registered on, or the
 * queue's poll thread). Different queues may call the handler concurrently, so a handler shared by
 * several queues must be thread-safe. The handler must not block: a blocked handler stalls its
 * queue (and, on a shared event loop, every channel on that loop).
 */
@FunctionalInterface
public interface TunHandler {

  /**
   * A batch of whole IP packets read from queue {@code queue}, in the order the kernel sent them.
   *
   * <p>Ownership: the handler owns every buffer in {@code packets} from the moment this method is
   * called (even if it throws) and must release each one, or pass it on to something that will. The
   * list itself belongs to the caller and is reused after this method returns: do not keep it. Each
   * buffer's readable bytes are one packet, with {@link TunInterface#headroom()} bytes free before
   * it and {@link TunInterface#tailroom()} writable after it.
   */
  void onPackets(int queue, List<ByteBuf> packets);

  /**
   * Reading queue {@code queue} failed with an error other than "no packet available" (for instance
   * the interface was deleted). The queue stops reading; other queues go on. Called on the queue's
   * reader thread. The default does nothing (the device logs the error).
   */
  default void onReadError(int queue, IOException cause) {}
}
