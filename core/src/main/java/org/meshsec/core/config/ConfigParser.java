package org.meshsec.core.config;

import java.net.InetAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.meshsec.core.config.mesh.MeshFile;
import org.meshsec.core.config.mesh.MeshMembership;
import org.meshsec.ike.config.EngineSettings;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/**
 * Turns a parsed TOML document into a {@link NodeConfig}, reporting every problem it finds. One
 * instance per load; not thread-safe. The schema is documented in {@code docs/configuration.md}.
 */
final class ConfigParser {
  static final List<String> TOP_KEYS =
      List.of(
          "node",
          "tun",
          "listen",
          "peer",
          "policy",
          "sa",
          "metrics",
          "mesh",
          "routing",
          "datapath");
  static final List<String> NODE_KEYS =
      List.of("name", "log_level", "secrets", "address", "key_log");
  static final List<String> LISTEN_KEYS =
      List.of("address", "port", "ike_port", "half_open_per_source");

  /** Default listen addresses: both wildcards. */
  static final List<String> DEFAULT_LISTEN = List.of("0.0.0.0", "::");

  private final Path configFile;
  private final SourceFile source;
  private final TomlTable root;
  private final Diagnostics diag;

  /** Keys loaded from the secrets file, wiped if loading fails. */
  private Map<String, SecretsLoader.Key> secrets;

  ConfigParser(Path configFile, String text, TomlTable root, Diagnostics diag) {
    this.configFile = configFile;
    this.source = new SourceFile(configFile, text, diag);
    this.root = root;
    this.diag = diag;
  }

  /** Parses everything; the result is meaningful only if no error was reported. */
  NodeConfig parse() {
    TomlSection top = new TomlSection(source, root, "the top level", "", 0);
    for (String k : new java.util.TreeSet<>(root.keySet())) {
      if (!TOP_KEYS.contains(k)) {
        Object v = root.get(List.of(k));
        String what =
            v instanceof TomlTable || v instanceof TomlArray
                ? "unknown table [" + k + "]"
                : "unknown key \"" + k + "\" outside any table";
        top.errorAt(top.lineOf(k), what + TomlSection.suggestion(k, TOP_KEYS));
      }
    }
    TomlSection nodeSection = table(top, "node");
    TomlSection tunSection = table(top, "tun");
    TomlSection listenSection = table(top, "listen");
    List<TomlSection> peerSections = arrayOfTables(top, "peer");
    List<TomlSection> policySections = arrayOfTables(top, "policy");
    List<TomlSection> saSections = arrayOfTables(top, "sa");
    TomlSection metricsSection = table(top, "metrics");
    TomlSection meshSection = table(top, "mesh");

    if (nodeSection == null && !root.contains(List.of("node"))) {
      source.error(0, "[node] is required (at least: [node] name = \"...\")");
    }
    NodeSettings node = parseNode(nodeSection);
    ListenConfig listen = parseListen(listenSection);
    MetricsConfig metrics = MetricsParser.parse(metricsSection);
    RoutingConfig routing = RoutingParser.parse(table(top, "routing"));
    DataPathConfig datapath = DataPathParser.parse(table(top, "datapath"));
    if (node != null && node.secretsFile().isPresent()) {
      secrets = SecretsLoader.load(node.secretsFile().get(), nodeSection, "secrets", diag);
    }

    PeerParser peerParser = new PeerParser(configFile.toAbsolutePath().getParent(), secrets);
    Map<String, IkePeer> peers = new LinkedHashMap<>();
    Set<String> peerNames = new LinkedHashSet<>();
    for (TomlSection s : peerSections) {
      if (s.raw("name") instanceof String n) {
        peerNames.add(n);
      }
      IkePeer p = peerParser.parse(s, node);
      if (p != null) {
        peers.putIfAbsent(p.name(), p);
      }
    }
    Fields.checkUniqueNames(peerSections, "peer");

    List<PolicyEntry> entries = new ArrayList<>();
    for (TomlSection s : policySections) {
      PolicyEntry e = PolicyParser.parse(s, node, peers, peerNames);
      if (e != null) {
        entries.add(e);
      }
    }
    Fields.checkUniqueNames(policySections, "policy");
    MeshMembership membership = null;
    if (meshSection != null && node != null) {
      MeshDerivation.Result mesh = mesh(meshSection, node, peerSections, policySections);
      if (mesh != null) {
        mesh.peers().forEach(p -> peers.put(p.name(), p));
        entries.addAll(mesh.policies());
        membership = mesh.membership();
      }
    }
    PolicyParser.checkListenCoversPeers(entries, listen);
    checkListenCoversIkePeers(peers, peerSections, listen);

    SaParser saParser = new SaParser(root, secrets);
    List<ManualSa> sas = new ArrayList<>();
    Map<String, TomlSection> saSectionByName = new HashMap<>();
    for (TomlSection s : saSections) {
      ManualSa sa = saParser.parse(s, entries, node);
      if (sa != null) {
        sas.add(sa);
        saSectionByName.putIfAbsent(sa.name(), s);
      }
    }
    Fields.checkUniqueNames(saSections, "sa");
    saParser.checkSas(sas, saSectionByName);

    TunConfig tun =
        TunParser.parse(
            source, tunSection, entries, entries.size() == policySections.size(), listen);

    if (!diag.isEmpty()
        || node == null
        || tun == null
        || listen == null
        || metrics == null
        || routing == null
        || datapath == null) {
      peers.values().forEach(IkePeer::wipeKeys);
      return null;
    }
    List<IkePeer> ikePeers = new ArrayList<>();
    for (IkePeer p : peers.values()) {
      if (membership != null && membership.pair(p.name()).isPresent()) {
        ikePeers.add(p); // derived with its policies
        continue;
      }
      List<String> names =
          entries.stream().filter(e -> p.name().equals(e.ike())).map(PolicyEntry::name).toList();
      ikePeers.add(p.withPolicies(names));
    }
    return new NodeConfig(
        configFile,
        node,
        tun,
        listen,
        PolicyParser.expand(entries),
        sas,
        ikePeers,
        metrics,
        membership,
        routing,
        datapath);
  }

  /**
   * The {@code [mesh]} table: loads the mesh file (a relative path is resolved against the
   * configuration's directory) and derives this node's peers and policies; null when anything is
   * wrong (reported), including a local {@code [[peer]]} or {@code [[policy]]} that takes a derived
   * name.
   */
  private MeshDerivation.Result mesh(
      TomlSection s,
      NodeSettings node,
      List<TomlSection> peerSections,
      List<TomlSection> policySections) {
    s.checkKeys(MeshDerivation.LOCAL_KEYS);
    String f = s.requireString("file");
    if (f == null) {
      return null;
    }
    Path dir = configFile.toAbsolutePath().getParent();
    Path meshFile;
    try {
      meshFile = dir.resolve(f).normalize();
    } catch (InvalidPathException e) {
      s.error("file", "\"" + f + "\" is not a valid path: " + e.getReason());
      return null;
    }
    MeshFile mesh = new MeshParser(meshFile, diag).parse();
    if (mesh == null) {
      return null;
    }
    MeshDerivation.Result r = new MeshDerivation(s, mesh, node, secrets, dir, diag).derive();
    if (r == null) {
      return null;
    }
    boolean clash = false;
    for (TomlSection p : peerSections) {
      if (p.raw("name") instanceof String n && r.membership().pair(n).isPresent()) {
        p.error(
            "name", "\"" + n + "\" is a node of the mesh " + meshFile + "; its peer is derived");
        clash = true;
      }
    }
    for (TomlSection p : policySections) {
      if (p.raw("name") instanceof String n
          && r.policies().stream().anyMatch(e -> e.name().equals(n))) {
        p.error("name", "\"" + n + "\" is the name of a policy derived from the mesh " + meshFile);
        clash = true;
      }
    }
    if (clash) {
      r.peers().forEach(IkePeer::wipeKeys);
      return null;
    }
    return r;
  }

  /** An IKE peer's local address must be one the [listen] sockets receive on. */
  private static void checkListenCoversIkePeers(
      Map<String, IkePeer> peers, List<TomlSection> sections, ListenConfig listen) {
    if (listen == null) {
      return;
    }
    for (TomlSection s : sections) {
      if (!(s.raw("name") instanceof String n) || !peers.containsKey(n)) {
        continue;
      }
      IkePeer p = peers.get(n);
      int v = Addresses.version(p.address());
      List<InetAddress> sameVersion =
          listen.addresses().stream().filter(a -> Addresses.version(a) == v).toList();
      if (sameVersion.isEmpty()) {
        s.error(
            "address",
            Addresses.format(p.address())
                + " is "
                + Addresses.versionName(v)
                + " but [listen] has no "
                + Addresses.versionName(v)
                + " address");
      } else if (sameVersion.stream().noneMatch(InetAddress::isAnyLocalAddress)
          && !sameVersion.contains(p.local())) {
        s.error(
            s.has("local") ? "local" : "address",
            "local address "
                + Addresses.format(p.local())
                + " is not one of the [listen] addresses");
      }
    }
  }

  /** Wipes every key read from the secrets file (called when the load fails). */
  void wipeSecrets() {
    if (secrets != null) {
      secrets.values().forEach(k -> k.bytes().wipe());
    }
  }

  /** Wipes the keys of the secrets file that no SA or IKE peer of {@code config} holds. */
  void wipeUnusedSecrets(NodeConfig config) {
    if (secrets == null) {
      return;
    }
    for (SecretsLoader.Key k : secrets.values()) {
      boolean peerUses =
          config.peers().stream()
              .anyMatch(p -> p.auth() instanceof IkePeer.Auth.Psk psk && psk.key() == k.bytes());
      if (!peerUses && config.sas().stream().noneMatch(sa -> sa.key() == k.bytes())) {
        k.bytes().wipe();
      }
    }
  }

  // ---------------------------------------------------------------- structure

  private TomlSection table(TomlSection top, String key) {
    Object v = root.get(List.of(key));
    if (v == null) {
      return null;
    }
    if (v instanceof TomlTable t) {
      return new TomlSection(source, t, "[" + key + "]", "", top.lineOf(key));
    }
    if (v instanceof TomlArray) {
      top.errorAt(
          top.lineOf(key),
          "[" + key + "] is a single table: write [" + key + "], not [[" + key + "]]");
    } else {
      top.errorAt(top.lineOf(key), key + " must be the table [" + key + "]");
    }
    return null;
  }

  private List<TomlSection> arrayOfTables(TomlSection top, String key) {
    Object v = root.get(List.of(key));
    List<TomlSection> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (!(v instanceof TomlArray arr)) {
      top.errorAt(top.lineOf(key), key + " entries are an array of tables: write [[" + key + "]]");
      return out;
    }
    for (int i = 0; i < arr.size(); i++) {
      Object e = arr.get(i);
      int line = source.elementLine(arr.inputPositionOf(i), top.lineOf(key));
      if (!(e instanceof TomlTable t)) {
        top.errorAt(line, key + " entries must be tables: write [[" + key + "]]");
        continue;
      }
      Object n = t.get(List.of("name"));
      String where =
          n instanceof String s && Fields.NAME.matcher(s).matches()
              ? key + " \"" + s + "\""
              : key + " #" + (i + 1);
      out.add(new TomlSection(source, t, where, "", line));
    }
    return out;
  }

  // ---------------------------------------------------------------- [node]

  private NodeSettings parseNode(TomlSection s) {
    if (s == null) {
      return null;
    }
    s.checkKeys(NODE_KEYS);
    String name = Fields.name(s);
    LogLevel level = LogLevel.INFO;
    String lv = s.string("log_level");
    if (lv != null) {
      level = LogLevel.parse(lv);
      if (level == null) {
        s.error("log_level", "\"" + lv + "\" is not one of trace, debug, info, warn, error");
      }
    }
    Optional<Path> secretsFile = Optional.empty();
    String sec = s.string("secrets");
    if (sec != null) {
      if (sec.isBlank()) {
        s.error("secrets", "must not be empty");
      } else {
        try {
          Path dir = configFile.toAbsolutePath().getParent();
          secretsFile = Optional.of(dir.resolve(sec).normalize());
        } catch (InvalidPathException e) {
          s.error("secrets", "\"" + sec + "\" is not a valid path: " + e.getReason());
        }
      }
    }
    Optional<Path> keyLog = Optional.empty();
    String kl = s.string("key_log");
    if (kl != null) {
      if (kl.isBlank()) {
        s.error("key_log", "must not be empty (leave it out to log no keys)");
      } else {
        try {
          keyLog = Optional.of(configFile.toAbsolutePath().getParent().resolve(kl).normalize());
        } catch (InvalidPathException e) {
          s.error("key_log", "\"" + kl + "\" is not a valid path: " + e.getReason());
        }
      }
    }
    List<InetAddress> addresses = new ArrayList<>();
    List<TomlSection.Item> items = s.stringList("address");
    if (items != null) {
      for (TomlSection.Item it : items) {
        InetAddress a = Fields.address(s, "address", it, true);
        if (a == null) {
          continue;
        }
        if (addresses.stream().anyMatch(b -> Addresses.version(b) == Addresses.version(a))) {
          s.errorAt(
              it.line(),
              "[node] address: at most one "
                  + Addresses.versionName(Addresses.version(a))
                  + " address; set local on policies that use another");
          continue;
        }
        addresses.add(a);
      }
    }
    // An invalid name or level is reported; keep the rest so that policies still find their
    // default local address and SAs their keys (no cascade of follow-on errors).
    return new NodeSettings(
        name == null ? "" : name,
        level == null ? LogLevel.INFO : level,
        secretsFile,
        addresses,
        keyLog);
  }

  // ---------------------------------------------------------------- [listen]

  private ListenConfig parseListen(TomlSection s) {
    if (s == null) {
      List<InetAddress> any = DEFAULT_LISTEN.stream().map(Addresses::address).toList();
      return new ListenConfig(any, ListenConfig.DEFAULT_PORT, ListenConfig.DEFAULT_IKE_PORT);
    }
    s.checkKeys(LISTEN_KEYS);
    boolean ok = true;
    List<InetAddress> addresses = new ArrayList<>();
    List<TomlSection.Item> items = s.stringList("address");
    if (items == null) {
      DEFAULT_LISTEN.forEach(a -> addresses.add(Addresses.address(a)));
    } else {
      if (items.isEmpty() && s.raw("address") instanceof TomlArray) {
        s.error("address", "must list at least one address");
        ok = false;
      }
      for (TomlSection.Item it : items) {
        InetAddress a;
        try {
          a = Addresses.address(it.value());
          if (a.isMulticastAddress()) {
            throw new IllegalArgumentException("\"" + it.value() + "\" is a multicast address");
          }
        } catch (IllegalArgumentException e) {
          s.errorAt(it.line(), "[listen] address: " + e.getMessage());
          ok = false;
          continue;
        }
        if (addresses.contains(a)) {
          s.errorAt(it.line(), "[listen] address: " + it.value() + " is listed twice");
          ok = false;
          continue;
        }
        addresses.add(a);
      }
    }
    int port = ListenConfig.DEFAULT_PORT;
    Long p = s.integer("port");
    if (p != null) {
      if (p < 1 || p > 65535) {
        s.error("port", p + " is out of range 1..65535");
        ok = false;
      } else {
        port = p.intValue();
      }
    } else if (s.has("port")) {
      ok = false;
    }
    int ikePort = ListenConfig.DEFAULT_IKE_PORT;
    Long ip = s.integer("ike_port");
    if (ip != null) {
      if (ip < 1 || ip > 65535) {
        s.error("ike_port", ip + " is out of range 1..65535");
        ok = false;
      } else {
        ikePort = ip.intValue();
      }
    } else if (s.has("ike_port")) {
      ok = false;
    }
    if (ok && ikePort == port) {
      s.error(
          s.has("ike_port") ? "ike_port" : "port",
          "the IKE port and the ESP port must differ (both are " + port + ")");
      ok = false;
    }
    int perSource = EngineSettings.DEFAULT_HALF_OPEN_PER_SOURCE;
    Long hs = s.integer("half_open_per_source");
    if (hs != null) {
      if (hs < 1 || hs > ListenConfig.MAX_HALF_OPEN_PER_SOURCE) {
        s.error(
            "half_open_per_source",
            hs + " is out of range 1.." + ListenConfig.MAX_HALF_OPEN_PER_SOURCE);
        ok = false;
      } else {
        perSource = hs.intValue();
      }
    } else if (s.has("half_open_per_source")) {
      ok = false;
    }
    return ok ? new ListenConfig(addresses, port, ikePort, perSource) : null;
  }
}
