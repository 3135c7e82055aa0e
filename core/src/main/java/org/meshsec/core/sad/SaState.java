package org.meshsec.core.sad;

/**
 * Life cycle of a {@link SecurityAssociation} (the PF_KEY SA states of RFC 2367 section 2.3.3,
 * LARVAL / MATURE / DYING / DEAD).
 *
 * <pre>
 *   getSpi()                       add()
 *      |                             |
 *      v                             v
 *   LARVAL ----update()--------> MATURE ----soft limit----> DYING
 *      |   (keys installed,         |     (SOFT_EXPIRE,       |
 *      |    queue drained)          |      still usable)      |
 *      | timeout / delete / flush   | hard limit /            | hard limit /
 *      |                            | delete / flush          | delete / flush
 *      v                            v                         v
 *    DEAD &lt;-------------------------+-------------------------+
 *      (removed from the SAD, keys wiped by EspTransform.close(), queued packets released;
 *       terminal: a DEAD SA never comes back)
 * </pre>
 *
 * Every transition happens under the SA's own lock.
 */
public enum SaState {
  /** SPI reserved by {@code getSpi}; no keys yet. Inbound ESP for it is queued. */
  LARVAL,
  /** Keys installed; in use. */
  MATURE,
  /** A soft lifetime was reached (SOFT_EXPIRE raised): still usable while a rekey happens. */
  DYING,
  /** Removed: hard lifetime, delete, flush or LARVAL timeout. Keys wiped. */
  DEAD;

  /** Whether packets may be sealed or opened with an SA in this state. */
  public boolean usable() {
    return this == MATURE || this == DYING;
  }
}
