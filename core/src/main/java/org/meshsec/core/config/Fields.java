package org.meshsec.core.config;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;

/** Parsing of the field types shared by several tables. Stateless. */
final class Fields {
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private Fields() {}

  /**
   * The required {@code name} key: letters, digits, '.', '_', '-'; null when invalid (reported).
   */
  static String name(TomlSection s) {
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
  static InetAddress address(TomlSection s, String key, TomlSection.Item it, boolean endpoint) {
    try {
      return endpoint ? Addresses.endpoint(it.value()) : Addresses.address(it.value());
    } catch (IllegalArgumentException e) {
      s.errorAt(it.line(), s.where() + " " + key + ": " + e.getMessage());
      return null;
    }
  }

  static IpsecMode mode(TomlSection s, String key) {
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

  static EspSuite suite(TomlSection s, String key, TomlSection.Item it) {
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

  static List<String> knownSuiteNames() {
    return EspSuite.supported().stream().map(EspSuite::configName).toList();
  }

  /** Reports the second and later entries that reuse a name ({@code kind}: "policy" or "sa"). */
  static void checkUniqueNames(List<TomlSection> sections, String kind) {
    Map<String, Integer> seen = new HashMap<>();
    for (TomlSection s : sections) {
      if (s.raw("name") instanceof String n && NAME.matcher(n).matches()) {
        Integer first = seen.putIfAbsent(n, s.lineOf("name"));
        if (first != null) {
          s.error(
              "name",
              "duplicate " + kind + " name \"" + n + "\" (first defined at line " + first + ")");
        }
      }
    }
  }

  /** What {@link #local} resolved: the local address (null when none) and whether it was valid. */
  record Local(InetAddress address, boolean ok) {}

  /**
   * The {@code local} key of a section that talks to {@code remote} (its {@code remoteKey} value
   * {@code remoteText}): the address given, which must be of the remote's IP version, or else
   * {@code [node]}'s address of that version. Reports every problem on {@code s}.
   */
  static Local local(
      TomlSection s, NodeSettings node, InetAddress remote, String remoteKey, String remoteText) {
    String localText = s.string("local");
    if (localText != null) {
      InetAddress local =
          address(s, "local", new TomlSection.Item(localText, s.lineOf("local")), true);
      if (local == null) {
        return new Local(null, false);
      }
      if (remote != null && Addresses.version(local) != Addresses.version(remote)) {
        s.error(
            "local",
            localText
                + " is "
                + Addresses.versionName(Addresses.version(local))
                + " but "
                + remoteKey
                + " "
                + remoteText
                + " is "
                + Addresses.versionName(Addresses.version(remote)));
        return new Local(local, false);
      }
      return new Local(local, true);
    }
    if (s.has("local")) {
      return new Local(null, false);
    }
    if (remote == null) {
      return new Local(null, true);
    }
    int v = Addresses.version(remote);
    java.util.Optional<InetAddress> def =
        node == null ? java.util.Optional.empty() : node.address(v);
    if (def.isPresent()) {
      return new Local(def.get(), true);
    }
    s.tableError(
        s.where()
            + ": local is required: [node] has no "
            + Addresses.versionName(v)
            + " address to use for peer "
            + remoteText);
    return new Local(null, false);
  }
}
