package org.meshsec.core.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.pki.IdentityMatch;
import org.meshsec.ike.pki.IdentityMatcher;
import org.meshsec.ike.pki.Keys;
import org.meshsec.ike.pki.PeerIdentity;

/**
 * The authentication of a {@code [[peer]]} (RFC 7296 section 2.15): {@code auth = "psk"} with a key
 * from the secrets file, or {@code auth = "pubkey"} with our certificate and private key and the
 * roots or pinned certificates that authenticate the peer, checked against each other and against
 * our identity. Holds only what it is given; one per load, not thread-safe.
 */
final class PeerAuthParser {
  static final List<String> PUBKEY_KEYS = List.of("cert", "key", "cert_root", "cert_trust");

  /** A pre-shared key shorter than this is refused (RFC 7296 section 2.15: PSK entropy). */
  static final int MIN_PSK_BYTES = 16;

  private final Path configDir;
  private final Map<String, SecretsLoader.Key> secrets;

  /**
   * @param configDir relative file names are resolved against it
   * @param secrets the keys of the secrets file; null when there is none or it failed (reported)
   */
  PeerAuthParser(Path configDir, Map<String, SecretsLoader.Key> secrets) {
    this.configDir = configDir;
    this.secrets = secrets;
  }

  /** The {@code auth} key and the keys that go with it; null when invalid (reported). */
  IkePeer.Auth parse(TomlSection s, NodeSettings node, PeerIdentity localId) {
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
    List<X509Certificate> certs =
        certFile == null ? null : PemFiles.certificates(s, "cert", certFile);
    PrivateKey key = keyFile == null ? null : PemFiles.privateKey(s, keyFile);
    List<X509Certificate> roots = new ArrayList<>();
    List<X509Certificate> pinned = new ArrayList<>();
    ok &= certList(s, "cert_root", roots);
    for (X509Certificate root : roots) {
      // RFC 5280 section 4.2.1.9: only a certificate with basicConstraints cA=TRUE may sign others
      if (root.getBasicConstraints() < 0) {
        s.error(
            "cert_root",
            "\""
                + root.getSubjectX500Principal().getName()
                + "\" is not a CA certificate (no basicConstraints cA=TRUE, RFC 5280 section"
                + " 4.2.1.9), so it can vouch for no peer; put a peer's own certificate in"
                + " cert_trust");
        ok = false;
      }
    }
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
    if (!Keys.matches(key, ours.getPublicKey())) {
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
              + PeerIdentities.describe(localId)
              + " is not in the certificate "
              + certFile
              + " (the peer would refuse it, RFC 4945 section 3.1); set local_id to one of its"
              + " subjectAltNames or its subject DN");
      return null;
    }
    return new IkePeer.Auth.PubKey(certFile, keyFile, certs, key, roots, pinned);
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
      List<X509Certificate> certs = p == null ? null : PemFiles.certificates(s, key, it.line(), p);
      if (certs == null) {
        ok = false;
      } else {
        out.addAll(certs);
      }
    }
    return ok;
  }
}
