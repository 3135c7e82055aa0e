package org.meshsec.core.sad;

import java.net.InetAddress;
import org.meshsec.core.spd.Policy;

/**
 * What the SAD tells key management: the PF_KEY SADB_ACQUIRE, SADB_EXPIRE (soft and hard) and
 * SADB_DELETE messages of RFC 2367 section 3.1, as values. Delivered to the {@link SadListener}.
 */
public sealed interface SadEvent {

  /**
   * An outbound packet matched {@code policy} and there is no usable SA for ({@code policy.id()},
   * {@code peer}): negotiate one. Raised once per pending acquire (RFC 2367 section 3.1.6); after
   * the acquire times out, the next such packet raises a new one.
   */
  record Acquire(Policy policy, InetAddress peer) implements SadEvent {}

  /**
   * A soft lifetime was reached: the SA is DYING (still usable); rekey it (RFC 4301 section
   * 4.4.2.1). Raised once per SA.
   */
  record SoftExpire(SaInfo sa, ExpireCause cause) implements SadEvent {}

  /**
   * A hard limit was reached, or a LARVAL SA timed out: the SA is DEAD and gone, its keys wiped.
   */
  record HardExpire(SaInfo sa, ExpireCause cause) implements SadEvent {}

  /** The SA was removed by {@link KeyEngine#delete} or {@link KeyEngine#flush}. */
  record Deleted(SaInfo sa) implements SadEvent {}
}
