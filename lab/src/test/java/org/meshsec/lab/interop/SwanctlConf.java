package org.meshsec.lab.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A small builder for strongSwan's swanctl.conf (see swanctl.conf(5)): IKEv2 connections with their
 * children, and IKE pre-shared keys. Only the options interop tests need have setters; any other
 * swanctl.conf key can be set with the {@code option(...)} escape hatches. Every value is written
 * double-quoted, so identities with spaces or commas survive.
 *
 * <p>Pre-shared keys are written as {@code 0x} hex of the exact bytes, so the peer under test can
 * be given the same bytes. Immutable once built; thread-safe.
 */
public final class SwanctlConf {
  /** IPsec mode of a child SA (swanctl {@code mode}). */
  public enum Mode {
    TUNNEL,
    TRANSPORT
  }

  /** What charon does with a child config once loaded (swanctl {@code start_action}). */
  public enum StartAction {
    NONE,
    START,
    TRAP
  }

  /** How one side authenticates (swanctl {@code local.auth} / {@code remote.auth}). */
  public enum Auth {
    PSK,
    PUBKEY
  }

  private final List<Connection> connections;
  private final Map<String, Psk> secrets;

  private SwanctlConf(List<Connection> connections, Map<String, Psk> secrets) {
    this.connections = List.copyOf(connections);
    this.secrets = new LinkedHashMap<>(secrets);
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<Connection> connections() {
    return connections;
  }

  /** One IKE pre-shared key and the identities that use it. */
  record Psk(byte[] secret, List<String> ids) {}

  /** Builds a {@link SwanctlConf}. Not thread-safe. */
  public static final class Builder {
    private final List<Connection> connections = new ArrayList<>();
    private final Map<String, Psk> secrets = new LinkedHashMap<>();

    private Builder() {}

    public Builder connection(Connection c) {
      connections.add(c);
      return this;
    }

    /**
     * Adds an IKE pre-shared key used between the given identities (swanctl {@code
     * secrets.ike-<name>}).
     */
    public Builder psk(String name, byte[] secret, String... ids) {
      if (ids.length == 0) {
        throw new IllegalArgumentException("a PSK needs at least one identity");
      }
      secrets.put(name, new Psk(secret.clone(), List.of(ids)));
      return this;
    }

    public SwanctlConf build() {
      return new SwanctlConf(connections, secrets);
    }
  }

  /** One IKE connection: swanctl {@code connections.<name>}. Immutable. */
  public static final class Connection {
    private final String name;
    private final Map<String, String> options;
    private final Map<String, String> local;
    private final Map<String, String> remote;
    private final List<Child> children;

    private Connection(ConnectionBuilder b) {
      this.name = b.name;
      this.options = new LinkedHashMap<>(b.options);
      this.local = new LinkedHashMap<>(b.local);
      this.remote = new LinkedHashMap<>(b.remote);
      this.children = List.copyOf(b.children);
    }

    public static ConnectionBuilder builder(String name) {
      return new ConnectionBuilder(name);
    }

    public String name() {
      return name;
    }

    public List<Child> children() {
      return children;
    }
  }

  /** Builds a {@link Connection}; IKEv2 by default, everything else charon's default. */
  public static final class ConnectionBuilder {
    private final String name;
    private final Map<String, String> options = new LinkedHashMap<>();
    private final Map<String, String> local = new LinkedHashMap<>();
    private final Map<String, String> remote = new LinkedHashMap<>();
    private final List<Child> children = new ArrayList<>();

    private ConnectionBuilder(String name) {
      this.name = checkName(name);
      options.put("version", "2");
    }

    public ConnectionBuilder version(int version) {
      return option("version", Integer.toString(version));
    }

    /** swanctl {@code local_addrs}: addresses, ranges or DNS names, comma separated. */
    public ConnectionBuilder localAddrs(String... addrs) {
      return option("local_addrs", String.join(",", addrs));
    }

    public ConnectionBuilder remoteAddrs(String... addrs) {
      return option("remote_addrs", String.join(",", addrs));
    }

    /** swanctl {@code local_port}; 500 unless set (charon floats to 4500 on NAT). */
    public ConnectionBuilder localPort(int port) {
      return option("local_port", Integer.toString(port));
    }

    public ConnectionBuilder remotePort(int port) {
      return option("remote_port", Integer.toString(port));
    }

    /** IKE proposals, e.g. {@code aes128gcm16-prfsha256-x25519}; several comma separated. */
    public ConnectionBuilder proposals(String proposals) {
      return option("proposals", proposals);
    }

    /** swanctl {@code dpd_delay}: interval of liveness checks when no traffic was seen. */
    public ConnectionBuilder dpdDelay(Duration d) {
      return option("dpd_delay", seconds(d));
    }

    /** IKE SA rekey interval (swanctl {@code rekey_time}); zero disables IKE rekeying. */
    public ConnectionBuilder rekeyTime(Duration d) {
      return option("rekey_time", seconds(d));
    }

    public ConnectionBuilder mobike(boolean on) {
      return option("mobike", on ? "yes" : "no");
    }

    /** Local authentication round: method and identity. */
    public ConnectionBuilder local(Auth auth, String id) {
      local.put("auth", authName(auth));
      local.put("id", id);
      return this;
    }

    /** Local certificate file names (in the swanctl x509 directory), for {@link Auth#PUBKEY}. */
    public ConnectionBuilder localCerts(String... files) {
      local.put("certs", String.join(",", files));
      return this;
    }

    public ConnectionBuilder remote(Auth auth, String id) {
      remote.put("auth", authName(auth));
      remote.put("id", id);
      return this;
    }

    /** Any other key of the connection section, e.g. {@code option("fragmentation", "no")}. */
    public ConnectionBuilder option(String key, String value) {
      options.put(checkName(key), Objects.requireNonNull(value));
      return this;
    }

    public ConnectionBuilder child(Child c) {
      children.add(c);
      return this;
    }

    public Connection build() {
      if (local.isEmpty() || remote.isEmpty()) {
        throw new IllegalStateException("connection " + name + " needs local and remote auth");
      }
      return new Connection(this);
    }
  }

  /** One child SA config: swanctl {@code connections.<conn>.children.<name>}. Immutable. */
  public static final class Child {
    private final String name;
    private final Map<String, String> options;

    private Child(ChildBuilder b) {
      this.name = b.name;
      this.options = new LinkedHashMap<>(b.options);
    }

    public static ChildBuilder builder(String name) {
      return new ChildBuilder(name);
    }

    public String name() {
      return name;
    }
  }

  /** Builds a {@link Child}; tunnel mode by default. */
  public static final class ChildBuilder {
    private final String name;
    private final Map<String, String> options = new LinkedHashMap<>();

    private ChildBuilder(String name) {
      this.name = checkName(name);
      mode(Mode.TUNNEL);
    }

    public ChildBuilder mode(Mode mode) {
      return option("mode", mode.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** swanctl {@code local_ts}: traffic selectors as CIDR, comma separated. */
    public ChildBuilder localTs(String... ts) {
      return option("local_ts", String.join(",", ts));
    }

    public ChildBuilder remoteTs(String... ts) {
      return option("remote_ts", String.join(",", ts));
    }

    /** ESP proposals, e.g. {@code aes128gcm16} or {@code aes256-sha256}. */
    public ChildBuilder espProposals(String proposals) {
      return option("esp_proposals", proposals);
    }

    public ChildBuilder startAction(StartAction a) {
      return option("start_action", a.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** swanctl {@code dpd_action}: clear, trap or restart. */
    public ChildBuilder dpdAction(String action) {
      return option("dpd_action", action);
    }

    /** Child SA rekey interval (swanctl {@code rekey_time}). */
    public ChildBuilder rekeyTime(Duration d) {
      return option("rekey_time", seconds(d));
    }

    /** Hard child SA lifetime (swanctl {@code life_time}); default rekey_time * 1.1. */
    public ChildBuilder lifeTime(Duration d) {
      return option("life_time", seconds(d));
    }

    public ChildBuilder option(String key, String value) {
      options.put(checkName(key), Objects.requireNonNull(value));
      return this;
    }

    public Child build() {
      return new Child(this);
    }
  }

  /** The swanctl.conf text. */
  public String render() {
    StringBuilder sb = new StringBuilder("# written by the meshsec interop harness\n");
    sb.append("connections {\n");
    for (Connection c : connections) {
      sb.append("  ").append(c.name).append(" {\n");
      keys(sb, "    ", c.options);
      section(sb, "    ", "local", c.local);
      section(sb, "    ", "remote", c.remote);
      sb.append("    children {\n");
      for (Child ch : c.children) {
        section(sb, "      ", ch.name, ch.options);
      }
      sb.append("    }\n  }\n");
    }
    sb.append("}\nsecrets {\n");
    for (Map.Entry<String, Psk> e : secrets.entrySet()) {
      Map<String, String> kv = new LinkedHashMap<>();
      List<String> ids = e.getValue().ids();
      for (int i = 0; i < ids.size(); i++) {
        kv.put("id-" + i, ids.get(i));
      }
      kv.put("secret", "0x" + HexFormat.of().formatHex(e.getValue().secret()));
      section(sb, "  ", "ike-" + e.getKey(), kv);
    }
    sb.append("}\n");
    return sb.toString();
  }

  private static void section(
      StringBuilder sb, String indent, String name, Map<String, String> kv) {
    sb.append(indent).append(name).append(" {\n");
    keys(sb, indent + "  ", kv);
    sb.append(indent).append("}\n");
  }

  private static void keys(StringBuilder sb, String indent, Map<String, String> kv) {
    for (Map.Entry<String, String> e : kv.entrySet()) {
      sb.append(indent).append(e.getKey()).append(" = ").append(quote(e.getValue())).append('\n');
    }
  }

  /** A strongswan settings string literal: double quotes, backslash escapes. */
  static String quote(String v) {
    if (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("newline in a swanctl.conf value");
    }
    return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static String checkName(String name) {
    if (!name.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("not a swanctl.conf name: " + name);
    }
    return name;
  }

  private static String authName(Auth a) {
    return a == Auth.PSK ? "psk" : "pubkey";
  }

  private static String seconds(Duration d) {
    return d.toSeconds() + "s";
  }
}
