package org.meshsec.core.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.meshsec.core.config.mesh.MeshChecks;
import org.meshsec.core.config.mesh.MeshFile;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.esp.IpsecMode;
import org.meshsec.ike.config.DpdAction;
import org.meshsec.ike.config.DpdConfig;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.config.RekeySchedule;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * Reads a mesh file (format in {@code docs/operations.md}, "The mesh file") into a {@link
 * MeshFile}, reporting every problem at the mesh file's line, then the rules across entries of
 * {@link MeshChecks}. One instance per load; not thread-safe.
 */
final class MeshParser {
  static final List<String> TOP_KEYS = List.of("mesh", "defaults", "node", "pair");
  static final List<String> MESH_KEYS = List.of("auth", "psk", "cert_root", "mode");
  static final List<String> DEFAULTS_KEYS =
      List.of(
          "ike",
          "esp",
          "ike_lifetime",
          "ike_rekey_margin",
          "esp_lifetime",
          "esp_rekey_margin",
          "dpd_delay",
          "dpd_timeout",
          "dpd_action",
          "version");
  static final List<String> NODE_KEYS =
      List.of("name", "address", "prefixes", "ike_port", "version");
  static final List<String> PAIR_KEYS = List.of("nodes", "version");

  /**
   * Node names: host-name labels separated by dots, since a name is also the node's FQDN identity
   * (RFC 7296 section 3.5) and its certificate's DNS subjectAltName.
   */
  static final Pattern NODE_NAME =
      Pattern.compile(
          "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

  private final Path file;
  private final Diagnostics diag;
  private SourceFile source;

  MeshParser(Path file, Diagnostics diag) {
    this.file = file;
    this.diag = diag;
  }

  /** The mesh file, or null when it has any error (reported). */
  MeshFile parse() {
    String text;
    try {
      if (!Files.isRegularFile(file)) {
        diag.add(
            file,
            0,
            Files.exists(file) ? "mesh file is not a regular file" : "mesh file does not exist");
        return null;
      }
      text = FileText.read(file, ConfigLoader.MAX_CONFIG_SIZE);
    } catch (IOException e) {
      diag.add(file, 0, "cannot read mesh file: " + FileText.describe(e));
      return null;
    }
    TomlParseResult toml = Toml.parse(text);
    if (toml.hasErrors()) {
      for (TomlParseError e : toml.errors()) {
        diag.add(
            file, e.position() == null ? 0 : e.position().line(), "TOML syntax: " + e.getMessage());
      }
      return null;
    }
    int before = diag.count();
    source = new SourceFile(file, text, diag);
    TomlSection top = new TomlSection(source, toml, "the mesh file", "", 0);
    top.checkKeys(TOP_KEYS);
    TomlSection meshSection = table(top, toml, "mesh");
    if (meshSection == null) {
      if (!toml.contains(List.of("mesh"))) {
        source.error(0, "[mesh] is required (at least: auth = \"psk\" and psk = \"NAME\")");
      }
      return null;
    }
    MeshFile.Auth auth = auth(meshSection);
    IpsecMode mode = Fields.mode(meshSection, "mode");
    TomlSection defaultsSection = table(top, toml, "defaults");
    MeshFile.Defaults defaults =
        defaults(
            defaultsSection != null
                ? defaultsSection
                : new TomlSection(source, Toml.parse(""), "[defaults]", "", 0));
    List<MeshFile.Node> nodes = new ArrayList<>();
    for (TomlSection s : arrayOfTables(top, toml, "node")) {
      MeshFile.Node n = node(s, mode);
      if (n != null) {
        nodes.add(n);
      }
    }
    List<MeshFile.Pair> pairs = new ArrayList<>();
    for (TomlSection s : arrayOfTables(top, toml, "pair")) {
      MeshFile.Pair p = pair(s);
      if (p != null) {
        pairs.add(p);
      }
    }
    for (MeshChecks.Problem p : MeshChecks.check(nodes, pairs)) {
      source.error(p.line(), p.reason());
    }
    if (diag.count() != before || auth == null || mode == null || defaults == null) {
      return null;
    }
    return new MeshFile(file, auth, mode, defaults, nodes, pairs);
  }

  private MeshFile.Auth auth(TomlSection s) {
    s.checkKeys(MESH_KEYS);
    String a = s.requireString("auth");
    if (a == null) {
      return null;
    }
    switch (a) {
      case "psk" -> {
        if (s.has("cert_root")) {
          s.error("cert_root", "only valid with auth = \"pubkey\"");
          return null;
        }
        String key = s.requireString("psk");
        return key == null ? null : new MeshFile.Auth.Psk(key);
      }
      case "pubkey" -> {
        if (s.has("psk")) {
          s.error("psk", "only valid with auth = \"psk\"");
          return null;
        }
        List<TomlSection.Item> items = s.stringList("cert_root");
        if (items == null || items.isEmpty()) {
          if (items != null || !s.has("cert_root")) {
            s.error("cert_root", "auth = \"pubkey\" needs the mesh CA certificate file(s)");
          }
          return null;
        }
        List<Path> files = new ArrayList<>();
        List<X509Certificate> roots = new ArrayList<>();
        boolean ok = true;
        for (TomlSection.Item it : items) {
          Path p;
          try {
            p = file.toAbsolutePath().getParent().resolve(it.value()).normalize();
          } catch (InvalidPathException e) {
            s.errorAt(it.line(), "[mesh] cert_root: \"" + it.value() + "\" is not a valid path");
            ok = false;
            continue;
          }
          List<X509Certificate> certs = PemFiles.certificates(s, "cert_root", it.line(), p);
          if (certs == null) {
            ok = false;
          } else {
            files.add(p);
            roots.addAll(certs);
          }
        }
        return ok ? new MeshFile.Auth.PubKey(files, roots) : null;
      }
      default -> {
        s.error("auth", "\"" + a + "\" is not one of psk, pubkey");
        return null;
      }
    }
  }

  private MeshFile.Defaults defaults(TomlSection s) {
    s.checkKeys(DEFAULTS_KEYS);
    boolean ok = true;
    List<IkeProposal> ike = new ArrayList<>();
    ok &=
        PeerProposals.parse(
            s,
            "ike",
            PeerParser.DEFAULT_IKE,
            text -> ike.add(IkeProposal.parse(text)),
            "such as \"aes128gcm16-prfsha256-x25519\"");
    List<EspProposal> esp = new ArrayList<>();
    ok &=
        PeerProposals.parse(
            s,
            "esp",
            PeerParser.DEFAULT_ESP,
            text -> esp.add(PeerProposals.espProposal(text)),
            "such as \"aes128gcm16\" or \"aes256gcm16-x25519\" (PFS)");
    RekeySchedule ikeLife =
        PeerProposals.lifetime(
            s, "ike_lifetime", "ike_rekey_margin", PeerParser.DEFAULT_IKE_LIFETIME);
    RekeySchedule espLife =
        PeerProposals.lifetime(
            s, "esp_lifetime", "esp_rekey_margin", PeerParser.DEFAULT_ESP_LIFETIME);
    Duration dpdDelay = Durations.parse(s, "dpd_delay", Duration.ZERO, true);
    Duration dpdTimeout = Durations.parse(s, "dpd_timeout", Duration.ZERO, true);
    DpdAction action = DpdAction.CLEAR;
    String a = s.string("dpd_action");
    if (a != null) {
      action =
          Map.of("clear", DpdAction.CLEAR, "restart", DpdAction.RESTART, "trap", DpdAction.TRAP)
              .get(a);
      if (action == null) {
        s.error("dpd_action", "\"" + a + "\" is not one of clear, restart, trap");
      }
    } else if (s.has("dpd_action")) {
      ok = false;
    }
    int version = version(s, 2);
    ok &= ikeLife != null && espLife != null && dpdDelay != null && dpdTimeout != null;
    ok &= action != null && version != -1;
    if (!ok) {
      return null;
    }
    return new MeshFile.Defaults(
        ike, esp, ikeLife, espLife, new DpdConfig(dpdDelay, dpdTimeout, action), version);
  }

  /** {@code version}: 1 or 2; {@code def} when absent; -1 when invalid (reported). */
  private static int version(TomlSection s, int def) {
    if (!s.has("version")) {
      return def;
    }
    Long v = s.integer("version");
    if (v == null) {
      return -1;
    }
    if (v != 1 && v != 2) {
      s.error("version", v + " is not an IKE version: write 1 (IKEv1) or 2 (IKEv2)");
      return -1;
    }
    return v.intValue();
  }

  private MeshFile.Node node(TomlSection s, IpsecMode mode) {
    s.checkKeys(NODE_KEYS);
    boolean ok = true;
    String name = s.requireString("name");
    if (name != null && !NODE_NAME.matcher(name).matches()) {
      s.error(
          "name",
          "\""
              + name
              + "\" is not a valid node name (a host name: letters, digits and '-' in labels"
              + " separated by '.'; it is also the node's IKE identity)");
      name = null;
    }
    List<MeshFile.At<InetAddress>> addresses = new ArrayList<>();
    List<TomlSection.Item> items = s.stringList("address");
    if (items == null || items.isEmpty()) {
      if (!s.has("address") || items != null) {
        s.error("address", "a node needs its underlay address (where its peers reach it)");
      }
      ok = false;
    } else {
      for (TomlSection.Item it : items) {
        InetAddress a = Fields.address(s, "address", it, true);
        if (a == null) {
          ok = false;
        } else if (addresses.stream()
            .anyMatch(b -> Addresses.version(b.value()) == Addresses.version(a))) {
          s.errorAt(
              it.line(),
              s.where()
                  + " address: at most one "
                  + Addresses.versionName(Addresses.version(a))
                  + " address");
          ok = false;
        } else {
          addresses.add(new MeshFile.At<>(a, it.line()));
        }
      }
    }
    List<MeshFile.At<IpPrefix>> prefixes = new ArrayList<>();
    List<TomlSection.Item> px = s.stringList("prefixes");
    if (px == null || px.isEmpty()) {
      if (!s.has("prefixes") || px != null) {
        s.error("prefixes", "a node needs the overlay prefix(es) it owns");
      }
      ok = false;
    } else {
      for (TomlSection.Item it : px) {
        try {
          IpPrefix p = Addresses.network(it.value());
          if (mode == IpsecMode.TRANSPORT && p.length() != (p.version() == 4 ? 32 : 128)) {
            s.errorAt(
                it.line(),
                s.where()
                    + " prefixes: "
                    + it.value()
                    + " is not a single address; with [mesh] mode = \"transport\" a node owns"
                    + " host addresses (use mode = \"tunnel\" for subnets)");
            ok = false;
            continue;
          }
          prefixes.add(new MeshFile.At<>(p, it.line()));
        } catch (IllegalArgumentException e) {
          s.errorAt(it.line(), s.where() + " prefixes: " + e.getMessage());
          ok = false;
        }
      }
    }
    int port = ListenConfig.DEFAULT_IKE_PORT;
    if (s.has("ike_port")) {
      Long p = s.integer("ike_port");
      if (p == null || p < 1 || p > 65535) {
        if (p != null) {
          s.error("ike_port", p + " is out of range 1..65535");
        }
        ok = false;
      } else {
        port = p.intValue();
      }
    }
    int version = version(s, 0);
    if (!ok || name == null || version == -1) {
      return null;
    }
    return new MeshFile.Node(name, addresses, prefixes, port, version, s.line());
  }

  private MeshFile.Pair pair(TomlSection s) {
    s.checkKeys(PAIR_KEYS);
    List<TomlSection.Item> names = s.stringList("nodes");
    int version = version(s, 0);
    if (names == null) {
      if (!s.has("nodes")) {
        s.error("nodes", "write the two nodes: nodes = [\"alpha\", \"beta\"]");
      }
      return null;
    }
    if (names.size() != 2) {
      s.error("nodes", "a pair is two nodes, not " + names.size());
      return null;
    }
    if (version == -1) {
      return null;
    }
    return new MeshFile.Pair(names.get(0).value(), names.get(1).value(), version, s.line());
  }

  private TomlSection table(TomlSection top, TomlTable root, String key) {
    Object v = root.get(List.of(key));
    if (v == null) {
      return null;
    }
    if (v instanceof TomlTable t) {
      return new TomlSection(source, t, "[" + key + "]", "", top.lineOf(key));
    }
    top.errorAt(top.lineOf(key), key + " must be the table [" + key + "], not [[" + key + "]]");
    return null;
  }

  private List<TomlSection> arrayOfTables(TomlSection top, TomlTable root, String key) {
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
      int line = source.elementLine(arr.inputPositionOf(i), top.lineOf(key));
      if (!(arr.get(i) instanceof TomlTable t)) {
        top.errorAt(line, key + " entries must be tables: write [[" + key + "]]");
        continue;
      }
      String where =
          t.get(List.of("name")) instanceof String n
              ? key + " \"" + n + "\""
              : key + " #" + (i + 1);
      out.add(new TomlSection(source, t, where, "", line));
    }
    return out;
  }
}
