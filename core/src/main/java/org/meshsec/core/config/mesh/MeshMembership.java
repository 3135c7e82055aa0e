package org.meshsec.core.config.mesh;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a node derived from its mesh file: which of its IKE peers and policies come from the mesh
 * (the rest are its own {@code [[peer]]} and {@code [[policy]]} tables). Immutable.
 *
 * @param file the mesh file
 * @param self this node's name in the mesh
 * @param pairs one entry per other node, in mesh file order
 */
public record MeshMembership(Path file, String self, List<DerivedPair> pairs) {
  public MeshMembership {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(self, "self");
    pairs = List.copyOf(pairs);
  }

  /**
   * The pair of this node with {@code peer}.
   *
   * @param peer the other node's name, which is also the derived {@code [[peer]]}'s name
   * @param initiator whether this node initiates the pair at start (the lower name does; both
   *     initiate on traffic)
   * @param version the pair's IKE version (1 or 2)
   * @param policies the names of the derived policies negotiated with {@code peer}
   */
  public record DerivedPair(String peer, boolean initiator, int version, List<String> policies) {
    public DerivedPair {
      Objects.requireNonNull(peer, "peer");
      policies = List.copyOf(policies);
    }
  }

  /** The pair with {@code peer}, if it comes from the mesh. */
  public Optional<DerivedPair> pair(String peer) {
    return pairs.stream().filter(p -> p.peer().equals(peer)).findFirst();
  }
}
