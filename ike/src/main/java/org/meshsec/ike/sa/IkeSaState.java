package org.meshsec.ike.sa;

/**
 * The lifecycle of an IKE SA (RFC 7296 sections 1.2, 1.3.2, 1.4.1, 2.8; the shape of strongSwan's
 * {@code ike_sa_state_t}). Fine-grained progress (which exchange, which round) lives in the tasks,
 * not here.
 *
 * <pre>
 *   CREATED ──initiate / IKE_SA_INIT received──▶ CONNECTING
 *   CONNECTING ──IKE_AUTH done──▶ ESTABLISHED
 *   CONNECTING ──failure, timeout, half-open expiry──▶ DESTROYED
 *   ESTABLISHED ──IKE rekey started (either side)──▶ REKEYING
 *   REKEYING ──rekey done, children moved to the new SA──▶ REKEYED
 *   REKEYING ──rekey failed──▶ ESTABLISHED
 *   ESTABLISHED | REKEYED ──Delete sent──▶ DELETING
 *   ESTABLISHED | REKEYING | REKEYED | DELETING ──Delete received, reply to our Delete,
 *                                    dead peer, INITIAL_CONTACT, duplicate lost──▶ DESTROYED
 * </pre>
 *
 * A DESTROYED SA holds no keys and no children and is no longer reachable from the engine.
 */
public enum IkeSaState {
  /** Created locally, nothing sent yet. */
  CREATED,
  /** IKE_SA_INIT / IKE_AUTH in progress (a responder SA here is "half-open"). */
  CONNECTING,
  /** Authenticated; Child SAs can be created, rekeyed and deleted. */
  ESTABLISHED,
  /** A CREATE_CHILD_SA exchange rekeying this IKE SA is in progress. */
  REKEYING,
  /** Replaced by a new IKE SA; only its deletion is still to happen. */
  REKEYED,
  /** We sent a Delete for it and wait for the answer. */
  DELETING,
  /** Gone: keys wiped, children removed or moved. */
  DESTROYED;

  /** Whether CREATE_CHILD_SA and INFORMATIONAL exchanges may run on the SA. */
  public boolean isUsable() {
    return this == ESTABLISHED || this == REKEYING;
  }
}
