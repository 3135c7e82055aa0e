package org.meshsec.core.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.meshsec.ike.config.DpdAction;
import org.meshsec.ike.config.DpdConfig;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.config.RekeySchedule;
import org.meshsec.ike.config.StartAction;
import org.meshsec.ike.pki.Keys;
import org.meshsec.ike.pki.PeerIdentity;
import org.meshsec.ike.v1.crypto.V1Signatures;
import org.meshsec.ike.v1.sa.V1PeerConfigs;
import org.tomlj.TomlTable;

/**
 * The {@code [[peer]]} tables: IKEv2 peers (RFC 7296), or IKEv1 peers (RFC 2409) with {@code
 * version = 1}; keys IKEv1 cannot honour are refused for those. The fields with their own rules
 * have their own parsers: {@link PeerIdentities}, {@link PeerAuthParser} (with {@link PemFiles}),
 * {@link PeerProposals} and {@link Durations}. Stateless apart from the secrets it is given; one
 * per load, not thread-safe.
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
          "esp_rekey_margin",
          "version",
          "aggressive");

  static final String DEFAULT_IKE = "aes128gcm16-prfsha256-x25519";

  /** IKEv1 phase 1 has no AEAD (RFC 2409 appendix A): AES-CBC, HMAC-SHA-256, MODP 2048. */
  static final String DEFAULT_IKE_V1 = "aes128-sha256-modp2048";

  static final String DEFAULT_ESP = "aes128gcm16";
  static final Duration DEFAULT_IKE_LIFETIME = Duration.ofHours(3);
  static final Duration DEFAULT_ESP_LIFETIME = Duration.ofHours(1);

  /**
   * Liveness by default: a check after 30 s in which nothing authenticated (IKE or ESP) came from
   * the peer (RFC 7296 section 2.4), so that a peer that vanished is noticed without configuration.
   */
  static final Duration DEFAULT_DPD_DELAY = Duration.ofSeconds(30);

  private final PeerAuthParser authParser;

  /**
   * @param configDir relative file names are resolved against it
   * @param secrets the keys of the secrets file; null when there is none or it failed (reported)
   */
  PeerParser(Path configDir, Map<String, SecretsLoader.Key> secrets) {
    this.authParser = new PeerAuthParser(configDir, secrets);
  }

  /** Parses one peer (without its policies); null when invalid (reported). */
  IkePeer parse(TomlSection s, NodeSettings node) {
    s.checkKeys(PEER_KEYS);
    boolean ok = true;
    String name = Fields.name(s);

    int version = 2;
    Long v = s.integer("version");
    if (v != null) {
      if (v != 1 && v != 2) {
        s.error("version", v + " is not an IKE version: 1 (IKEv1) or 2 (IKEv2, the default)");
        ok = false;
      } else {
        version = v.intValue();
      }
    } else if (s.has("version")) {
      ok = false;
    }
    boolean aggressive = false;
    Boolean ag = s.bool("aggressive");
    if (ag != null) {
      aggressive = ag;
      if (aggressive && version != 1) {
        s.error("aggressive", "Aggressive Mode is IKEv1 only (version = 1)");
        ok = false;
      }
    } else if (s.has("aggressive")) {
      ok = false;
    }

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

    PeerIdentity localId = PeerIdentities.parse(s, "local_id", local);
    PeerIdentity remoteId = PeerIdentities.parse(s, "remote_id", address);
    ok &= localId != null && remoteId != null;

    IkePeer.Auth auth = authParser.parse(s, node, localId);
    ok &= auth != null;

    List<IkeProposal> ike = new ArrayList<>();
    ok &=
        PeerProposals.parse(
            s,
            "ike",
            version == 1 ? DEFAULT_IKE_V1 : DEFAULT_IKE,
            text -> ike.add(IkeProposal.parse(text)),
            "such as \"aes128gcm16-prfsha256-x25519\" or \"aes256-sha256-modp3072\"");
    List<EspProposal> esp = new ArrayList<>();
    ok &=
        PeerProposals.parse(
            s,
            "esp",
            DEFAULT_ESP,
            text -> esp.add(PeerProposals.espProposal(text)),
            "such as \"aes128gcm16\", \"aes256gcm16-x25519\" (PFS) or \"aes256-sha256-modp3072\"");

    RekeySchedule ikeLifetime =
        version == 1
            ? v1Lifetime(s, "ike_lifetime", DEFAULT_IKE_LIFETIME)
            : PeerProposals.lifetime(s, "ike_lifetime", "ike_rekey_margin", DEFAULT_IKE_LIFETIME);
    RekeySchedule espLifetime =
        version == 1
            ? v1Lifetime(s, "esp_lifetime", DEFAULT_ESP_LIFETIME)
            : PeerProposals.lifetime(s, "esp_lifetime", "esp_rekey_margin", DEFAULT_ESP_LIFETIME);
    ok &= ikeLifetime != null && espLifetime != null;

    Duration dpdDelay = Durations.parse(s, "dpd_delay", DEFAULT_DPD_DELAY, true);
    Duration dpdTimeout = Durations.parse(s, "dpd_timeout", Duration.ZERO, true);
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

    if (version == 1) {
      ok &= checkIkev1(s, localId, remoteId, auth, ike, esp);
    }

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
        List.of(),
        version,
        aggressive);
  }

  /**
   * An IKEv1 lifetime: no margin key (refused by {@link #checkIkev1}); a Quick Mode pair is rekeyed
   * at 90 % of it (the soft limit the data plane reports), so that is the schedule's rekey time.
   */
  private static RekeySchedule v1Lifetime(TomlSection s, String key, Duration def) {
    Duration life = Durations.parse(s, key, def, false);
    if (life == null) {
      return null;
    }
    Duration rekey = life.minus(life.dividedBy(10));
    return RekeySchedule.of(rekey, rekey.dividedBy(10), life);
  }

  /**
   * What an IKEv1 peer cannot have here (RFC 2409; docs/ikev1.md): a private key IKEv1 cannot sign
   * with (Ed25519: IKEv1 has RSA and the ECDSA methods of RFC 4754 only), a phase 1 proposal
   * without an AES-CBC + HMAC suite, ESN, mixed PFS groups, KEY_ID identities, {@code
   * ike_rekey_margin} (phase 1 is re-established by a new Main Mode at 90 % of its lifetime, less a
   * random tenth) and {@code esp_rekey_margin} (a Quick Mode pair is rekeyed at 90 % of its
   * lifetime). Reported at the key's line.
   */
  private static boolean checkIkev1(
      TomlSection s,
      PeerIdentity localId,
      PeerIdentity remoteId,
      IkePeer.Auth auth,
      List<IkeProposal> ike,
      List<EspProposal> esp) {
    boolean ok = true;
    if (auth instanceof IkePeer.Auth.PubKey pk && !V1Signatures.canSign(pk.privateKey())) {
      s.error(
          "key",
          "IKEv1 peers (version = 1) sign with RSA or ECDSA (P-256, P-384, P-521) keys, not "
              + Keys.describe(pk.privateKey())
              + " (RFC 2409 section 5.1, RFC 4754)");
      ok = false;
    }
    for (IkeProposal p : ike) {
      if (!V1PeerConfigs.isPhase1Capable(p)) {
        s.error(
            "ike",
            "\""
                + p
                + "\" has no IKEv1 phase 1 equivalent: use AES-CBC with HMAC-SHA2, such as"
                + " \"aes128-sha256-modp2048\"");
        ok = false;
      }
    }
    if (esp.stream().anyMatch(EspProposal::esn)) {
      s.error("esp", "IKEv1 does not negotiate extended sequence numbers (esn)");
      ok = false;
    }
    if (esp.stream().map(EspProposal::pfsGroup).distinct().count() > 1) {
      s.error("esp", "IKEv1 offers one PFS group per Quick Mode: give every proposal the same");
      ok = false;
    }
    for (String key : List.of("local_id", "remote_id")) {
      PeerIdentity id = key.equals("local_id") ? localId : remoteId;
      if (id instanceof PeerIdentity.KeyId) {
        s.error(key, "IKEv1 peers cannot use a key id identity");
        ok = false;
      }
    }
    if (s.has("esp_rekey_margin")) {
      s.error(
          "esp_rekey_margin",
          "IKEv1 Quick Mode SAs are rekeyed at 90% of esp_lifetime; the margin is not honoured");
      ok = false;
    }
    if (s.has("ike_rekey_margin")) {
      s.error(
          "ike_rekey_margin",
          "IKEv1 phase 1 is not rekeyed but re-established at 90% of ike_lifetime; the margin is"
              + " not honoured");
      ok = false;
    }
    return ok;
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
