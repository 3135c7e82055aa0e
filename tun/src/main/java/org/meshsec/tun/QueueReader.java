package org.meshsec.tun;

import java.time.Duration;

/** Drives the reads of one {@link TunQueue}; see {@link TunDevice} for the two designs. */
interface QueueReader {

  /**
   * Stops reading and returns once no read or handler call of this queue is in progress (or the
   * timeout passed, which is logged). Safe to call from any thread, including the reader's own.
   */
  void stop(Duration timeout);
}
