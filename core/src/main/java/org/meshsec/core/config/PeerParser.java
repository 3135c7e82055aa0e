package org.meshsec.core.config;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.config.DpdAction;
import org.meshsec.ike.config.DpdConfig;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.config.RekeySchedule;
import org.meshsec.ike.config.StartAction;
import org.meshsec.ike.pki.IdentityMatch;
import org.meshsec.ike.pki.IdentityMatcher;
import org.meshsec.ike.pki.Keys;
import org.meshsec.ike.pki.PeerIdentity;
import org.meshsec.ike.pki.Pem;
import org.meshsec.ike.pki.PkiException;
import org.tomlj.TomlTable;

/**
 * The {@code [[peer]]} tables: IKEv2 peers (RFC 7296). Stateless apart from the secrets it is
 * given; one per load, not thread-safe.
 */
final class PeerParser {
  static final List<String> PEER_KEYS =
      List.of(
          "name",
          "address",
          "local",
          "port",
          "local_id",
          "remote_id",
          "auth",
          "psk",
          "cert",
          "key",
          "cert_root",
          "cert_trust",
          "ike",
          "ike_lifetime",
          "ike_rekey_margin",
          "dpd_delay",
          "dpd_timeout",
          "dpd_action",
          "start_action",
          "esp",
          "esp_lifetime",
          "esp_rekey_margin");
  static final List<String> PUBKEY_KEYS = List.of("cert", "key", "cert_root", "cert_trust");
  static final List<String> ID_KEYS = List.of("type", "value");

  static final String DEFAULT_IKE = "aes128gcm16-prfsha256-x25519";
  static final String DEFAULT_ESP = "aes128gcm16";
  static final Duration DEFAULT_IKE_LIFETIME = Duration.ofHours(3);
  static final Duration DEFAULT_ESP_LIFETIME = Duration.ofHours(1);
  static final Duration DEFAULT_MARGIN = Duration.ofMinutes(9);

  /** Certificate and key files are small; refuse anything bigger unread. */
  static final long MAX_PEM_SIZE = 1 << 20;

  /** A pre-shared key shorter than this is refused (RFC 7296 section 2.15: PSK entropy). */
  static final int MIN_PSK_BYTES = 16;

  private static final Pattern DURATION = Pattern.compile("(?:(\\d{1,9})([smhd]))+");
  private static final Pattern DURATION_PART = Pattern.compile("(\\d{1,9})([smhd])");

  private final Path configDir;
  private final Map<String, SecretsLoader.Key> secrets;

  /**
   * @param configDir relative file names are resolved against it
   * @param secrets the keys of the secrets file; null when there is none or it failed (reported)
   */
  PeerParser(Path configDir, Map<String, SecretsLoader.Key> secrets) {
    this.configDir = configDir;
    this.secrets = secrets;
  }

  /** Parses one peer (without its policies); null when invalid (reported). */
  IkePeer parse(TomlSection s, NodeSettings node) {
    s.checkKeys(PEER_KEYS);
    boolean ok = true;
    String name = Fields.name(s);

    InetAddress address = null;
    String addressText = s.requireString("address");
    if (addressText != null) {
      address =
          Fields.address(
              s, "address", new TomlSection.Item(addressText, s.lineOf("address")), true);
    }
    ok &= address != null;
    Fields.Local resolved = Fields.local(s, node, address, "address", addressText);
    ok &= resolved.ok();
    InetAddress local = resolved.address();

    int port = ListenConfig.DEFAULT_IKE_PORT;
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

    PeerIdentity localId = identity(s, "local_id", local);
    PeerIdentity remoteId = identity(s, "remote_id", address);
    ok &= localId != null && remoteId != null;

    IkePeer.Auth auth = auth(s, node, localId);
    ok &= auth != null;

    List<IkeProposal> ike = new ArrayList<>();
    ok &=
        proposals(
            s,
            "ike",
            DEFAULT_IKE,
            text -> ike.add(IkeProposal.parse(text)),
            "such as \"aes128gcm16-prfsha256-x25519\" or \"aes256-sha256-modp3072\"");
    List<EspProposal> esp = new ArrayList<>();
    ok &=
        proposals(
            s,
            "esp",
            DEFAULT_ESP,
            text -> esp.add(espProposal(text)),
            "such as \"aes128gcm16\", \"aes256gcm16-x25519\" (PFS) or \"aes256-sha256-modp3072\"");

    RekeySchedule ikeLifetime =
        lifetime(s, "ike_lifetime", "ike_rekey_margin", DEFAULT_IKE_LIFETIME);
    RekeySchedule espLifetime =
        lifetime(s, "esp_lifetime", "esp_rekey_margin", DEFAULT_ESP_LIFETIME);
    ok &= ikeLifetime != null && espLifetime != null;

    Duration dpdDelay = duration(s, "dpd_delay", Duration.ZERO, true);
    Duration dpdTimeout = duration(s, "dpd_timeout", Duration.ZERO, true);
    DpdAction dpdAction =
        choice(
            s,
            "dpd_action",
            DpdAction.CLEAR,
            Map.of("clear", DpdAction.CLEAR, "restart", DpdAction.RESTART, "trap", DpdAction.TRAP),
            "clear, restart, trap");
    StartAction start =
        choice(
            s,
            "start_action",
            StartAction.TRAP,
            Map.of("none", StartAction.NONE, "start", StartAction.START, "trap", StartAction.TRAP),
            "none, start, trap");
    ok &= dpdDelay != null && dpdTimeout != null && dpdAction != null && start != null;

    if (!ok || name == null) {
      return null;
    }
    return new IkePeer(
        name,
        address,
        local,
        port,
        localId,
        remoteId,
        auth,
        ike,
        ikeLifetime,
        new DpdConfig(dpdDelay, dpdTimeout, dpdAction),
        start,
        esp,
        espLifetime,
        List.of());
  }

  // ---------------------------------------------------------------- identities

  /** {@code { type = "fqdn", value = "..." }}; the address when absent; null when invalid. */
  private static PeerIdentity identity(TomlSection s, String key, InetAddress def) {
    if (!s.has(key)) {
      return def == null ? null : new PeerIdentity.IpAddress(def);
    }
    TomlSection t = s.table(key);
    if (t == null) {
      return null;
    }
    t.checkKeys(ID_KEYS);
    String type = t.requireString("type");
    String value = t.requireString("value");
    if (type == null || value == null) {
      return null;
    }
    try {
      return switch (type) {
        case "ipv4" -> {
          InetAddress a = Addresses.address(value);
          if (!(a instanceof Inet4Address)) {
            throw new IllegalArgumentException("\"" + value + "\" is not an IPv4 address");
          }
          yield new PeerIdentity.IpAddress(a);
        }
        case "ipv6" -> {
          InetAddress a = Addresses.address(value);
          if (!(a instanceof Inet6Address)) {
            throw new IllegalArgumentException("\"" + value + "\" is not an IPv6 address");
          }
          yield new PeerIdentity.IpAddress(a);
        }
        case "fqdn" -> {
          if (!value.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?")) {
            throw new IllegalArgumentException("\"" + value + "\" is not a host name");
          }
          yield new PeerIdentity.Fqdn(value);
        }
        case "email" -> {
          if (!value.matches("[^@\\s]+@[A-Za-z0-9.-]+")) {
            throw new IllegalArgumentException("\"" + value + "\" is not an e-mail address");
          }
          yield new PeerIdentity.Email(value);
        }
        case "dn" -> {
          try {
            yield new PeerIdentity.Dn(new X500Principal(value));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "\"" + value + "\" is not a distinguished name (write \"CN=alpha, O=Example\")");
          }
        }
        case "keyid" -> {
          String hex = value.startsWith("0x") ? value.substring(2) : value;
          if (hex.isEmpty() || !hex.matches("([0-9A-Fa-f]{2})+")) {
            throw new IllegalArgumentException("\"" + value + "\" is not a hex string");
          }
          yield new PeerIdentity.KeyId(HexFormat.of().parseHex(hex));
        }
        default -> {
          t.error("type", "\"" + type + "\" is not one of ipv4, ipv6, fqdn, email, dn, keyid");
          yield null;
        }
      };
    } catch (IllegalArgumentException e) {
      t.error("value", e.getMessage());
      return null;
    }
  }

  // ---------------------------------------------------------------- authentication

  private IkePeer.Auth auth(TomlSection s, NodeSettings node, PeerIdentity localId) {
    String a = s.requireString("auth");
    if (a == null) {
      return null;
    }
    switch (a) {
      case "psk" -> {
        boolean ok = true;
        for (String k : PUBKEY_KEYS) {
          if (s.has(k)) {
            s.error(k, "only valid with auth = \"pubkey\"");
            ok = false;
          }
        }
        String keyName = s.requireString("psk");
        if (keyName == null) {
          return null;
        }
        SecretBytes key = psk(s, keyName, node);
        return ok && key != null ? new IkePeer.Auth.Psk(keyName, key) : null;
      }
      case "pubkey" -> {
        if (s.has("psk")) {
          s.error("psk", "only valid with auth = \"psk\"");
          return null;
        }
        return pubkey(s, localId);
      }
      default -> {
        s.error("auth", "\"" + a + "\" is not one of psk, pubkey");
        return null;
      }
    }
  }

  private SecretBytes psk(TomlSection s, String keyName, NodeSettings node) {
    if (node == null) {
      return null;
    }
    if (node.secretsFile().isEmpty()) {
      s.error("psk", "no secrets file: set [node] secrets = \"/path/to/secrets.toml\"");
      return null;
    }
    if (secrets == null) {
      return null; // the secrets file could not be used; reported already
    }
    SecretsLoader.Key k = secrets.get(keyName);
    if (k == null) {
      s.error(
          "psk",
          "no key named \""
              + keyName
              + "\" in [keys] of "
              + node.secretsFile().get()
              + TomlSection.suggestion(keyName, secrets.keySet()));
      return null;
    }
    if (k.bytes().length() < MIN_PSK_BYTES) {
      s.error(
          "psk",
          "key \""
              + keyName
              + "\" is "
              + k.bytes().length()
              + " bytes; a pre-shared key needs at least "
              + MIN_PSK_BYTES
              + " (a short one can be guessed offline from one captured IKE_AUTH)");
      return null;
    }
    return k.bytes();
  }

  private IkePeer.Auth pubkey(TomlSection s, PeerIdentity localId) {
    boolean ok = true;
    Path certFile = path(s, "cert", true);
    Path keyFile = path(s, "key", true);
    List<X509Certificate> certs = certFile == null ? null : certificates(s, "cert", certFile);
    PrivateKey key = keyFile == null ? null : privateKey(s, keyFile);
    List<X509Certificate> roots = new ArrayList<>();
    List<X509Certificate> pinned = new ArrayList<>();
    ok &= certList(s, "cert_root", roots);
    ok &= certList(s, "cert_trust", pinned);
    if (!s.has("cert_root") && !s.has("cert_trust")) {
      s.tableError(
          s.where()
              + ": auth = \"pubkey\" needs cert_root (CA certificates) and/or cert_trust (pinned"
              + " peer certificates) to authenticate the peer");
      ok = false;
    }
    if (certs == null || key == null || !ok) {
      return null;
    }
    X509Certificate ours = certs.get(0);
    if (!sameKey(key, ours.getPublicKey())) {
      s.error(
          "key",
          keyFile
              + " is not the private key of the certificate in "
              + certFile
              + " ("
              + ours.getSubjectX500Principal().getName()
              + ")");
      return null;
    }
    if (localId != null && IdentityMatcher.match(ours, localId) == IdentityMatch.NO_MATCH) {
      s.error(
          s.has("local_id") ? "local_id" : "cert",
          "our identity "
              + describe(localId)
              + " is not in the certificate "
              + certFile
              + " (the peer would refuse it, RFC 4945 section 3.1); set local_id to one of its"
              + " subjectAltNames or its subject DN");
      return null;
    }
    return new IkePeer.Auth.PubKey(certFile, keyFile, certs, key, roots, pinned);
  }

  static String describe(PeerIdentity id) {
    if (id instanceof PeerIdentity.IpAddress ip) {
      return ip.address().getHostAddress();
    }
    if (id instanceof PeerIdentity.Fqdn f) {
      return f.name();
    }
    if (id instanceof PeerIdentity.Email e) {
      return e.address();
    }
    if (id instanceof PeerIdentity.Dn dn) {
      return "\"" + dn.name().getName() + "\"";
    }
    return id.toString();
  }

  private static boolean sameKey(PrivateKey priv, PublicKey pub) {
    try {
      PublicKey derived = Keys.publicKeyOf(priv);
      if (derived instanceof RSAPublicKey a && pub instanceof RSAPublicKey b) {
        return a.getModulus().equals(b.getModulus())
            && a.getPublicExponent().equals(b.getPublicExponent());
      }
      if (derived instanceof ECPublicKey a && pub instanceof ECPublicKey b) {
        return a.getW().equals(b.getW())
            && a.getParams().getOrder().equals(b.getParams().getOrder());
      }
      return false;
    } catch (PkiException e) {
      return false;
    }
  }

  private Path path(TomlSection s, String key, boolean required) {
    String v = required ? s.requireString(key) : s.string(key);
    if (v == null) {
      return null;
    }
    return resolve(s, key, new TomlSection.Item(v, s.lineOf(key)));
  }

  private Path resolve(TomlSection s, String key, TomlSection.Item it) {
    if (it.value().isBlank()) {
      s.errorAt(it.line(), s.where() + " " + key + ": must not be empty");
      return null;
    }
    try {
      return configDir.resolve(it.value()).normalize();
    } catch (InvalidPathException e) {
      s.errorAt(
          it.line(),
          s.where() + " " + key + ": \"" + it.value() + "\" is not a valid path: " + e.getReason());
      return null;
    }
  }

  private static String readPem(TomlSection s, String key, int line, Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        s.errorAt(
            line,
            s.where()
                + " "
                + key
                + ": "
                + file
                + (Files.exists(file) ? " is not a regular file" : " does not exist"));
        return null;
      }
      return FileText.read(file, MAX_PEM_SIZE);
    } catch (IOException e) {
      s.errorAt(
          line, s.where() + " " + key + ": cannot read " + file + ": " + FileText.describe(e));
      return null;
    }
  }

  private static List<X509Certificate> certificates(TomlSection s, String key, Path file) {
    return certificates(s, key, s.lineOf(key), file);
  }

  private static List<X509Certificate> certificates(
      TomlSection s, String key, int line, Path file) {
    String pem = readPem(s, key, line, file);
    if (pem == null) {
      return null;
    }
    try {
      List<X509Certificate> certs = Pem.readCertificates(pem);
      if (certs.isEmpty()) {
        throw new PkiException("no certificate found");
      }
      return certs;
    } catch (PkiException e) {
      s.errorAt(line, s.where() + " " + key + ": " + file + ": " + e.getMessage());
      return null;
    }
  }

  private boolean certList(TomlSection s, String key, List<X509Certificate> out) {
    List<TomlSection.Item> items = s.stringList(key);
    if (items == null) {
      return true;
    }
    boolean ok = true;
    if (items.isEmpty()) {
      s.error(key, "must list at least one file");
      return false;
    }
    for (TomlSection.Item it : items) {
      Path p = resolve(s, key, it);
      List<X509Certificate> certs = p == null ? null : certificates(s, key, it.line(), p);
      if (certs == null) {
        ok = false;
      } else {
        out.addAll(certs);
      }
    }
    return ok;
  }

  private static PrivateKey privateKey(TomlSection s, Path file) {
    int line = s.lineOf("key");
    try {
      if (Files.isRegularFile(file)) {
        Optional<String> problem = PrivateFiles.problem(file, s.where() + " key " + file);
        if (problem.isPresent()) {
          s.errorAt(line, problem.get());
          return null;
        }
      }
    } catch (IOException | UnsupportedOperationException e) {
      s.errorAt(line, s.where() + " key: cannot check the permissions of " + file);
      return null;
    }
    String pem = readPem(s, "key", line, file);
    if (pem == null) {
      return null;
    }
    try {
      return Pem.readPrivateKey(pem);
    } catch (PkiException e) {
      // the message names object kinds only, never key bytes
      s.errorAt(line, s.where() + " key: " + file + ": " + e.getMessage());
      return null;
    }
  }

  // ---------------------------------------------------------------- proposals and times

  /** A parse step that throws IllegalArgumentException with its reason. */
  @FunctionalInterface
  private interface ProposalSink {
    void add(String text);
  }

  private static boolean proposals(
      TomlSection s, String key, String def, ProposalSink sink, String example) {
    List<TomlSection.Item> items = s.stringList(key);
    if (items == null) {
      if (s.has(key)) {
        return false;
      }
      sink.add(def);
      return true;
    }
    if (items.isEmpty()) {
      s.error(key, "must list at least one proposal");
      return false;
    }
    boolean ok = true;
    List<String> seen = new ArrayList<>();
    for (TomlSection.Item it : items) {
      String text = it.value().trim();
      if (seen.contains(text)) {
        s.errorAt(it.line(), s.where() + " " + key + ": proposal \"" + text + "\" is listed twice");
        ok = false;
        continue;
      }
      seen.add(text);
      try {
        sink.add(text);
      } catch (IllegalArgumentException e) {
        s.errorAt(
            it.line(),
            s.where()
                + " "
                + key
                + ": \""
                + text
                + "\" is not a valid proposal ("
                + e.getMessage()
                + "); write one "
                + example);
        ok = false;
      }
    }
    return ok;
  }

  /** An ESP proposal; its suite must be one the data path implements. */
  static EspProposal espProposal(String text) {
    EspProposal p = EspProposal.parse(text);
    if (!EspSuite.supported().contains(p.suite())) {
      throw new IllegalArgumentException("unsupported ESP suite " + p.suite());
    }
    return p;
  }

  /**
   * A lifetime and its rekey margin, as ipsec.conf's lifetime / margintime with rekeyfuzz 100%: the
   * SA is rekeyed at a random time between {@code lifetime - 2 * margin} and {@code lifetime -
   * margin}, and deleted at {@code lifetime}.
   */
  private static RekeySchedule lifetime(TomlSection s, String key, String marginKey, Duration def) {
    Duration life = duration(s, key, def, false);
    Duration margin = duration(s, marginKey, DEFAULT_MARGIN, false);
    if (life == null || margin == null) {
      return null;
    }
    if (margin.compareTo(life.dividedBy(2)) >= 0) {
      s.error(
          s.has(marginKey) ? marginKey : key,
          marginKey
              + " "
              + format(margin)
              + " must be less than half of "
              + key
              + " "
              + format(life)
              + " (the SA is rekeyed between lifetime - 2 x margin and lifetime - margin)");
      return null;
    }
    return RekeySchedule.of(life.minus(margin), margin, life);
  }

  /**
   * A duration: an integer number of seconds, or a string such as {@code "90s"}, {@code "10m"},
   * {@code "3h"}, {@code "1d"}, {@code "1h30m"}. Null when invalid (reported).
   */
  static Duration duration(TomlSection s, String key, Duration def, boolean zeroAllowed) {
    Object v = s.raw(key);
    if (v == null) {
      return def;
    }
    Duration d = null;
    if (v instanceof Long n) {
      if (n >= 0 && n <= 100L * 365 * 86400) {
        d = Duration.ofSeconds(n);
      }
    } else if (v instanceof String text) {
      d = parseDuration(text.trim());
    } else {
      s.error(
          key,
          "must be a number of seconds or a duration such as \"30s\", \"10m\", \"3h\", not "
              + TomlSection.typeName(v));
      return null;
    }
    if (d == null) {
      s.error(
          key,
          v
              + " is not a duration: write seconds (3600) or a string such as \"30s\", \"10m\","
              + " \"3h\", \"1h30m\"");
      return null;
    }
    if (d.isZero() && !zeroAllowed) {
      s.error(key, "must be more than zero");
      return null;
    }
    return d;
  }

  static Duration parseDuration(String text) {
    if (text.matches("\\d{1,10}")) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    if (!DURATION.matcher(text).matches()) {
      return null;
    }
    Duration d = Duration.ZERO;
    Matcher m = DURATION_PART.matcher(text);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      d =
          d.plus(
              switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
              });
    }
    return d;
  }

  static String format(Duration d) {
    long s = d.toSeconds();
    return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
  }

  private static <T> T choice(
      TomlSection s, String key, T def, Map<String, T> values, String names) {
    String v = s.string(key);
    if (v == null) {
      return s.has(key) ? null : def;
    }
    T t = values.get(v);
    if (t == null) {
      s.error(key, "\"" + v + "\" is not one of " + names);
    }
    return t;
  }

  /** Unique peer names (reported at the later one). */
  static void checkUniqueNames(List<TomlSection> sections) {
    Fields.checkUniqueNames(sections, "peer");
  }

  /** Whether {@code raw} names a peer written in the file (to avoid follow-on errors). */
  static boolean peerNameWritten(TomlTable root, String name) {
    if (!(root.get(List.of("peer")) instanceof org.tomlj.TomlArray arr)) {
      return false;
    }
    for (int i = 0; i < arr.size(); i++) {
      if (arr.get(i) instanceof TomlTable t && name.equals(t.get(List.of("name")))) {
        return true;
      }
    }
    return false;
  }
}
