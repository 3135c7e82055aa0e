package org.meshsec.core.config;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.meshsec.core.config.mesh.MeshFile;
import org.meshsec.core.config.mesh.MeshMembership;
import org.meshsec.core.config.mesh.MeshPsk;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.net.PortRange;
import org.meshsec.core.spd.Action;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.IpsecTemplate;
import org.meshsec.core.spd.Selector;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.config.StartAction;
import org.meshsec.ike.pki.IdentityMatch;
import org.meshsec.ike.pki.IdentityMatcher;
import org.meshsec.ike.pki.Keys;
import org.meshsec.ike.pki.PeerIdentity;
import org.meshsec.ike.v1.crypto.V1Signatures;
import org.tomlj.Toml;

/**
 * A node's peers and protect policies derived from its mesh file:
 *
 * <pre>
 *  for every other node P of the mesh (file order), with this node S:
 *    [[peer]] P    address = P's underlay address of the first IP version S also has
 *                  local   = S's address of that version;  port = P's ike_port
 *                  local_id / remote_id = FQDN S / FQDN P (each node proves its name)
 *                  auth    = psk: MeshPsk(mesh secret, S, P)  |  pubkey: S's cert and key, mesh CA
 *                  start_action = "start" when S &lt; P (byte order of the names), else "trap"
 *                  proposals, lifetimes, DPD: [defaults];  version: {@link MeshFile#version}
 *    [[policy]] "mesh-P" (or "mesh-P-N" for the N-th prefix pair when the nodes own several):
 *                  direction both, src = S's prefix, dst = P's prefix of the same IP version,
 *                  action protect, mode = [mesh] mode, ike = P
 * </pre>
 *
 * So each pair of nodes has one IKE SA and one Child SA pair per pair of prefixes (one with one
 * prefix each), and a simultaneous start of the whole mesh initiates each pair from one side only.
 * One instance per load; not thread-safe.
 */
final class MeshDerivation {
  static final List<String> LOCAL_KEYS = List.of("file", "cert", "key");

  /** Prefix of the names of derived policies. */
  static final String POLICY_PREFIX = "mesh-";

  private final TomlSection local;
  private final MeshFile mesh;
  private final NodeSettings node;
  private final Map<String, SecretsLoader.Key> secrets;
  private final Path configDir;
  private final SourceFile meshSource;

  /**
   * @param local the node configuration's {@code [mesh]} table
   * @param secrets the keys of the node's secrets file; null when there is none or it failed
   */
  MeshDerivation(
      TomlSection local,
      MeshFile mesh,
      NodeSettings node,
      Map<String, SecretsLoader.Key> secrets,
      Path configDir,
      Diagnostics diag) {
    this.local = local;
    this.mesh = mesh;
    this.node = node;
    this.secrets = secrets;
    this.configDir = configDir;
    this.meshSource = new SourceFile(mesh.source(), "", diag);
  }

  /** What was derived: peers (with their policies' names) and policy entries. */
  record Result(List<IkePeer> peers, List<PolicyEntry> policies, MeshMembership membership) {}

  /** The derived peers and policies; null when something is wrong (reported). */
  Result derive() {
    MeshFile.Node self = mesh.node(node.name()).orElse(null);
    if (self == null) {
      local.error(
          "file",
          "[node] name \""
              + node.name()
              + "\" is not a [[node]] of the mesh file "
              + mesh.source()
              + TomlSection.suggestion(
                  node.name(), mesh.nodes().stream().map(MeshFile.Node::name).toList()));
      return null;
    }
    Auth auth = auth(self);
    if (auth == null) {
      return null;
    }
    boolean ok = true;
    List<IkePeer> peers = new ArrayList<>();
    List<PolicyEntry> entries = new ArrayList<>();
    List<MeshMembership.DerivedPair> pairs = new ArrayList<>();
    MeshFile.Defaults d = mesh.defaults();
    List<EspSuite> suites = d.espProposals().stream().map(e -> e.suite()).distinct().toList();
    for (MeshFile.Node p : mesh.nodes()) {
      if (p.name().equals(self.name())) {
        continue;
      }
      TomlSection at =
          new TomlSection(
              meshSource, Toml.parse(""), "mesh node \"" + p.name() + "\"", "", p.line());
      InetAddress address = null;
      InetAddress ours = null;
      for (MeshFile.At<InetAddress> a : p.addresses()) {
        ours = self.address(Addresses.version(a.value())).orElse(null);
        if (ours != null) {
          address = a.value();
          break;
        }
      }
      if (address == null) {
        at.tableError(
            "nodes \""
                + self.name()
                + "\" and \""
                + p.name()
                + "\" have no underlay address of the same IP version");
        ok = false;
        continue;
      }
      boolean initiator =
          Arrays.compareUnsigned(
                  self.name().getBytes(StandardCharsets.UTF_8),
                  p.name().getBytes(StandardCharsets.UTF_8))
              < 0;
      List<String> policyNames = new ArrayList<>();
      List<IpPrefix[]> prefixPairs = new ArrayList<>();
      for (MeshFile.At<IpPrefix> mine : self.prefixes()) {
        for (MeshFile.At<IpPrefix> theirs : p.prefixes()) {
          if (mine.value().version() == theirs.value().version()) {
            prefixPairs.add(new IpPrefix[] {mine.value(), theirs.value()});
          }
        }
      }
      if (mesh.mode() == IpsecMode.TRANSPORT) {
        // transport mode protects traffic between the hosts of the underlay's IP version only
        int v = Addresses.version(address);
        prefixPairs.removeIf(pp -> pp[0].version() != v);
      }
      for (int i = 0; i < prefixPairs.size(); i++) {
        IpPrefix[] pp = prefixPairs.get(i);
        String name = POLICY_PREFIX + p.name() + (prefixPairs.size() == 1 ? "" : "-" + (i + 1));
        policyNames.add(name);
        Selector sel =
            new Selector(pp[0], pp[1], Selector.ANY_PROTOCOL, PortRange.ANY, PortRange.ANY, -1, -1);
        entries.add(
            new PolicyEntry(
                name,
                at,
                EnumSet.of(Direction.OUT, Direction.IN),
                0,
                sel,
                Action.PROTECT,
                new IpsecTemplate(mesh.mode(), suites, ours, address),
                p.name()));
      }
      if (policyNames.isEmpty()) {
        at.tableError(
            "nodes \""
                + self.name()
                + "\" and \""
                + p.name()
                + "\" own no prefixes of the same IP version: nothing to protect between them");
        ok = false;
        continue;
      }
      int version = mesh.version(self.name(), p.name());
      IkePeer.Auth a = auth.forPair(self.name(), p.name());
      if (version == 1
          && a instanceof IkePeer.Auth.PubKey pk
          && !V1Signatures.canSign(pk.privateKey())) {
        // PeerParser refuses the same for a [[peer]]: IKEv1 has RSA and ECDSA signatures only
        at.tableError(
            "nodes \""
                + self.name()
                + "\" and \""
                + p.name()
                + "\" use IKEv1, which signs with RSA or ECDSA keys only, not "
                + Keys.describe(pk.privateKey()));
        ok = false;
        continue;
      }
      peers.add(
          new IkePeer(
              p.name(),
              address,
              ours,
              p.ikePort(),
              new PeerIdentity.Fqdn(self.name()),
              new PeerIdentity.Fqdn(p.name()),
              a,
              d.ikeProposals(),
              d.ikeLifetime(),
              d.dpd(),
              initiator ? StartAction.START : StartAction.TRAP,
              d.espProposals(),
              d.espLifetime(),
              policyNames,
              version,
              false));
      pairs.add(new MeshMembership.DerivedPair(p.name(), initiator, version, policyNames));
    }
    if (!ok) {
      peers.forEach(IkePeer::wipeKeys);
      return null;
    }
    return new Result(peers, entries, new MeshMembership(mesh.source(), self.name(), pairs));
  }

  /** The credentials every derived peer uses (the mesh secret, or this node's certificate). */
  @FunctionalInterface
  private interface Auth {
    IkePeer.Auth forPair(String self, String peer);
  }

  private Auth auth(MeshFile.Node self) {
    if (mesh.auth() instanceof MeshFile.Auth.Psk psk) {
      for (String k : List.of("cert", "key")) {
        if (local.has(k)) {
          local.error(k, "only valid when the mesh file says auth = \"pubkey\"");
          return null;
        }
      }
      if (node.secretsFile().isEmpty()) {
        local.error(
            "file",
            "the mesh authenticates with a mesh secret (key \""
                + psk.keyName()
                + "\"): set [node] secrets = \"/path/to/secrets.toml\"");
        return null;
      }
      if (secrets == null) {
        return null; // reported where the secrets file is named
      }
      SecretsLoader.Key key = secrets.get(psk.keyName());
      if (key == null) {
        local.error(
            "file",
            "no key named \""
                + psk.keyName()
                + "\" (the mesh secret) in [keys] of "
                + node.secretsFile().get());
        return null;
      }
      if (key.bytes().length() < MeshPsk.MIN_SECRET_BYTES) {
        local.error(
            "file",
            "mesh secret \""
                + psk.keyName()
                + "\" is "
                + key.bytes().length()
                + " bytes; it needs at least "
                + MeshPsk.MIN_SECRET_BYTES);
        return null;
      }
      SecretBytes secret = key.bytes();
      return (s, p) ->
          new IkePeer.Auth.Psk(psk.keyName() + "/" + pairName(s, p), MeshPsk.derive(secret, s, p));
    }
    MeshFile.Auth.PubKey pk = (MeshFile.Auth.PubKey) mesh.auth();
    Path certFile = path("cert");
    Path keyFile = path("key");
    if (certFile == null || keyFile == null) {
      return null;
    }
    List<X509Certificate> certs = PemFiles.certificates(local, "cert", certFile);
    PrivateKey key = PemFiles.privateKey(local, keyFile);
    if (certs == null || key == null) {
      return null;
    }
    if (IdentityMatcher.match(certs.get(0), new PeerIdentity.Fqdn(self.name()))
        == IdentityMatch.NO_MATCH) {
      local.error(
          "cert",
          certFile
              + " does not carry the node's name \""
              + self.name()
              + "\" as a DNS subjectAltName: mesh nodes prove their name (RFC 4945 section 3.1)");
      return null;
    }
    IkePeer.Auth.PubKey auth =
        new IkePeer.Auth.PubKey(certFile, keyFile, certs, key, pk.roots(), List.of());
    return (s, p) -> auth;
  }

  private Path path(String key) {
    String v = local.requireString(key);
    if (v == null) {
      return null;
    }
    try {
      return configDir.resolve(v).normalize();
    } catch (InvalidPathException e) {
      local.error(key, "\"" + v + "\" is not a valid path");
      return null;
    }
  }

  private static String pairName(String a, String b) {
    return a.compareTo(b) < 0 ? a + "+" + b : b + "+" + a;
  }
}
