package org.meshsec.core.config;

import java.net.InetAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.meshsec.core.spd.Action;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.IpPrefix;
import org.meshsec.core.spd.IpsecMode;
import org.meshsec.core.spd.IpsecTemplate;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.PortRange;
import org.meshsec.core.spd.Selector;
import org.meshsec.esp.EncrAlgorithm;
import org.meshsec.esp.EspSaParams;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IntegAlgorithm;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/**
 * Turns a parsed TOML document into a {@link NodeConfig}, reporting every problem it finds. One
 * instance per load; not thread-safe. The schema is documented in {@code docs/configuration.md}.
 */
final class ConfigParser {
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}");

  static final List<String> TOP_KEYS = List.of("node", "tun", "listen", "policy", "sa");
  static final List<String> NODE_KEYS = List.of("name", "log_level", "secrets", "address");
  static final List<String> TUN_KEYS =
      List.of("name", "mtu", "underlay_mtu", "addresses", "routes", "mss_clamp");
  static final List<String> LISTEN_KEYS = List.of("address", "port");
  static final List<String> POLICY_KEYS =
      List.of(
          "name",
          "direction",
          "priority",
          "src",
          "dst",
          "protocol",
          "src_port",
          "dst_port",
          "icmp_type",
          "icmp_code",
          "action",
          "mode",
          "peer",
          "local",
          "esp");
  static final List<String> PROTECT_ONLY_KEYS = List.of("mode", "peer", "local", "esp");
  static final List<String> SA_KEYS =
      List.of(
          "name",
          "spi",
          "direction",
          "policy",
          "peer",
          "local",
          "mode",
          "esp",
          "esn",
          "replay_window",
          "soft_lifetime",
          "hard_lifetime",
          "key");
  static final List<String> LIFETIME_KEYS = List.of("seconds", "bytes", "packets");

  /** Default ESP proposal of a PROTECT policy. */
  static final List<EspSuite> DEFAULT_SUITES = List.of(EspSuite.AES128_GCM16);

  /** Default listen addresses: both wildcards. */
  static final List<String> DEFAULT_LISTEN = List.of("0.0.0.0", "::");

  /** Smallest underlay MTU accepted: the IPv4 datagram every host must accept (RFC 791). */
  static final int MIN_UNDERLAY_MTU = 576;

  /** IPv6 minimum link MTU (RFC 8200 section 5). */
  static final int IPV6_MIN_MTU = 1280;

  /** IPv4 minimum MTU (RFC 791). */
  static final int IPV4_MIN_MTU = 68;

  static final int MAX_MTU = 65535;

  private static final Map<String, Integer> PROTOCOLS =
      Map.of("any", 0, "icmp", 1, "tcp", 6, "udp", 17, "ipv6-icmp", 58, "icmpv6", 58, "sctp", 132);

  private static final TomlTable EMPTY = Toml.parse("");

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

  /** A {@code [[policy]]} entry as written, before expansion into SPD policies. */
  private record PolicyEntry(
      String name,
      TomlSection section,
      Set<Direction> directions,
      int priority,
      Selector selector,
      Action action,
      IpsecTemplate template) {}

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
    List<TomlSection> policySections = arrayOfTables(top, "policy");
    List<TomlSection> saSections = arrayOfTables(top, "sa");

    if (nodeSection == null && !root.contains(List.of("node"))) {
      source.error(0, "[node] is required (at least: [node] name = \"...\")");
    }
    NodeSettings node = parseNode(nodeSection);
    ListenConfig listen = parseListen(listenSection);
    List<PolicyEntry> entries = new ArrayList<>();
    for (TomlSection s : policySections) {
      PolicyEntry e = parsePolicy(s, node);
      if (e != null) {
        entries.add(e);
      }
    }
    checkPolicyNames(policySections);
    checkListenCoversPeers(entries, listen, listenSection);

    if (node != null && node.secretsFile().isPresent()) {
      secrets = SecretsLoader.load(node.secretsFile().get(), nodeSection, "secrets", diag);
    }
    List<ManualSa> sas = new ArrayList<>();
    Map<String, TomlSection> saSectionByName = new HashMap<>();
    for (TomlSection s : saSections) {
      ManualSa sa = parseSa(s, entries, node);
      if (sa != null) {
        sas.add(sa);
        saSectionByName.putIfAbsent(sa.name(), s);
      }
    }
    checkSaNames(saSections);
    checkSas(sas, saSectionByName);

    TunConfig tun = parseTun(tunSection, entries, listen);

    if (!diag.isEmpty() || node == null || tun == null || listen == null) {
      return null;
    }
    return new NodeConfig(configFile, node, tun, listen, expand(entries), sas);
  }

  /** Wipes every key read from the secrets file (called when the load fails). */
  void wipeSecrets() {
    if (secrets != null) {
      secrets.values().forEach(k -> k.bytes().wipe());
    }
  }

  /** Wipes the keys of the secrets file that no SA of {@code config} holds. */
  void wipeUnusedSecrets(NodeConfig config) {
    if (secrets == null) {
      return;
    }
    for (SecretsLoader.Key k : secrets.values()) {
      if (config.sas().stream().noneMatch(sa -> sa.key() == k.bytes())) {
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
          n instanceof String s && NAME.matcher(s).matches()
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
    String name = name(s);
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
    List<InetAddress> addresses = new ArrayList<>();
    List<TomlSection.Item> items = s.stringList("address");
    if (items != null) {
      for (TomlSection.Item it : items) {
        InetAddress a = address(s, it, true);
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
    if (name == null || level == null) {
      return null;
    }
    return new NodeSettings(name, level, secretsFile, addresses);
  }

  private String name(TomlSection s) {
    String n = s.requireString("name");
    if (n != null && !NAME.matcher(n).matches()) {
      s.error(
          "name",
          "\""
              + n
              + "\" is not a valid name (letters, digits, '.', '_', '-'; starting with a letter"
              + " or digit; at most 64)");
      return null;
    }
    return n;
  }

  /** Parses an address item; reports and returns null when invalid. */
  private static InetAddress address(TomlSection s, TomlSection.Item it, boolean endpoint) {
    try {
      return endpoint ? Addresses.endpoint(it.value()) : Addresses.address(it.value());
    } catch (IllegalArgumentException e) {
      s.errorAt(it.line(), s.where() + " address: " + e.getMessage());
      return null;
    }
  }

  // ---------------------------------------------------------------- [listen]

  private ListenConfig parseListen(TomlSection s) {
    if (s == null) {
      List<InetAddress> any = DEFAULT_LISTEN.stream().map(Addresses::address).toList();
      return new ListenConfig(any, ListenConfig.DEFAULT_PORT);
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
    return ok ? new ListenConfig(addresses, port) : null;
  }

  // ---------------------------------------------------------------- [[policy]]

  private PolicyEntry parsePolicy(TomlSection s, NodeSettings node) {
    s.checkKeys(POLICY_KEYS);
    boolean ok = true;
    String name = name(s);

    Set<Direction> dirs = null;
    String d = s.requireString("direction");
    if (d != null) {
      dirs =
          switch (d) {
            case "out" -> EnumSet.of(Direction.OUT);
            case "in" -> EnumSet.of(Direction.IN);
            case "both" -> EnumSet.of(Direction.OUT, Direction.IN);
            default -> null;
          };
      if (dirs == null) {
        s.error("direction", "\"" + d + "\" is not one of out, in, both");
      }
    }

    int priority = 0;
    Long pr = s.integer("priority");
    if (pr != null) {
      if (pr < Integer.MIN_VALUE || pr > Integer.MAX_VALUE) {
        s.error("priority", pr + " is out of the 32-bit range");
        ok = false;
      } else {
        priority = pr.intValue();
      }
    } else if (s.has("priority")) {
      ok = false;
    }

    Action action = null;
    String a = s.requireString("action");
    if (a != null) {
      action =
          switch (a) {
            case "protect" -> Action.PROTECT;
            case "bypass" -> Action.BYPASS;
            case "discard" -> Action.DISCARD;
            default -> null;
          };
      if (action == null) {
        s.error("action", "\"" + a + "\" is not one of protect, bypass, discard");
      }
    }

    IpPrefix src = prefix(s, "src");
    IpPrefix dst = prefix(s, "dst");
    if (src != null && dst != null && src.version() != dst.version()) {
      s.error(
          "dst",
          Addresses.format(dst)
              + " is "
              + Addresses.versionName(dst.version())
              + " but src "
              + Addresses.format(src)
              + " is "
              + Addresses.versionName(src.version())
              + "; a selector has one IP version");
      ok = false;
    }
    int version = src != null ? src.version() : dst != null ? dst.version() : 0;

    Integer protocol = protocol(s);
    if (protocol != null && version != 0) {
      if (protocol == 1 && version == 6) {
        s.error("protocol", "\"icmp\" is ICMP for IPv4; use \"ipv6-icmp\" with IPv6 addresses");
        ok = false;
      } else if (protocol == 58 && version == 4) {
        s.error("protocol", "\"ipv6-icmp\" is ICMPv6; use \"icmp\" with IPv4 addresses");
        ok = false;
      }
    }
    PortRange srcPorts = ports(s, "src_port", protocol);
    PortRange dstPorts = ports(s, "dst_port", protocol);
    int icmpType = icmp(s, "icmp_type", protocol);
    int icmpCode = icmp(s, "icmp_code", protocol);

    IpsecTemplate template = null;
    if (action == Action.PROTECT) {
      template = template(s, node, version);
      ok &= template != null;
    } else if (action != null) {
      for (String k : PROTECT_ONLY_KEYS) {
        if (s.has(k)) {
          s.error(k, "only valid with action = \"protect\"");
          ok = false;
        }
      }
    }
    ok &=
        name != null
            && dirs != null
            && action != null
            && src != null
            && dst != null
            && protocol != null
            && srcPorts != null
            && dstPorts != null
            && icmpType >= -1
            && icmpCode >= -1;
    if (!ok) {
      return null;
    }
    Selector sel = new Selector(src, dst, protocol, srcPorts, dstPorts, icmpType, icmpCode);
    return new PolicyEntry(name, s, dirs, priority, sel, action, template);
  }

  private static IpPrefix prefix(TomlSection s, String key) {
    String v = s.requireString(key);
    if (v == null) {
      return null;
    }
    try {
      return Addresses.network(v);
    } catch (IllegalArgumentException e) {
      s.error(key, e.getMessage());
      return null;
    }
  }

  /** The protocol number (0 for any), or null when invalid (reported). */
  private static Integer protocol(TomlSection s) {
    Object v = s.raw("protocol");
    if (v == null) {
      return Selector.ANY_PROTOCOL;
    }
    if (v instanceof String name) {
      Integer n = PROTOCOLS.get(name.toLowerCase(Locale.ROOT));
      if (n == null) {
        s.error(
            "protocol",
            "\""
                + name
                + "\" is not one of any, tcp, udp, icmp, ipv6-icmp, sctp (or write a number"
                + " 1..255)");
      }
      return n;
    }
    if (v instanceof Long n) {
      if (n < 1 || n > 255) {
        s.error("protocol", n + " is out of range 1..255 (write \"any\" for any protocol)");
        return null;
      }
      return n.intValue();
    }
    s.error("protocol", "must be a name or a number, not " + TomlSection.typeName(v));
    return null;
  }

  /** A port selector, ANY when absent, null when invalid (reported). */
  private static PortRange ports(TomlSection s, String key, Integer protocol) {
    Object v = s.raw(key);
    if (v == null) {
      return PortRange.ANY;
    }
    PortRange r = null;
    try {
      if (v instanceof Long n) {
        if (n < 0 || n > 65535) {
          throw new IllegalArgumentException(n + " is out of range 0..65535");
        }
        r = PortRange.single(n.intValue());
      } else if (v instanceof String str) {
        r = parsePortRange(str.trim());
      } else {
        throw new IllegalArgumentException(
            "must be a port number or a range such as \"1000-2000\", not "
                + TomlSection.typeName(v));
      }
    } catch (IllegalArgumentException e) {
      s.error(key, e.getMessage());
      return null;
    }
    if (!r.isAny() && protocol != null && protocol != 6 && protocol != 17 && protocol != 132) {
      s.error(key, "ports need protocol = \"tcp\", \"udp\" or \"sctp\"");
      return null;
    }
    return r;
  }

  private static PortRange parsePortRange(String str) {
    if (str.equals("any")) {
      return PortRange.ANY;
    }
    Pattern range = Pattern.compile("(\\d{1,5})(?:\\s*-\\s*(\\d{1,5}))?");
    var m = range.matcher(str);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "\"" + str + "\" is not a port, a range such as \"1000-2000\", or \"any\"");
    }
    int from = Integer.parseInt(m.group(1));
    int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
    if (from > 65535 || to > 65535) {
      throw new IllegalArgumentException("\"" + str + "\": ports are 0..65535");
    }
    if (from > to) {
      throw new IllegalArgumentException("\"" + str + "\": the range is empty (from > to)");
    }
    return new PortRange(from, to);
  }

  /** ICMP type or code, -1 when absent, -2 when invalid (reported). */
  private static int icmp(TomlSection s, String key, Integer protocol) {
    if (!s.has(key)) {
      return -1;
    }
    Long n = s.integer(key);
    if (n == null) {
      return -2;
    }
    if (n < 0 || n > 255) {
      s.error(key, n + " is out of range 0..255");
      return -2;
    }
    if (protocol != null && protocol != 1 && protocol != 58) {
      s.error(key, "needs protocol = \"icmp\" or \"ipv6-icmp\"");
      return -2;
    }
    return n.intValue();
  }

  private IpsecTemplate template(TomlSection s, NodeSettings node, int selectorVersion) {
    boolean ok = true;
    IpsecMode mode = mode(s, "mode");
    ok &= mode != null;
    InetAddress peer = null;
    String peerText = s.requireString("peer");
    if (peerText != null) {
      peer = address(s, new TomlSection.Item(peerText, s.lineOf("peer")), true);
    }
    ok &= peer != null;
    InetAddress local = null;
    String localText = s.string("local");
    if (localText != null) {
      local = address(s, new TomlSection.Item(localText, s.lineOf("local")), true);
      ok &= local != null;
      if (local != null && peer != null && Addresses.version(local) != Addresses.version(peer)) {
        s.error(
            "local",
            localText
                + " is "
                + Addresses.versionName(Addresses.version(local))
                + " but peer "
                + peerText
                + " is "
                + Addresses.versionName(Addresses.version(peer)));
        ok = false;
      }
    } else if (s.has("local")) {
      ok = false;
    } else if (peer != null) {
      int v = Addresses.version(peer);
      Optional<InetAddress> def = node == null ? Optional.empty() : node.address(v);
      if (def.isPresent()) {
        local = def.get();
      } else {
        s.tableError(
            s.where()
                + ": local is required: [node] has no "
                + Addresses.versionName(v)
                + " address to use for peer "
                + peerText);
        ok = false;
      }
    }
    if (mode == IpsecMode.TRANSPORT
        && peer != null
        && selectorVersion != 0
        && selectorVersion != Addresses.version(peer)) {
      s.error(
          "mode",
          "transport mode protects traffic between the two hosts themselves, so src and dst must"
              + " be "
              + Addresses.versionName(Addresses.version(peer))
              + " like peer "
              + peerText
              + "; use mode = \"tunnel\"");
      ok = false;
    }
    List<EspSuite> suites = new ArrayList<>();
    List<TomlSection.Item> names = s.stringList("esp");
    if (names == null) {
      if (s.has("esp")) {
        ok = false;
      } else {
        suites.addAll(DEFAULT_SUITES);
      }
    } else {
      if (names.isEmpty()) {
        s.error("esp", "must list at least one suite");
        ok = false;
      }
      for (TomlSection.Item it : names) {
        EspSuite suite = suite(s, "esp", it);
        if (suite == null) {
          ok = false;
        } else if (suites.contains(suite)) {
          s.errorAt(it.line(), s.where() + " esp: suite " + suite + " is listed twice");
          ok = false;
        } else {
          suites.add(suite);
        }
      }
    }
    if (!ok) {
      return null;
    }
    return new IpsecTemplate(mode, suites, local, peer);
  }

  private static IpsecMode mode(TomlSection s, String key) {
    String m = s.string(key);
    if (m == null) {
      return s.has(key) ? null : IpsecMode.TUNNEL;
    }
    return switch (m) {
      case "tunnel" -> IpsecMode.TUNNEL;
      case "transport" -> IpsecMode.TRANSPORT;
      default -> {
        s.error(key, "\"" + m + "\" is not one of tunnel, transport");
        yield null;
      }
    };
  }

  private static EspSuite suite(TomlSection s, String key, TomlSection.Item it) {
    EspSuite suite;
    try {
      suite = EspSuite.parse(it.value());
    } catch (IllegalArgumentException e) {
      suite = null;
    }
    if (suite == null) {
      s.errorAt(
          it.line(),
          s.where()
              + " "
              + key
              + ": unknown ESP suite \""
              + it.value()
              + "\" (known: "
              + String.join(", ", knownSuiteNames())
              + ")");
    }
    return suite;
  }

  /** Every suite meshsec implements, in its canonical config name. */
  static List<EspSuite> knownSuites() {
    List<EspSuite> out = new ArrayList<>();
    out.add(EspSuite.AES128_GCM16);
    out.add(EspSuite.AES256_GCM16);
    out.add(EspSuite.CHACHA20_POLY1305);
    for (int bits : new int[] {128, 256}) {
      for (IntegAlgorithm integ :
          List.of(
              IntegAlgorithm.HMAC_SHA2_256_128,
              IntegAlgorithm.HMAC_SHA2_384_192,
              IntegAlgorithm.HMAC_SHA2_512_256)) {
        out.add(new EspSuite(EncrAlgorithm.AES_CBC, bits, integ));
      }
    }
    return out;
  }

  private static List<String> knownSuiteNames() {
    return knownSuites().stream().map(EspSuite::configName).toList();
  }

  private void checkPolicyNames(List<TomlSection> sections) {
    Map<String, Integer> seen = new HashMap<>();
    for (TomlSection s : sections) {
      if (s.raw("name") instanceof String n && NAME.matcher(n).matches()) {
        Integer first = seen.putIfAbsent(n, s.lineOf("name"));
        if (first != null) {
          s.error(
              "name", "duplicate policy name \"" + n + "\" (first defined at line " + first + ")");
        }
      }
    }
  }

  private void checkListenCoversPeers(
      List<PolicyEntry> entries, ListenConfig listen, TomlSection listenSection) {
    if (listen == null) {
      return;
    }
    for (PolicyEntry e : entries) {
      if (e.template() == null) {
        continue;
      }
      int v = Addresses.version(e.template().peer());
      List<InetAddress> sameVersion =
          listen.addresses().stream().filter(a -> Addresses.version(a) == v).toList();
      if (sameVersion.isEmpty()) {
        e.section()
            .error(
                "peer",
                Addresses.format(e.template().peer())
                    + " is "
                    + Addresses.versionName(v)
                    + " but [listen] has no "
                    + Addresses.versionName(v)
                    + " address");
      } else if (sameVersion.stream().noneMatch(InetAddress::isAnyLocalAddress)
          && !sameVersion.contains(e.template().local())) {
        String key = e.section().has("local") ? "local" : "peer";
        e.section()
            .error(
                key,
                "local address "
                    + Addresses.format(e.template().local())
                    + " is not one of the [listen] addresses");
      }
    }
  }

  /** Expands entries into SPD policies: OUT then the mirrored IN for "both"; ids 1, 2, ... */
  private static List<Policy> expand(List<PolicyEntry> entries) {
    List<Policy> out = new ArrayList<>();
    long id = 1;
    for (PolicyEntry e : entries) {
      if (e.directions().contains(Direction.OUT)) {
        out.add(
            new Policy(
                id++,
                e.name(),
                e.priority(),
                Direction.OUT,
                e.selector(),
                e.action(),
                e.template()));
      }
      if (e.directions().contains(Direction.IN)) {
        Selector sel =
            e.directions().contains(Direction.OUT) ? e.selector().reverse() : e.selector();
        out.add(
            new Policy(id++, e.name(), e.priority(), Direction.IN, sel, e.action(), e.template()));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- [[sa]]

  private ManualSa parseSa(TomlSection s, List<PolicyEntry> entries, NodeSettings node) {
    s.checkKeys(SA_KEYS);
    boolean ok = true;
    String name = name(s);
    Integer spi = spi(s);

    Direction dir = null;
    String d = s.requireString("direction");
    if (d != null) {
      dir =
          switch (d) {
            case "out" -> Direction.OUT;
            case "in" -> Direction.IN;
            default -> null;
          };
      if (dir == null) {
        s.error(
            "direction",
            "\""
                + d
                + "\" is not one of in, out (an SA carries one direction: RFC 4301 section 4.1;"
                + " configure one [[sa]] per direction)");
      }
    }

    PolicyEntry pol = null;
    String polName = s.requireString("policy");
    if (polName != null) {
      pol = entries.stream().filter(e -> e.name().equals(polName)).findFirst().orElse(null);
      if (pol == null) {
        boolean exists =
            root.get(List.of("policy")) instanceof TomlArray arr && policyNameWritten(arr, polName);
        if (!exists) {
          s.error(
              "policy",
              "no policy named \""
                  + polName
                  + "\""
                  + TomlSection.suggestion(
                      polName, entries.stream().map(PolicyEntry::name).toList()));
        }
        ok = false; // an invalid policy of that name was already reported
      } else if (pol.action() != Action.PROTECT) {
        s.error(
            "policy",
            "policy \""
                + polName
                + "\" has action "
                + pol.action().name().toLowerCase(Locale.ROOT)
                + "; only protect policies use SAs");
        pol = null;
        ok = false;
      } else if (dir != null && !pol.directions().contains(dir)) {
        s.error(
            "policy",
            "policy \""
                + polName
                + "\" has no "
                + dir.name().toLowerCase(Locale.ROOT)
                + " direction (its direction is "
                + directionName(pol.directions())
                + ")");
        ok = false;
      }
    }
    IpsecTemplate t = pol == null ? null : pol.template();

    IpsecMode mode = t == null ? null : t.mode();
    if (s.has("mode")) {
      IpsecMode m = mode(s, "mode");
      if (m == null) {
        ok = false;
      } else if (mode != null && m != mode) {
        s.error(
            "mode",
            m.name().toLowerCase(Locale.ROOT)
                + " differs from policy \""
                + polName
                + "\", which uses "
                + mode.name().toLowerCase(Locale.ROOT));
        ok = false;
      }
    }
    InetAddress peer = endpointMatching(s, "peer", t == null ? null : t.peer(), polName);
    InetAddress local = endpointMatching(s, "local", t == null ? null : t.local(), polName);

    EspSuite suite = t == null ? null : t.suites().get(0);
    if (s.has("esp")) {
      String e = s.string("esp");
      if (e == null) {
        if (s.raw("esp") instanceof TomlArray) {
          s.error("esp", "an SA uses exactly one suite: write esp = \"aes128gcm16\"");
        }
        ok = false;
        suite = null;
      } else {
        suite = suite(s, "esp", new TomlSection.Item(e, s.lineOf("esp")));
        if (suite == null) {
          ok = false;
        } else if (t != null && !t.suites().contains(suite)) {
          s.error(
              "esp",
              "suite "
                  + suite
                  + " is not among policy \""
                  + polName
                  + "\"'s suites ("
                  + String.join(", ", t.suites().stream().map(EspSuite::configName).toList())
                  + ")");
          ok = false;
          suite = null; // no key length check against a suite that cannot be used
        }
      }
    }

    Boolean esnValue = s.bool("esn");
    boolean esn = esnValue != null && esnValue;
    ok &= esnValue != null || !s.has("esn");

    int replay = dir == Direction.OUT ? 0 : EspSaParams.DEFAULT_REPLAY_WINDOW;
    if (s.has("replay_window")) {
      Long r = s.integer("replay_window");
      if (r == null) {
        ok = false;
      } else if (dir == Direction.OUT) {
        s.error(
            "replay_window",
            "only applies to direction = \"in\" (the receiver checks for replays)");
        ok = false;
      } else if (r < 0 || r > EspSaParams.MAX_REPLAY_WINDOW) {
        s.error(
            "replay_window",
            r + " is out of range 0.." + EspSaParams.MAX_REPLAY_WINDOW + " (0 disables the check)");
        ok = false;
      } else {
        replay = r.intValue();
      }
    }

    Lifetime soft = lifetime(s, "soft_lifetime");
    Lifetime hard = lifetime(s, "hard_lifetime");
    if (soft != null && hard != null) {
      ok &= softBelowHard(s, "seconds", soft.seconds(), hard.seconds());
      ok &= softBelowHard(s, "bytes", soft.bytes(), hard.bytes());
      ok &= softBelowHard(s, "packets", soft.packets(), hard.packets());
    }

    SecretBytes key = null;
    String keyName = s.requireString("key");
    if (keyName != null) {
      key = key(s, keyName, suite, node);
    }

    ok &=
        name != null
            && spi != null
            && dir != null
            && pol != null
            && mode != null
            && peer != null
            && local != null
            && suite != null
            && soft != null
            && hard != null
            && key != null;
    if (!ok) {
      return null;
    }
    return new ManualSa(
        name, spi, dir, polName, mode, local, peer, suite, esn, replay, soft, hard, keyName, key);
  }

  private static boolean policyNameWritten(TomlArray arr, String name) {
    for (int i = 0; i < arr.size(); i++) {
      if (arr.get(i) instanceof TomlTable t && name.equals(t.get(List.of("name")))) {
        return true;
      }
    }
    return false;
  }

  private static String directionName(Set<Direction> dirs) {
    return dirs.size() == 2 ? "both" : dirs.iterator().next().name().toLowerCase(Locale.ROOT);
  }

  /** The SPI as an unsigned 32-bit value in an int, or null when invalid (reported). */
  private static Integer spi(TomlSection s) {
    if (!s.has("spi")) {
      s.tableError(s.where() + ": spi is required");
      return null;
    }
    Object v = s.raw("spi");
    long value;
    if (v instanceof Long n) {
      value = n;
    } else if (v instanceof String str) {
      String t = str.trim();
      try {
        if (t.startsWith("0x") || t.startsWith("0X")) {
          value = Long.parseLong(t.substring(2), 16);
        } else {
          value = Long.parseLong(t);
        }
      } catch (NumberFormatException e) {
        s.error("spi", "\"" + str + "\" is not a number (write 0x1000 or 4096)");
        return null;
      }
    } else {
      s.error(
          "spi",
          "must be a number or a hex string such as \"0x1000\", not " + TomlSection.typeName(v));
      return null;
    }
    if (value <= 255) {
      s.error("spi", value + " is reserved: SPIs 0..255 are not assigned (RFC 4303 section 2.1)");
      return null;
    }
    if (value > 0xFFFFFFFFL) {
      s.error("spi", "0x" + Long.toHexString(value) + " does not fit in 32 bits");
      return null;
    }
    return (int) value;
  }

  /** A peer/local address on an SA: defaults to the policy's, must equal it when written. */
  private static InetAddress endpointMatching(
      TomlSection s, String key, InetAddress fromPolicy, String polName) {
    String text = s.string(key);
    if (text == null) {
      return s.has(key) ? null : fromPolicy;
    }
    InetAddress a = address(s, new TomlSection.Item(text, s.lineOf(key)), true);
    if (a != null && fromPolicy != null && !a.equals(fromPolicy)) {
      s.error(
          key,
          text
              + " differs from policy \""
              + polName
              + "\"'s "
              + key
              + " "
              + Addresses.format(fromPolicy));
      return null;
    }
    return a;
  }

  private static Lifetime lifetime(TomlSection s, String key) {
    if (!s.has(key)) {
      return Lifetime.UNLIMITED;
    }
    TomlSection t = s.table(key);
    if (t == null) {
      return null;
    }
    t.checkKeys(LIFETIME_KEYS);
    long[] v = new long[3];
    boolean ok = true;
    for (int i = 0; i < 3; i++) {
      String k = LIFETIME_KEYS.get(i);
      Long n = t.integer(k);
      if (n == null) {
        ok &= !t.has(k);
      } else if (n < 0) {
        t.error(k, "must be >= 0 (0 means no limit)");
        ok = false;
      } else {
        v[i] = n;
      }
    }
    return ok ? new Lifetime(v[0], v[1], v[2]) : null;
  }

  private static boolean softBelowHard(TomlSection s, String what, long soft, long hard) {
    if (soft != 0 && hard != 0 && soft >= hard) {
      s.error(
          "soft_lifetime",
          what + " (" + soft + ") must be less than hard_lifetime " + what + " (" + hard + ")");
      return false;
    }
    return true;
  }

  private SecretBytes key(TomlSection s, String keyName, EspSuite suite, NodeSettings node) {
    if (node == null) {
      return null;
    }
    if (node.secretsFile().isEmpty()) {
      s.error("key", "no secrets file: set [node] secrets = \"/path/to/secrets.toml\"");
      return null;
    }
    if (secrets == null) {
      return null; // the secrets file could not be used; reported already
    }
    SecretsLoader.Key k = secrets.get(keyName);
    if (k == null) {
      s.error(
          "key",
          "no key named \""
              + keyName
              + "\" in [keys] of "
              + node.secretsFile().get()
              + TomlSection.suggestion(keyName, secrets.keySet()));
      return null;
    }
    if (suite != null && k.bytes().length() != suite.keyMaterialLength()) {
      s.error(
          "key",
          "key \""
              + keyName
              + "\" is "
              + k.bytes().length()
              + " bytes, but "
              + suite
              + " needs "
              + suite.keyMaterialLength()
              + " ("
              + layout(suite)
              + ")");
      return null;
    }
    return k.bytes();
  }

  /** The key material layout of a suite, for messages: "16-byte key + 4-byte salt". */
  static String layout(EspSuite suite) {
    StringBuilder b = new StringBuilder().append(suite.encKeyLength()).append("-byte key");
    if (suite.saltLength() > 0) {
      b.append(" + ").append(suite.saltLength()).append("-byte salt");
    }
    if (suite.integKeyLength() > 0) {
      b.append(" + ").append(suite.integKeyLength()).append("-byte integrity key");
    }
    return b.toString();
  }

  private void checkSaNames(List<TomlSection> sections) {
    Map<String, Integer> seen = new HashMap<>();
    for (TomlSection s : sections) {
      if (s.raw("name") instanceof String n && NAME.matcher(n).matches()) {
        Integer first = seen.putIfAbsent(n, s.lineOf("name"));
        if (first != null) {
          s.error("name", "duplicate sa name \"" + n + "\" (first defined at line " + first + ")");
        }
      }
    }
  }

  /** SPI uniqueness, one outbound SA per policy, one SA per key. */
  private void checkSas(List<ManualSa> sas, Map<String, TomlSection> sections) {
    Map<Integer, ManualSa> inboundSpis = new HashMap<>();
    Map<String, ManualSa> outboundSpis = new HashMap<>();
    Map<String, ManualSa> outboundPolicy = new HashMap<>();
    Map<String, ManualSa> keyUser = new LinkedHashMap<>();
    List<ManualSa> seen = new ArrayList<>();
    for (ManualSa sa : sas) {
      TomlSection s = sections.get(sa.name());
      if (s == null || seen.stream().anyMatch(o -> o.name().equals(sa.name()))) {
        continue; // duplicate name, reported
      }
      seen.add(sa);
      if (sa.direction() == Direction.IN) {
        ManualSa other = inboundSpis.putIfAbsent(sa.spi(), sa);
        if (other != null) {
          s.error(
              "spi",
              sa.spiHex()
                  + " is already used by inbound sa \""
                  + other.name()
                  + "\" (line "
                  + sections.get(other.name()).lineOf("spi")
                  + "); inbound SPIs must be unique");
        }
      } else {
        String k = sa.spi() + "@" + Addresses.format(sa.peer());
        ManualSa other = outboundSpis.putIfAbsent(k, sa);
        if (other != null) {
          s.error(
              "spi",
              sa.spiHex()
                  + " is already used by outbound sa \""
                  + other.name()
                  + "\" to the same peer "
                  + Addresses.format(sa.peer()));
        }
        ManualSa samePolicy = outboundPolicy.putIfAbsent(sa.policy(), sa);
        if (samePolicy != null) {
          s.error(
              "policy",
              "policy \""
                  + sa.policy()
                  + "\" already has outbound sa \""
                  + samePolicy.name()
                  + "\"; a policy sends with one SA");
        }
      }
      ManualSa keyOwner = keyUser.putIfAbsent(sa.keyName(), sa);
      if (keyOwner != null) {
        s.error(
            "key",
            "key \""
                + sa.keyName()
                + "\" is already used by sa \""
                + keyOwner.name()
                + "\"; every SA needs its own key (reusing one repeats AES-GCM and"
                + " ChaCha20-Poly1305 nonces)");
        continue;
      }
      for (Map.Entry<String, ManualSa> e : keyUser.entrySet()) {
        ManualSa o = e.getValue();
        if (o != sa && o.key().contentEquals(sa.key())) {
          s.error(
              "key",
              "key \""
                  + sa.keyName()
                  + "\" has the same bytes as key \""
                  + o.keyName()
                  + "\" (used by sa \""
                  + o.name()
                  + "\"); every SA needs its own key");
          break;
        }
      }
    }
  }

  // ---------------------------------------------------------------- [tun]

  /** The limiting (suite, mode, outer version) combination and the TUN packet size it allows. */
  private record Fit(EspSuite suite, IpsecMode mode, int outerVersion, int maxInner) {
    String describe() {
      return suite
          + " "
          + mode.name().toLowerCase(Locale.ROOT)
          + " mode over "
          + Addresses.versionName(outerVersion);
    }
  }

  private TunConfig parseTun(TomlSection s, List<PolicyEntry> entries, ListenConfig listen) {
    TomlSection t = s != null ? s : new TomlSection(source, EMPTY, "[tun]", "", 0);
    t.checkKeys(TUN_KEYS);
    boolean ok = true;

    String name = TunConfig.DEFAULT_NAME;
    if (t.has("name")) {
      String n = t.string("name");
      if (n == null) {
        ok = false;
      } else if (!IFNAME.matcher(n).matches() || n.equals(".") || n.equals("..")) {
        t.error(
            "name",
            "\"" + n + "\" is not a valid interface name (1..15 letters, digits, '_', '.', '-')");
        ok = false;
      } else {
        name = n;
      }
    }

    List<TunAddress> addresses = new ArrayList<>();
    List<TomlSection.Item> items = t.stringList("addresses");
    ok &= items != null || !t.has("addresses");
    if (items != null) {
      for (TomlSection.Item it : items) {
        try {
          TunAddress a = Addresses.interfaceAddress(it.value());
          if (addresses.stream().anyMatch(b -> b.address().equals(a.address()))) {
            t.errorAt(
                it.line(),
                "[tun] addresses: " + Addresses.format(a.address()) + " is listed twice");
            ok = false;
          } else {
            addresses.add(a);
          }
        } catch (IllegalArgumentException e) {
          t.errorAt(it.line(), "[tun] addresses: " + e.getMessage());
          ok = false;
        }
      }
    }

    List<IpPrefix> routes = new ArrayList<>();
    Map<IpPrefix, Integer> routeLines = new LinkedHashMap<>();
    items = t.stringList("routes");
    ok &= items != null || !t.has("routes");
    if (items != null) {
      for (TomlSection.Item it : items) {
        try {
          IpPrefix p = Addresses.network(it.value());
          if (routeLines.putIfAbsent(p, it.line()) != null) {
            t.errorAt(it.line(), "[tun] routes: " + Addresses.format(p) + " is listed twice");
            ok = false;
          } else {
            routes.add(p);
          }
        } catch (IllegalArgumentException e) {
          t.errorAt(it.line(), "[tun] routes: " + e.getMessage());
          ok = false;
        }
      }
    }
    checkPeersOutsideRoutes(entries, routeLines);

    boolean mssClamp = false;
    if (t.has("mss_clamp")) {
      Boolean b = t.bool("mss_clamp");
      ok &= b != null;
      mssClamp = b != null && b;
    }

    int underlay = TunConfig.DEFAULT_UNDERLAY_MTU;
    if (t.has("underlay_mtu")) {
      Long u = t.integer("underlay_mtu");
      if (u == null) {
        return null;
      }
      if (u < MIN_UNDERLAY_MTU || u > MAX_MTU) {
        t.error("underlay_mtu", u + " is out of range " + MIN_UNDERLAY_MTU + ".." + MAX_MTU);
        return null;
      }
      underlay = u.intValue();
    }
    boolean ipv6Peers =
        entries.stream()
            .anyMatch(e -> e.template() != null && Addresses.version(e.template().peer()) == 6);
    if (ipv6Peers && underlay < IPV6_MIN_MTU) {
      t.error(
          "underlay_mtu",
          underlay
              + " is below the IPv6 minimum MTU "
              + IPV6_MIN_MTU
              + " (RFC 8200 section 5)"
              + " but some peers are IPv6");
      return null;
    }

    Fit fit = tightestFit(underlay, entries, listen);
    boolean ipv6Inside =
        addresses.stream().anyMatch(a -> a.version() == 6)
            || routes.stream().anyMatch(r -> r.version() == 6);
    int min = ipv6Inside ? IPV6_MIN_MTU : IPV4_MIN_MTU;
    String minWhy =
        ipv6Inside
            ? "the IPv6 minimum MTU " + IPV6_MIN_MTU + " (RFC 8200 section 5)"
            : "the IPv4 minimum MTU " + IPV4_MIN_MTU + " (RFC 791)";
    int mtu;
    boolean configured = t.has("mtu");
    if (configured) {
      Long m = t.integer("mtu");
      if (m == null) {
        return null;
      }
      if (m < min) {
        t.error("mtu", m + " is below " + minWhy);
        return null;
      }
      if (m > fit.maxInner()) {
        t.error(
            "mtu",
            m
                + " does not fit: with underlay_mtu "
                + underlay
                + " and "
                + fit.describe()
                + " a TUN packet can be at most "
                + fit.maxInner()
                + " bytes; lower mtu or raise underlay_mtu");
        return null;
      }
      mtu = m.intValue();
    } else {
      mtu = fit.maxInner();
      if (mtu < min) {
        String where = t.has("underlay_mtu") ? "underlay_mtu" : null;
        String reason =
            "underlay_mtu "
                + underlay
                + " leaves room for TUN packets of "
                + mtu
                + " bytes with "
                + fit.describe()
                + ", below "
                + minWhy
                + "; raise underlay_mtu";
        if (where != null) {
          t.error(where, reason);
        } else {
          t.tableError("[tun] " + reason);
        }
        return null;
      }
    }
    if (!ok) {
      return null;
    }
    return new TunConfig(name, mtu, configured, underlay, addresses, routes, mssClamp);
  }

  /**
   * The smallest {@link EspOverhead#maxInnerPacket} over every suite, mode and peer IP version the
   * PROTECT policies allow. Without PROTECT policies, every known suite in tunnel mode over the IP
   * versions of the listen addresses (so IKE peers added later still fit).
   */
  private static Fit tightestFit(int underlay, List<PolicyEntry> entries, ListenConfig listen) {
    Set<Fit> combos = new LinkedHashSet<>();
    for (PolicyEntry e : entries) {
      IpsecTemplate t = e.template();
      if (t == null) {
        continue;
      }
      int v = Addresses.version(t.peer());
      for (EspSuite s : t.suites()) {
        combos.add(new Fit(s, t.mode(), v, EspOverhead.maxInnerPacket(underlay, s, t.mode(), v)));
      }
    }
    if (combos.isEmpty()) {
      Set<Integer> versions = new LinkedHashSet<>();
      if (listen != null) {
        listen.addresses().forEach(a -> versions.add(Addresses.version(a)));
      }
      if (versions.isEmpty()) {
        versions.add(4);
      }
      for (int v : versions) {
        for (EspSuite s : knownSuites()) {
          combos.add(
              new Fit(
                  s,
                  IpsecMode.TUNNEL,
                  v,
                  EspOverhead.maxInnerPacket(underlay, s, IpsecMode.TUNNEL, v)));
        }
      }
    }
    Fit best = null;
    for (Fit f : combos) {
      if (best == null || f.maxInner() < best.maxInner()) {
        best = f;
      }
    }
    return best;
  }

  private void checkPeersOutsideRoutes(List<PolicyEntry> entries, Map<IpPrefix, Integer> routes) {
    for (PolicyEntry e : entries) {
      if (e.template() == null) {
        continue;
      }
      IpPrefix peer = IpPrefix.host(e.template().peer());
      for (IpPrefix r : routes.keySet()) {
        if (r.contains(peer)) {
          e.section()
              .error(
                  "peer",
                  Addresses.format(e.template().peer())
                      + " lies inside [tun] route "
                      + Addresses.format(r)
                      + " (line "
                      + routes.get(r)
                      + "): ESP packets to the peer would be routed back into the tunnel");
          break;
        }
      }
    }
  }
}
