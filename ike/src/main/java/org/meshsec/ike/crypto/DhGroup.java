package org.meshsec.ike.crypto;

/**
 * An IKEv2 Transform Type 4 (Key Exchange Method, formerly Diffie-Hellman Group) identifier from
 * the IANA registry (RFC 7296 section 3.3.2). A value type: lookup never fails on an unknown
 * number.
 *
 * <p>Implemented groups and their Key Exchange payload encodings:
 *
 * <ul>
 *   <li>MODP 2048/3072/4096 (14, 15, 16; RFC 3526): g^x mod p, big-endian, left-padded with zeros
 *       to the prime length (RFC 7296 section 3.4).
 *   <li>ECP 256/384/521 (19, 20, 21; RFC 5903): x || y, each coordinate padded to the field length,
 *       without the 0x04 point-format octet (RFC 5903 section 7).
 *   <li>Curve25519 (31; RFC 8031): the 32-byte little-endian u-coordinate.
 * </ul>
 *
 * @param id the IANA transform id, 0..65535
 */
public record DhGroup(int id) {

  /** What shape of arithmetic a group uses. */
  public enum Kind {
    /** Finite-field Diffie-Hellman modulo a safe prime. */
    MODP,
    /** Elliptic curve over a prime field, short Weierstrass form. */
    ECP,
    /** Montgomery curve with an X-only ladder (X25519, RFC 7748). */
    MONTGOMERY,
    /** NONE or an unknown / unimplemented id. */
    OTHER
  }

  /** NONE: no key exchange (Child SA without PFS, RFC 7296 section 3.3.2). */
  public static final DhGroup NONE = new DhGroup(0);

  /** 2048-bit MODP group (RFC 3526 section 3). */
  public static final DhGroup MODP_2048 = new DhGroup(14);

  /** 3072-bit MODP group (RFC 3526 section 4). */
  public static final DhGroup MODP_3072 = new DhGroup(15);

  /** 4096-bit MODP group (RFC 3526 section 5). */
  public static final DhGroup MODP_4096 = new DhGroup(16);

  /** 256-bit random ECP group, NIST P-256 (RFC 5903 section 3.1). */
  public static final DhGroup ECP_256 = new DhGroup(19);

  /** 384-bit random ECP group, NIST P-384 (RFC 5903 section 3.2). */
  public static final DhGroup ECP_384 = new DhGroup(20);

  /** 521-bit random ECP group, NIST P-521 (RFC 5903 section 3.3). */
  public static final DhGroup ECP_521 = new DhGroup(21);

  /** Curve25519 (RFC 8031). */
  public static final DhGroup CURVE25519 = new DhGroup(31);

  public DhGroup {
    if (id < 0 || id > 0xFFFF) {
      throw new IllegalArgumentException("transform id out of range: " + id);
    }
  }

  /** The kind of arithmetic, {@link Kind#OTHER} for NONE and unimplemented ids. */
  public Kind kind() {
    return switch (id) {
      case 14, 15, 16 -> Kind.MODP;
      case 19, 20, 21 -> Kind.ECP;
      case 31 -> Kind.MONTGOMERY;
      default -> Kind.OTHER;
    };
  }

  /** Whether meshsec implements this group (NONE is not a group and is not "supported"). */
  public boolean isSupported() {
    return kind() != Kind.OTHER;
  }

  /**
   * Length in bytes of the Key Exchange Data in the KE payload (RFC 7296 section 3.4), 0 when
   * unknown.
   */
  public int keyExchangeLength() {
    return switch (id) {
      case 14 -> 256;
      case 15 -> 384;
      case 16 -> 512;
      case 19 -> 64;
      case 20 -> 96;
      case 21 -> 132;
      case 31 -> 32;
      default -> 0;
    };
  }

  /**
   * Length in bytes of the shared secret g^ir: the prime length for MODP, the x-coordinate length
   * for ECP (RFC 5903 section 7), 32 for Curve25519; 0 when unknown.
   */
  public int sharedSecretLength() {
    return switch (kind()) {
      case MODP -> keyExchangeLength();
      case ECP -> keyExchangeLength() / 2;
      case MONTGOMERY -> 32;
      case OTHER -> 0;
    };
  }

  /** IANA-style name, or {@code DH_<id>} when unknown. */
  public String name() {
    return switch (id) {
      case 0 -> "NONE";
      case 1 -> "MODP_768";
      case 2 -> "MODP_1024";
      case 5 -> "MODP_1536";
      case 14 -> "MODP_2048";
      case 15 -> "MODP_3072";
      case 16 -> "MODP_4096";
      case 17 -> "MODP_6144";
      case 18 -> "MODP_8192";
      case 19 -> "ECP_256";
      case 20 -> "ECP_384";
      case 21 -> "ECP_521";
      case 31 -> "CURVE25519";
      case 32 -> "CURVE448";
      default -> "DH_" + id;
    };
  }

  @Override
  public String toString() {
    return name();
  }
}
