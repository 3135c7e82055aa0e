package org.meshsec.core.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.meshsec.core.spd.Action;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.IpsecTemplate;
import org.meshsec.esp.EspSaParams;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;
import org.meshsec.esp.SecretBytes;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/** The {@code [[sa]]} tables and the checks across them. One per load; not thread-safe. */
final class SaParser {
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

  private final TomlTable root;

  /** Keys from the secrets file; null when there is none or it could not be used (reported). */
  private final Map<String, SecretsLoader.Key> secrets;

  SaParser(TomlTable root, Map<String, SecretsLoader.Key> secrets) {
    this.root = root;
    this.secrets = secrets;
  }

  /** Parses one entry; null when invalid (reported). */
  ManualSa parse(TomlSection s, List<PolicyEntry> entries, NodeSettings node) {
    s.checkKeys(SA_KEYS);
    boolean ok = true;
    String name = Fields.name(s);
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
      } else if (pol.ike() != null) {
        s.error(
            "policy",
            "policy \""
                + polName
                + "\" negotiates its SAs with IKE (ike = \""
                + pol.ike()
                + "\"); a policy has either manual SAs or an IKE peer: remove this [[sa]] or"
                + " the policy's ike key");
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
      IpsecMode m = Fields.mode(s, "mode");
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
        suite = Fields.suite(s, "esp", new TomlSection.Item(e, s.lineOf("esp")));
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

    SaLifetime soft = lifetime(s, "soft_lifetime");
    SaLifetime hard = lifetime(s, "hard_lifetime");
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
    InetAddress a = Fields.address(s, key, new TomlSection.Item(text, s.lineOf(key)), true);
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

  private static SaLifetime lifetime(TomlSection s, String key) {
    if (!s.has(key)) {
      return SaLifetime.NONE;
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
    return ok ? new SaLifetime(v[0], v[1], v[2]) : null;
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

  /** SPI uniqueness, one outbound SA per policy, one SA per key. */
  void checkSas(List<ManualSa> sas, Map<String, TomlSection> sections) {
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
}
