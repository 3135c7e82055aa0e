package org.meshsec.ike.sa;

/**
 * The lifecycle of a Child SA pair (RFC 7296 sections 1.3.1, 1.3.3, 1.4.1, 2.8; strongSwan's {@code
 * child_sa_state_t} shortened):
 *
 * <pre>
 *   INSTALLED ──rekey started by us──▶ REKEYING ──new pair installed──▶ REKEYED
 *   INSTALLED ──rekeyed by the peer──▶ REKEYED                       (REKEYING ──failed──▶ INSTALLED)
 *   INSTALLED | REKEYING | REKEYED ──Delete sent──▶ DELETING
 *   any ──Delete received / answered, hard expire, IKE SA gone──▶ DELETED
 * </pre>
 *
 * A pair is created in INSTALLED: it exists as an object only once both SAs are in the data plane.
 */
public enum ChildSaState {
  /** Both SAs in the data plane, in use. */
  INSTALLED,
  /** We are rekeying it. */
  REKEYING,
  /** A successor pair is installed; this one waits for its deletion (make-before-break). */
  REKEYED,
  /** We sent a Delete for it. */
  DELETING,
  /** Removed from the data plane. */
  DELETED
}
