package org.meshsec.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.spd.IpsecTemplate;
import org.meshsec.esp.EspOverhead;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.tomlj.Toml;
import org.tomlj.TomlTable;

/** The {@code [tun]} table, with the MTU computation. Stateless. */
final class TunParser {
  static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}");
  static final List<String> TUN_KEYS =
      List.of(
          "name", "mtu", "underlay_mtu", "addresses", "routes", "mss_clamp", "offload", "queues");

  /** Smallest underlay MTU accepted: the IPv4 datagram every host must accept (RFC 791). */
  static final int MIN_UNDERLAY_MTU = 576;

  /** IPv6 minimum link MTU (RFC 8200 section 5). */
  static final int IPV6_MIN_MTU = 1280;

  /** IPv4 minimum MTU (RFC 791). */
  static final int IPV4_MIN_MTU = 68;

  static final int MAX_MTU = 65535;

  private static final TomlTable EMPTY = Toml.parse("");

  private TunParser() {}

  /**
   * Why {@code n} cannot be a {@code [tun] name}, or null when it can: an interface name of 1 to 15
   * bytes (Linux IFNAMSIZ is 16 with the terminating NUL) of letters, digits, '_', '.' and '-', or
   * a pattern with one {@code %d} for which the kernel picks the first free index (TUNSETIFF with a
   * name containing {@code %d}, dev_alloc_name in Linux's net/core/dev.c).
   */
  static String nameProblem(String n) {
    int first = n.indexOf("%d");
    if (first >= 0 && n.indexOf("%d", first + 2) >= 0) {
      return "at most one %d";
    }
    String plain = n.replace("%d", "0");
    if (plain.indexOf('%') >= 0) {
      return "'%' only as one %d (the index the kernel picks)";
    }
    if (n.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 15) {
      return "longer than 15 bytes (Linux IFNAMSIZ)";
    }
    if (!IFNAME.matcher(plain).matches() || n.equals(".") || n.equals("..")) {
      return "1..15 letters, digits, '_', '.', '-', and at most one %d";
    }
    return null;
  }

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

  /**
   * Parses {@code [tun]} (absent: all defaults); null when invalid (reported).
   *
   * @param policiesComplete false when some {@code [[policy]]} entry was invalid: the MTU is then
   *     checked only against the valid PROTECT entries, and not at all if there are none (no
   *     follow-on errors from a guessed set of suites)
   */
  static TunConfig parse(
      SourceFile source,
      TomlSection s,
      List<PolicyEntry> entries,
      boolean policiesComplete,
      ListenConfig listen) {
    TomlSection t = s != null ? s : new TomlSection(source, EMPTY, "[tun]", "", 0);
    t.checkKeys(TUN_KEYS);
    boolean ok = true;

    String name = TunConfig.DEFAULT_NAME;
    if (t.has("name")) {
      String n = t.string("name");
      if (n == null) {
        ok = false;
      } else if (nameProblem(n) != null) {
        t.error("name", "\"" + n + "\" is not a valid interface name: " + nameProblem(n));
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

    boolean offload = true;
    if (t.has("offload")) {
      Boolean b = t.bool("offload");
      ok &= b != null;
      offload = b == null || b;
    }

    int queues = TunConfig.defaultQueues();
    if (t.has("queues")) {
      Long q = t.integer("queues");
      if (q == null) {
        return null;
      }
      if (q < 1 || q > TunConfig.MAX_QUEUES) {
        t.error("queues", q + " is out of range 1.." + TunConfig.MAX_QUEUES);
        return null;
      }
      queues = q.intValue();
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
    boolean fitKnown = policiesComplete || entries.stream().anyMatch(e -> e.template() != null);
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
      if (fitKnown && m > fit.maxInner()) {
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
      if (fitKnown && mtu < min) {
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
    return new TunConfig(
        name, mtu, configured, underlay, addresses, routes, mssClamp, offload, queues);
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
        for (EspSuite s : EspSuite.supported()) {
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

  private static void checkPeersOutsideRoutes(
      List<PolicyEntry> entries, Map<IpPrefix, Integer> routes) {
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
