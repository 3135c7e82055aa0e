package org.meshsec.core.diagnose;

/**
 * What {@link Verdict#of} decides from: the probes and the counter deltas of one diagnosis. The
 * counters are differences over the sampling window, summed over the peer's SAs (replays, ICV
 * failures, policy mismatches: per-SA counters) or node-wide (unknown SPIs, which have no SA).
 *
 * @param peer the peer's name
 * @param peerAddress the peer's underlay address, as text
 * @param peerKnown whether a {@code [[peer]]} with that name is configured
 * @param underlayReachable the peer's underlay address answered an ICMP echo; null if not probed
 * @param ikeState the state of the peer's IKE SA (the best one), or null if there is none
 * @param ikeUsable the IKE SA can carry exchanges (ESTABLISHED or REKEYING)
 * @param ikeAnswered the IKE liveness check (an INFORMATIONAL in the IKE SA) was answered; null if
 *     no usable IKE SA to ask in
 * @param childPairs usable Child SAs (an inbound and an outbound ESP SA) with the peer
 * @param outPackets packets sealed on the outbound SAs during the window
 * @param inPackets packets opened on the inbound SAs during the window
 * @param replayDrops inbound packets the peer's SAs refused as replays during the window
 * @param icvFailures inbound packets whose ICV failed on the peer's SAs during the window
 * @param policyMismatches inbound packets of the peer's SAs that fell outside their SA's selector
 *     during the window (XfrmInTmplMismatch, counted per SA)
 * @param unknownSpi node-wide ESP for SPIs we do not have (XfrmInNoStates)
 * @param pathMtu the largest DF packet that reached the peer, null if not measured
 * @param underlayMtu the configured {@code [tun] underlay_mtu}
 */
public record Observations(
    String peer,
    String peerAddress,
    boolean peerKnown,
    Boolean underlayReachable,
    String ikeState,
    boolean ikeUsable,
    Boolean ikeAnswered,
    int childPairs,
    long outPackets,
    long inPackets,
    long replayDrops,
    long icvFailures,
    long policyMismatches,
    long unknownSpi,
    Integer pathMtu,
    int underlayMtu) {}
