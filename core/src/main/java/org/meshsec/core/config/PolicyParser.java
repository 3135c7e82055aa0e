package org.meshsec.core.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.net.PortRange;
import org.meshsec.core.spd.Action;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.IpsecTemplate;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.Selector;

/**
 * The {@code [[policy]]} tables: the selector and action here, a PROTECT policy's template in
 * {@link TemplateParser}. Stateless.
 */
final class PolicyParser {
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
          "esp",
          "ike");
  static final List<String> PROTECT_ONLY_KEYS = List.of("mode", "peer", "local", "esp", "ike");

  private static final Map<String, Integer> PROTOCOLS =
      Map.of("any", 0, "icmp", 1, "tcp", 6, "udp", 17, "ipv6-icmp", 58, "icmpv6", 58, "sctp", 132);

  private PolicyParser() {}

  /**
   * Parses one entry; null when invalid (reported).
   *
   * @param peers the valid {@code [[peer]]} entries by name
   * @param peerNames every peer name written in the file (valid or not), so that a policy naming an
   *     invalid peer gets no second error
   */
  static PolicyEntry parse(
      TomlSection s, NodeSettings node, Map<String, IkePeer> peers, Set<String> peerNames) {
    s.checkKeys(POLICY_KEYS);
    boolean ok = true;
    String name = Fields.name(s);

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
    String ike = null;
    if (action == Action.PROTECT) {
      ike = s.string("ike");
      ok &= ike != null || !s.has("ike");
      template = TemplateParser.parse(s, node, version, ike, peers, peerNames);
      ok &= template != null;
      if (ike != null) {
        ok &= ikeChecks(s, dirs, icmpType, icmpCode);
      }
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
    return new PolicyEntry(name, s, dirs, priority, sel, action, template, ike);
  }

  /** What a policy negotiated by IKE cannot have. */
  private static boolean ikeChecks(TomlSection s, Set<Direction> dirs, int icmpType, int icmpCode) {
    boolean ok = true;
    if (dirs != null && dirs.size() != 2) {
      s.error(
          "direction",
          "a policy negotiated with ike carries traffic both ways (a Child SA is a pair, RFC 7296"
              + " section 1.3): write direction = \"both\"");
      ok = false;
    }
    for (String k : List.of("icmp_type", "icmp_code")) {
      if (s.has(k) && icmpType >= -1 && icmpCode >= -1) {
        s.error(
            k,
            "cannot be negotiated with ike (IKEv2 traffic selectors carry addresses, protocol and"
                + " ports only)");
        ok = false;
      }
    }
    return ok;
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

  /** Every PROTECT peer needs a listen address of its IP version (and our local among them). */
  static void checkListenCoversPeers(List<PolicyEntry> entries, ListenConfig listen) {
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
  static List<Policy> expand(List<PolicyEntry> entries) {
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
}
