package org.meshsec.ike.sa;

import org.meshsec.ike.message.Message;

/**
 * Sees every IKE message an engine sends or accepts, in its plaintext view (the SK payload with the
 * payloads it protects; reassembled if it was fragmented). For tests, which assert the payloads of
 * each exchange, and for debug logging. Called on the IKE SA's executor; must be quick and must not
 * throw. Messages carry no key material, but AUTH values and nonces: log with care.
 */
@FunctionalInterface
public interface MessageObserver {

  /**
   * @param saId the IKE SA's id, 0 for a stateless reply (COOKIE, no configuration)
   * @param outbound true for a message we sent, false for one we accepted
   * @param message the message
   */
  void onMessage(long saId, boolean outbound, Message message);
}
