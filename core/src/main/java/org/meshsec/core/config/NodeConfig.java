package org.meshsec.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.meshsec.core.config.mesh.MeshMembership;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.PolicyKey;

/**
 * A validated node configuration, as produced by {@link ConfigLoader#load}. Immutable, except that
 * {@link #wipeKeys()} zeroes the key material it holds.
 *
 * <p>{@link #policies()} is ready to add to the SPD in list order: a {@code direction = "both"}
 * entry appears as its OUT policy followed by the mirrored IN policy, both with the entry's name.
 * Ids are 1, 2, 3, ... in that order; an SPD that assigns its own ids may ignore them. A policy is
 * identified by its name and direction.
 *
 * @param source the file it was loaded from
 * @param node the {@code [node]} table
 * @param tun the {@code [tun]} table
 * @param listen the {@code [listen]} table
 * @param policies the SPD entries, in config order
 * @param sas the manual SAs, in config order
 * @param peers the IKE peers, in config order
 * @param metrics the {@code [metrics]} table ({@link MetricsConfig#DISABLED} when absent)
 * @param mesh what was derived from the mesh file ({@code [mesh]}), or null without one; its peers
 *     and policies are in {@link #peers()} and {@link #policies()}
 * @param routing the {@code [routing]} table ({@link RoutingConfig#DEFAULTS} when absent)
 * @param datapath the {@code [datapath]} table ({@link DataPathConfig#DEFAULTS} when absent)
 */
public record NodeConfig(
    Path source,
    NodeSettings node,
    TunConfig tun,
    ListenConfig listen,
    List<Policy> policies,
    List<ManualSa> sas,
    List<IkePeer> peers,
    MetricsConfig metrics,
    MeshMembership mesh,
    RoutingConfig routing,
    DataPathConfig datapath) {

  public NodeConfig {
    Objects.requireNonNull(datapath, "datapath");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(routing, "routing");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(tun, "tun");
    Objects.requireNonNull(listen, "listen");
    policies = List.copyOf(policies);
    sas = List.copyOf(sas);
    peers = List.copyOf(peers);
  }

  /** A configuration with the default {@code [datapath]}. */
  public NodeConfig(
      Path source,
      NodeSettings node,
      TunConfig tun,
      ListenConfig listen,
      List<Policy> policies,
      List<ManualSa> sas,
      List<IkePeer> peers,
      MetricsConfig metrics,
      MeshMembership mesh,
      RoutingConfig routing) {
    this(
        source,
        node,
        tun,
        listen,
        policies,
        sas,
        peers,
        metrics,
        mesh,
        routing,
        DataPathConfig.DEFAULTS);
  }

  /** A configuration without a mesh file, with the default routing table and priorities. */
  public NodeConfig(
      Path source,
      NodeSettings node,
      TunConfig tun,
      ListenConfig listen,
      List<Policy> policies,
      List<ManualSa> sas,
      List<IkePeer> peers,
      MetricsConfig metrics) {
    this(source, node, tun, listen, policies, sas, peers, metrics, null, RoutingConfig.DEFAULTS);
  }

  /** The mesh membership, if this node's configuration names a mesh file. */
  public Optional<MeshMembership> meshMembership() {
    return Optional.ofNullable(mesh);
  }

  /** A configuration without a metrics endpoint. */
  public NodeConfig(
      Path source,
      NodeSettings node,
      TunConfig tun,
      ListenConfig listen,
      List<Policy> policies,
      List<ManualSa> sas,
      List<IkePeer> peers) {
    this(source, node, tun, listen, policies, sas, peers, MetricsConfig.DISABLED);
  }

  /** The IKE peer with this name. */
  public Optional<IkePeer> peer(String name) {
    return peers.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The IKE peer that negotiates the SAs of the policy named {@code policyName}, if any. */
  public Optional<IkePeer> ikePeerOf(String policyName) {
    return peers.stream().filter(p -> p.policies().contains(policyName)).findFirst();
  }

  /** The policy with this name and direction. */
  public Optional<Policy> policy(String name, Direction direction) {
    return policies.stream()
        .filter(p -> p.name().equals(name) && p.direction() == direction)
        .findFirst();
  }

  /** The policy with this name and direction. */
  public Optional<Policy> policy(PolicyKey key) {
    return policy(key.name(), key.direction());
  }

  /** The manual SA with this name. */
  public Optional<ManualSa> sa(String name) {
    return sas.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * The policy half an SA serves (same name, same direction); always present in a loaded config.
   */
  public Policy policyOf(ManualSa sa) {
    return policy(sa.policyKey())
        .orElseThrow(() -> new IllegalArgumentException("no policy for sa " + sa.name()));
  }

  /**
   * Zeroes every SA key and pre-shared key held by this configuration (after it has been replaced
   * or applied).
   */
  public void wipeKeys() {
    for (ManualSa sa : sas) {
      sa.key().wipe();
    }
    for (IkePeer p : peers) {
      p.wipeKeys();
    }
  }
}
