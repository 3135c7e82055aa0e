package org.meshsec.core.config.mesh;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.esp.IpsecMode;
import org.meshsec.ike.config.DpdConfig;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.config.RekeySchedule;

/**
 * A validated mesh file: the description of a full mesh that every node shares unchanged (format in
 * {@code docs/operations.md}, "The mesh file"). Each node derives from it one IKE peer and the
 * protect policies towards every other node.
 *
 * <p>Immutable.
 *
 * @param source the file it was loaded from
 * @param auth how the pairs authenticate
 * @param mode the IPsec mode of the derived policies
 * @param defaults what every pair negotiates
 * @param nodes the nodes, in file order
 * @param pairs per-pair overrides, in file order
 */
public record MeshFile(
    Path source, Auth auth, IpsecMode mode, Defaults defaults, List<Node> nodes, List<Pair> pairs) {

  public MeshFile {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(defaults, "defaults");
    nodes = List.copyOf(nodes);
    pairs = List.copyOf(pairs);
  }

  /** The node with this name. */
  public Optional<Node> node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  /**
   * The IKE version of the pair {@code a}-{@code b}: a {@code [[pair]]} entry's {@code version},
   * else the lower of the two nodes' {@code version} (a node that speaks only IKEv1 makes all its
   * pairs IKEv1), else {@code [defaults] version}.
   */
  public int version(String a, String b) {
    for (Pair p : pairs) {
      if (p.joins(a, b) && p.version() != 0) {
        return p.version();
      }
    }
    int va = node(a).map(Node::version).orElse(0);
    int vb = node(b).map(Node::version).orElse(0);
    if (va != 0 && vb != 0) {
      return Math.min(va, vb);
    }
    if (va != 0 || vb != 0) {
      return Math.max(va, vb);
    }
    return defaults.version();
  }

  /** How the pairs of a mesh authenticate (RFC 7296 section 2.15). */
  public sealed interface Auth permits Auth.Psk, Auth.PubKey {
    /**
     * Pre-shared keys derived per pair by {@link MeshPsk} from one mesh secret.
     *
     * @param keyName the name of the mesh secret in each node's secrets file ({@code [keys]})
     */
    record Psk(String keyName) implements Auth {
      public Psk {
        Objects.requireNonNull(keyName, "keyName");
      }
    }

    /**
     * Certificates issued by the mesh CA; each node's certificate carries its name as a DNS
     * subjectAltName (its FQDN identity, RFC 7296 section 3.5) and its key and certificate are
     * named in its own configuration.
     *
     * @param rootFiles the CA certificate files
     * @param roots the CA certificates
     */
    record PubKey(List<Path> rootFiles, List<X509Certificate> roots) implements Auth {
      public PubKey {
        rootFiles = List.copyOf(rootFiles);
        roots = List.copyOf(roots);
      }

      @Override
      public String toString() {
        return "PubKey[roots=" + rootFiles + "]";
      }
    }
  }

  /**
   * The {@code [defaults]} table: what every pair negotiates.
   *
   * @param ikeProposals IKE SA proposals, most preferred first
   * @param espProposals Child SA proposals, most preferred first
   * @param ikeLifetime IKE SA rekey and hard lifetime
   * @param espLifetime Child SA rekey and hard lifetime
   * @param dpd dead peer detection
   * @param version the IKE major version (1 or 2) of pairs that do not set their own
   */
  public record Defaults(
      List<IkeProposal> ikeProposals,
      List<EspProposal> espProposals,
      RekeySchedule ikeLifetime,
      RekeySchedule espLifetime,
      DpdConfig dpd,
      int version) {
    public Defaults {
      ikeProposals = List.copyOf(ikeProposals);
      espProposals = List.copyOf(espProposals);
      Objects.requireNonNull(ikeLifetime, "ikeLifetime");
      Objects.requireNonNull(espLifetime, "espLifetime");
      Objects.requireNonNull(dpd, "dpd");
    }
  }

  /**
   * A value and the line of the mesh file it was written on.
   *
   * @param line 1-based
   */
  public record At<T>(T value, int line) {}

  /**
   * One {@code [[node]]}.
   *
   * @param name unique in the mesh; also the node's FQDN identity in IKE
   * @param addresses underlay addresses (at most one per IP version), where its peers reach it
   * @param prefixes the overlay prefixes it owns
   * @param ikePort its IKE port
   * @param version its IKE version (1 or 2), or 0 when it does not set one
   * @param line the line of its {@code [[node]]} header
   */
  public record Node(
      String name,
      List<At<InetAddress>> addresses,
      List<At<IpPrefix>> prefixes,
      int ikePort,
      int version,
      int line) {
    public Node {
      Objects.requireNonNull(name, "name");
      addresses = List.copyOf(addresses);
      prefixes = List.copyOf(prefixes);
    }

    /** Its underlay address of IP version {@code v}. */
    public Optional<InetAddress> address(int v) {
      return addresses.stream()
          .map(At::value)
          .filter(a -> (a instanceof java.net.Inet4Address ? 4 : 6) == v)
          .findFirst();
    }
  }

  /**
   * One {@code [[pair]]}: settings of the pair of two nodes.
   *
   * @param a one node
   * @param b the other node
   * @param version the pair's IKE version, or 0 when not set
   * @param line the line of its {@code [[pair]]} header
   */
  public record Pair(String a, String b, int version, int line) {
    /** Whether this entry is about the pair {@code x}-{@code y} (in either order). */
    public boolean joins(String x, String y) {
      return (a.equals(x) && b.equals(y)) || (a.equals(y) && b.equals(x));
    }
  }
}
