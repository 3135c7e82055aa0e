package org.meshsec.core.diagnose;

/**
 * The last line of {@code meshsec diagnose}: which side is most likely at fault, why, and the next
 * command to run. {@link #of} is a pure function of the {@link Observations}, checked in order from
 * the most fundamental cause (no peer, no path, no IKE SA) to the subtle ones (drops, MTU, one-way
 * traffic); the first that applies wins.
 *
 * @param kind the side at fault
 * @param cause the most likely cause, in words
 * @param next the next command to run
 */
public record Verdict(Kind kind, String cause, String next) {

  /** Which side is at fault. */
  public enum Kind {
    /** IPsec works: packets went both ways. */
    OK,
    /** SAs are up and the peer answers, but no traffic passed while sampling. */
    IDLE,
    /** The underlay: routing, firewalls, MTU, a peer host that is down. */
    NETWORK,
    /** IPsec: negotiation, keys, selectors, policies. */
    IPSEC,
    /** The question cannot be asked (no such peer). */
    UNKNOWN
  }

  /** The verdict for {@code o}. */
  public static Verdict of(Observations o) {
    String p = o.peer();
    String addr = o.peerAddress();
    if (!o.peerKnown()) {
      return new Verdict(
          Kind.UNKNOWN,
          "no [[peer]] named \"" + p + "\" in the running configuration",
          "meshsec ike list");
    }
    boolean noPing = Boolean.FALSE.equals(o.underlayReachable());
    if (o.ikeState() == null) {
      if (noPing) {
        return new Verdict(
            Kind.NETWORK,
            "no IKE SA with " + p + " and its underlay address " + addr + " does not answer ping",
            "ip route get " + addr + " && ping -c 3 " + addr);
      }
      return new Verdict(
          Kind.IPSEC,
          "no IKE SA with " + p + " (the peer's host answers)",
          "meshsec initiate " + p + "   (its error names the reason; then journalctl -u meshsec)");
    }
    if (!o.ikeUsable()) {
      return new Verdict(
          Kind.IPSEC,
          "the IKE SA with " + p + " is " + o.ikeState() + ", not established",
          "meshsec initiate " + p + "   (then journalctl -u meshsec)");
    }
    if (Boolean.FALSE.equals(o.ikeAnswered())) {
      if (noPing) {
        return new Verdict(
            Kind.NETWORK,
            p + " answers neither IKE nor ping at " + addr + ": the path or the host is down",
            "ip route get " + addr + " && ping -c 3 " + addr);
      }
      return new Verdict(
          Kind.NETWORK,
          p
              + " answers ping but not IKE on UDP 4500: a firewall drops UDP 4500, or the peer's"
              + " daemon is down or lost the IKE SA",
          "on " + p + ": meshsec status; here: nft list ruleset | grep -n 4500");
    }
    if (o.childPairs() == 0) {
      return new Verdict(
          Kind.IPSEC,
          "the IKE SA with " + p + " is up but has no Child SA",
          "meshsec initiate " + p + "   (then meshsec ike list)");
    }
    if (o.icvFailures() > 0) {
      return new Verdict(
          Kind.IPSEC,
          o.icvFailures()
              + " packets from "
              + p
              + " failed the ICV: the keys differ (an SA the peer replaced or lost)",
          "meshsec rekey " + p);
    }
    if (o.policyMismatches() > 0) {
      return new Verdict(
          Kind.IPSEC,
          o.policyMismatches()
              + " decrypted packets fell outside their SA's traffic selectors: the policies of"
              + " the two nodes differ",
          "meshsec policy list   (here and on " + p + ")");
    }
    if (o.replayDrops() > 0) {
      return new Verdict(
          Kind.NETWORK,
          o.replayDrops()
              + " packets from "
              + p
              + " were replays: the path duplicates or"
              + " reorders packets beyond the replay window",
          "meshsec sa list   (replay column; then check the path for duplication)");
    }
    if (o.pathMtu() != null && o.pathMtu() < o.underlayMtu()) {
      return new Verdict(
          Kind.NETWORK,
          "the path MTU to "
              + p
              + " is "
              + o.pathMtu()
              + ", below [tun] underlay_mtu "
              + o.underlayMtu()
              + ": large packets are lost",
          "set [tun] underlay_mtu = " + o.pathMtu() + " and restart meshsec");
    }
    if (o.outPackets() > 0 && o.inPackets() == 0) {
      return new Verdict(
          Kind.IPSEC,
          "packets are sent to "
              + p
              + " but none come back over the SA, while IKE is answered:"
              + " the peer drops or does not route them (policy, route or an SA it lost)",
          "on " + p + ": meshsec diagnose <this node's peer name there>");
    }
    if (o.inPackets() > 0 && o.outPackets() == 0) {
      return new Verdict(
          Kind.IPSEC,
          "packets arrive from "
              + p
              + " but none is sent back: replies are not routed into the"
              + " tunnel or no policy protects them",
          "meshsec policy list && ip route get <address behind " + p + ">");
    }
    if (o.outPackets() == 0 && o.inPackets() == 0) {
      return new Verdict(
          Kind.IDLE,
          "the SAs with "
              + p
              + " are up and the peer answers IKE, but no packet passed while"
              + " sampling",
          "ping an address behind " + p + " while running meshsec diagnose " + p);
    }
    return new Verdict(
        Kind.OK, "IPsec with " + p + " works: packets went both ways over the SAs", "none");
  }
}
