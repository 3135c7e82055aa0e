package org.meshsec.core.sad;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.meshsec.core.spd.Direction;

/**
 * The port through which key management (the IKE daemon, manual keying from the config file, the
 * CLI) manages the SAD: a typed PF_KEY (RFC 2367). The message each method corresponds to is named
 * in its comment. The IKE side talks to the data plane only through this, the way strongSwan's
 * charon talks to a kernel backend ({@code kernel_ipsec_t}).
 *
 * <p>Thread-safe: every method may be called from any thread. Events go to the listener as {@link
 * SadListener} describes (synchronously, on the causing thread).
 */
public interface KeyEngine {

  /**
   * SADB_GETSPI: reserves a random SPI, unique among live inbound SAs and never 0..255, and creates
   * a LARVAL inbound SA for it (no keys). ESP that arrives for it is queued until {@link #update}.
   * If not updated within the acquire timeout the SA expires (HARD_EXPIRE, cause LARVAL_TIMEOUT).
   *
   * @param local our outer address the peer will send to
   * @param peer the peer's outer address
   * @return the SPI (never 0..255)
   * @throws IllegalStateException if no free SPI was found (the SPI space is practically exhausted)
   */
  int getSpi(InetAddress local, InetAddress peer);

  /**
   * SADB_ADD: installs an SA directly MATURE (manual keying; IKE's outbound SA). Adding an outbound
   * SA for (policy id, peer) hands the packets queued on that pending acquire, in order, to the
   * outbound {@link LarvalDrain} before any new packet can use the SA.
   *
   * @return OK, SPI_IN_USE, or TRANSFORM_FAILED
   */
  SadStatus add(SaSpec spec);

  /**
   * {@link #add}, with the new outbound SA held behind an older usable one of its (policy id, peer)
   * for {@code hold} (see {@link Sad#addHeld}). By default no hold.
   */
  default SadStatus addHeld(SaSpec spec, java.time.Duration hold) {
    return add(spec);
  }

  /**
   * SADB_UPDATE: gives a LARVAL inbound SA (from {@link #getSpi}) its keys and attributes and makes
   * it MATURE; the ESP queued on it goes, in order, to the inbound {@link LarvalDrain} before any
   * new packet for that SPI is processed.
   *
   * @return OK, NO_SUCH_SA, NOT_LARVAL, WRONG_DIRECTION, or TRANSFORM_FAILED
   */
  SadStatus update(SaSpec spec);

  /**
   * SADB_DELETE: makes the SA DEAD (keys wiped, queued packets released and counted) and removes
   * it; raises DELETE.
   *
   * @param peer the outbound SA's peer; ignored for inbound SAs (our SPIs are unique), may be null
   * @return OK or NO_SUCH_SA
   */
  SadStatus delete(Direction direction, int spi, InetAddress peer);

  /**
   * SADB_GET: a snapshot of one SA.
   *
   * @param peer the outbound SA's peer; ignored for inbound SAs, may be null
   */
  Optional<SaInfo> get(Direction direction, int spi, InetAddress peer);

  /**
   * SADB_FLUSH: deletes every SA (DELETE for each) and drops every pending acquire, releasing and
   * counting their queued packets.
   *
   * @return the number of SAs removed
   */
  int flush();

  /** SADB_DUMP: snapshots of all SAs, inbound first, each direction by unsigned SPI. */
  List<SaInfo> dump();

  /**
   * The SAD's clock now, in the scale of {@link SaInfo}'s times (subtract an SA's {@code
   * lastUseMillis} for how long it has been idle).
   */
  long nowMillis();

  /**
   * Packets queued on the pending acquire for (policy id, peer), waiting for key management; 0 if
   * none.
   */
  int queuedOutbound(long policyId, InetAddress peer);

  /** SADB_REGISTER: the one listener for events (replaces the previous one; null for none). */
  void setListener(SadListener listener);
}
