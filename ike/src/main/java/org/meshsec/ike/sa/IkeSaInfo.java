package org.meshsec.ike.sa;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import org.meshsec.ike.config.IkeProposal;

/**
 * A snapshot of one IKE SA for {@code IkeEngine.list()} and the CLI. Immutable; taken on the SA's
 * executor at its last state change.
 *
 * @param id the engine's unique number for this SA
 * @param peer the peer configuration name (null for a responder SA that has not matched one)
 * @param state lifecycle state
 * @param initiatorSpi SPIi
 * @param responderSpi SPIr
 * @param originalInitiator whether we are the original initiator
 * @param local our address and port
 * @param remote the peer's address and port
 * @param proposal the negotiated algorithms, null before IKE_SA_INIT completed
 * @param created when the SA was created
 * @param established when it was established, null if not yet
 * @param rekeyAt when it will be rekeyed, null if never or not established
 * @param natLocal NAT detection (RFC 7296 section 2.23) says we are behind a NAT
 * @param natRemote NAT detection says the peer is behind a NAT (or fakes it to force encapsulation)
 * @param children its Child SAs
 * @param version the IKE major version (2, or 1 for an ISAKMP SA)
 * @param mode IKEv1: the phase 1 exchange, "main" or "aggressive"; null for IKEv2
 */
public record IkeSaInfo(
    long id,
    String peer,
    IkeSaState state,
    long initiatorSpi,
    long responderSpi,
    boolean originalInitiator,
    InetSocketAddress local,
    InetSocketAddress remote,
    IkeProposal proposal,
    Instant created,
    Instant established,
    Instant rekeyAt,
    boolean natLocal,
    boolean natRemote,
    List<ChildSaInfo> children,
    int version,
    String mode) {

  public IkeSaInfo {
    children = List.copyOf(children);
  }

  /** An IKEv2 SA's snapshot. */
  public IkeSaInfo(
      long id,
      String peer,
      IkeSaState state,
      long initiatorSpi,
      long responderSpi,
      boolean originalInitiator,
      InetSocketAddress local,
      InetSocketAddress remote,
      IkeProposal proposal,
      Instant created,
      Instant established,
      Instant rekeyAt,
      boolean natLocal,
      boolean natRemote,
      List<ChildSaInfo> children) {
    this(
        id,
        peer,
        state,
        initiatorSpi,
        responderSpi,
        originalInitiator,
        local,
        remote,
        proposal,
        created,
        established,
        rekeyAt,
        natLocal,
        natRemote,
        children,
        IkeEngine.IKEV2,
        null);
  }
}
