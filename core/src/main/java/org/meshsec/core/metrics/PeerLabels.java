package org.meshsec.core.metrics;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import org.meshsec.core.config.IkePeer;
import org.meshsec.core.config.NodeConfig;
import org.meshsec.core.sad.SaInfo;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.Spd;
import org.meshsec.inet.InetText;

/**
 * The {@code peer} label of an SA: the name of the {@code [[peer]]} that negotiated it (found
 * through the SA's policy, or for a LARVAL SA, which has none yet, through the peer's address),
 * else the peer's underlay address in its usual text form (a manual SA). Both are bounded by the
 * configuration, so the label never multiplies series the way an SPI would. Built for one scrape;
 * not thread-safe.
 */
final class PeerLabels {
  private final Map<Long, String> peerByPolicy = new HashMap<>();
  private final Map<InetAddress, String> peerByAddress = new HashMap<>();

  PeerLabels(NodeConfig config, Spd spd) {
    for (Policy p : spd.policies()) {
      config.ikePeerOf(p.name()).ifPresent(peer -> peerByPolicy.put(p.id(), peer.name()));
    }
    for (IkePeer p : config.peers()) {
      peerByAddress.putIfAbsent(p.address(), p.name());
    }
  }

  /** The label of a peer address: its {@code [[peer]]} name, else the address's text form. */
  String of(InetAddress peer) {
    String name = peerByAddress.get(peer);
    return name != null ? name : InetText.format(peer);
  }

  String of(SaInfo sa) {
    String name = peerByPolicy.get(sa.policyId());
    if (name == null) {
      name = peerByAddress.get(sa.peer());
    }
    return name != null ? name : InetText.format(sa.peer());
  }
}
