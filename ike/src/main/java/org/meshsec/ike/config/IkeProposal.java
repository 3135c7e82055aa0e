package org.meshsec.ike.config;

import java.util.Locale;
import java.util.Objects;
import org.meshsec.esp.EncrAlgorithm;
import org.meshsec.esp.EspSuite;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.crypto.PrfAlgorithm;

/**
 * One IKE SA proposal (RFC 7296 section 3.3): an encryption + integrity suite for the SK payload, a
 * PRF and a key exchange method. The suite reuses {@link EspSuite} as the validated (ENCR, key
 * size, INTEG) triple, as {@link org.meshsec.ike.crypto.IkeSaKeys} does; only the suites with an SK
 * cipher (AES-GCM-16, AES-CBC + HMAC-SHA2) are accepted.
 *
 * @param suite encryption and integrity of the IKE SA
 * @param prf the PRF
 * @param dh the key exchange method (never NONE)
 */
public record IkeProposal(EspSuite suite, PrfAlgorithm prf, DhGroup dh) {

  /** AES-128-GCM-16, PRF-HMAC-SHA2-256, Curve25519: the default. */
  public static final IkeProposal AES128GCM_SHA256_X25519 =
      new IkeProposal(EspSuite.AES128_GCM16, PrfAlgorithm.HMAC_SHA2_256, DhGroup.CURVE25519);

  public IkeProposal {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(prf, "prf");
    Objects.requireNonNull(dh, "dh");
    if (suite.encr().equals(EncrAlgorithm.CHACHA20_POLY1305)) {
      throw new IllegalArgumentException("ChaCha20-Poly1305 is not implemented for IKE SAs");
    }
    if (!prf.isSupported()) {
      throw new IllegalArgumentException("unsupported PRF " + prf);
    }
    if (!dh.isSupported()) {
      throw new IllegalArgumentException("unsupported key exchange method " + dh);
    }
  }

  /**
   * Parses strongSwan's keywords: {@code aes128gcm16-prfsha256-curve25519}, {@code
   * aes256-sha256-modp3072} (the PRF follows the integrity algorithm when not given), {@code
   * aes256gcm16-prfsha384-ecp384}.
   *
   * @throws IllegalArgumentException naming the part that is not understood
   */
  public static IkeProposal parse(String text) {
    String[] parts = text.trim().toLowerCase(Locale.ROOT).split("-");
    if (parts.length < 2) {
      throw new IllegalArgumentException("IKE proposal needs a cipher and a DH group: " + text);
    }
    EspSuite suite;
    int next;
    if (parts[0].contains("gcm")) {
      suite = EspSuite.parse(parts[0]);
      next = 1;
    } else {
      suite = parts.length >= 2 ? EspSuite.parse(parts[0] + "-" + parts[1]) : null;
      next = 2;
    }
    if (suite == null) {
      throw new IllegalArgumentException("unknown cipher in " + text);
    }
    PrfAlgorithm prf = null;
    if (next < parts.length && parts[next].startsWith("prf")) {
      prf = prf(parts[next].substring(3));
      if (prf == null) {
        throw new IllegalArgumentException("unknown PRF " + parts[next]);
      }
      next++;
    } else if (!suite.encr().isAead()) {
      prf = prf("sha" + suite.integ().keyLength() * 8);
    }
    if (prf == null) {
      throw new IllegalArgumentException("an AEAD IKE proposal needs a prf: " + text);
    }
    if (next != parts.length - 1) {
      throw new IllegalArgumentException("IKE proposal needs exactly one DH group: " + text);
    }
    return new IkeProposal(suite, prf, group(parts[next]));
  }

  static PrfAlgorithm prf(String name) {
    return switch (name) {
      case "sha256", "sha2_256" -> PrfAlgorithm.HMAC_SHA2_256;
      case "sha384", "sha2_384" -> PrfAlgorithm.HMAC_SHA2_384;
      case "sha512", "sha2_512" -> PrfAlgorithm.HMAC_SHA2_512;
      case "sha1" -> PrfAlgorithm.HMAC_SHA1;
      default -> null;
    };
  }

  static DhGroup group(String name) {
    return switch (name) {
      case "curve25519", "x25519" -> DhGroup.CURVE25519;
      case "modp2048" -> DhGroup.MODP_2048;
      case "modp3072" -> DhGroup.MODP_3072;
      case "modp4096" -> DhGroup.MODP_4096;
      case "ecp256" -> DhGroup.ECP_256;
      case "ecp384" -> DhGroup.ECP_384;
      case "ecp521" -> DhGroup.ECP_521;
      default -> throw new IllegalArgumentException("unknown DH group " + name);
    };
  }

  /**
   * The proposal in the configuration's keywords, as {@link #parse} reads it back: {@code
   * aes128gcm16-prfsha256-x25519}, {@code aes256-sha256-modp3072} (the PRF is left out when it
   * follows the integrity algorithm). The one name for algorithms in logs and command output.
   */
  public String configName() {
    String prfName = "sha" + prf.keyLength() * 8;
    if (prf.equals(PrfAlgorithm.HMAC_SHA1)) {
      prfName = "sha1";
    }
    boolean prfFollows =
        !suite.encr().isAead() && prf(prfName) != null && prfName.equals(integName(suite));
    return suite.configName() + (prfFollows ? "" : "-prf" + prfName) + "-" + groupName(dh);
  }

  private static String integName(EspSuite s) {
    return "sha" + s.integ().keyLength() * 8;
  }

  /** A key exchange method by the configuration's keyword ({@code x25519}, {@code modp3072}). */
  public static String groupName(DhGroup g) {
    return switch (g.id()) {
      case 31 -> "x25519";
      case 14 -> "modp2048";
      case 15 -> "modp3072";
      case 16 -> "modp4096";
      case 19 -> "ecp256";
      case 20 -> "ecp384";
      case 21 -> "ecp521";
      default -> g.name().toLowerCase(Locale.ROOT);
    };
  }

  @Override
  public String toString() {
    return configName();
  }
}
