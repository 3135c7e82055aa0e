package org.meshsec.core.sad;

import java.net.InetAddress;
import org.meshsec.core.spd.Policy;
import org.meshsec.inet.InetText;

/**
 * What the SAD tells key management: the PF_KEY SADB_ACQUIRE, SADB_EXPIRE (soft and hard) and
 * SADB_DELETE messages of RFC 2367 section 3.1, as values. Delivered to the {@link SadListener}.
 */
public sealed interface SadEvent {

  /**
   * The event for a log line, addresses in their text form ({@link InetText}): e.g. {@code acquire
   * for policy web peer 2001:db8::2}, {@code soft expire (BYTES) of SA[out spi=0x...]}.
   */
  default String describe() {
    if (this instanceof Acquire a) {
      return "acquire for policy " + a.policy().name() + " peer " + InetText.format(a.peer());
    }
    if (this instanceof SoftExpire x) {
      return "soft expire (" + x.cause() + ") of " + x.sa();
    }
    if (this instanceof HardExpire x) {
      return "hard expire (" + x.cause() + ") of " + x.sa();
    }
    return "deletion of " + ((Deleted) this).sa();
  }

  /**
   * An outbound packet matched {@code policy} and there is no usable SA for ({@code policy.id()},
   * {@code peer}): negotiate one. Raised once per pending acquire (SADB_ACQUIRE, RFC 2367 section
   * 3.1); after the acquire times out, the next such packet raises a new one.
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
