package org.meshsec.ike.port;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * The data plane as the IKE engine sees it: a typed PF_KEY (RFC 2367), as strongSwan's {@code
 * kernel_ipsec_t} is for charon. {@code core} implements it over its SAD; tests use an in-memory
 * fake.
 *
 * <p>Events flow the other way through methods of {@code IkeEngine}: {@code acquire(policyRef,
 * peer)} (SADB_ACQUIRE: a packet needs an SA), {@code expire(spi, kind)} (SADB_EXPIRE soft/hard)
 * and {@code unknownSpi(spi, from)} (ESP for an SPI the SAD does not know).
 *
 * <p>Implementations must be thread-safe: IKE SAs call from their own executors.
 */
public interface IpsecPort {

  /**
   * SADB_GETSPI: reserves an inbound SPI (never 0..255), unique among our live inbound SAs, for a
   * Child SA being negotiated with {@code peer}; the data plane may create a LARVAL inbound SA for
   * it. The reservation is either completed by {@link #install} or released by {@link
   * #delete}{@code (spi, 0, peer)}.
   *
   * @param local our outer address
   * @param peer the peer's outer address
   */
  int getSpi(InetAddress local, InetAddress peer);

  /**
   * SADB_UPDATE (inbound) + SADB_ADD (outbound): installs both SAs of a negotiated Child SA pair.
   * The inbound SPI is one {@link #getSpi} returned. The key material in {@code sa} is valid only
   * during the call: the engine wipes it when the call returns, so the implementation copies it.
   *
   * @throws RuntimeException if the data plane refuses the pair (SPI in use, transform failure);
   *     the engine then treats the negotiation as failed (NO_ADDITIONAL_SAS to a requesting peer)
   *     and releases the inbound SPI
   */
  void install(ChildSaInstall sa);

  /**
   * SADB_DELETE of both SAs of a pair: the inbound SA {@code inboundSpi} and the outbound SA {@code
   * outboundSpi} to {@code peer}. {@code outboundSpi} 0 releases only an inbound SPI reserved by
   * {@link #getSpi} for a negotiation that failed. Deleting an SA that is already gone (for
   * instance after a hard expire) is not an error.
   */
  void delete(int inboundSpi, int outboundSpi, InetAddress peer);

  /**
   * SADB_DELETE of a pair's outbound SA only: we are deleting the pair (a Delete request is about
   * to go out) and must not send on it any more, since the peer removes its inbound SA as soon as
   * our Delete arrives (RFC 7296 section 1.4.1); the data plane then sends on another SA of the
   * same policy (the surviving duplicate, the rekeyed pair) or raises an acquire. The inbound SA
   * stays until {@link #delete}, so that what the peer sent before it saw our Delete is still
   * received. Deleting an outbound SA that is already gone is not an error.
   */
  default void deleteOutbound(int outboundSpi, InetAddress peer) {}

  /**
   * How long ago the data plane last accepted an authenticated ESP packet on the inbound SA {@code
   * inboundSpi}: proof that the peer is alive (RFC 7296 section 2.4, RFC 3706 section 5.1), so that
   * no liveness check is needed while ESP flows in. Empty when none arrived, or the SA is unknown,
   * or the data plane does not keep the time. Cheap and non-blocking.
   */
  default Optional<Duration> inboundIdle(int inboundSpi) {
    return Optional.empty();
  }

  /**
   * Whether packets for policy {@code policyRef} to {@code peer} are waiting for an SA (a pending
   * SADB_ACQUIRE), so that a failed traffic-triggered negotiation is worth retrying soon.
   */
  default boolean acquirePending(long policyRef, InetAddress peer) {
    return false;
  }
}
