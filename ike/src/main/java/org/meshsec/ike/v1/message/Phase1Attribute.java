package org.meshsec.ike.v1.message;

import org.meshsec.ike.message.Wire;

/**
 * An IKE phase 1 transform attribute class (RFC 2409 appendix A, "Attribute Classes"; used in the
 * transforms of the ISAKMP proposal, Transform ID KEY_IKE). A value type: lookup never fails on an
 * unknown number. The value registries of the classes that have one are the nested value types.
 *
 * @param value the attribute type
 */
public record Phase1Attribute(int value) {
  public static final Phase1Attribute ENCRYPTION_ALGORITHM = new Phase1Attribute(1);
  public static final Phase1Attribute HASH_ALGORITHM = new Phase1Attribute(2);
  public static final Phase1Attribute AUTHENTICATION_METHOD = new Phase1Attribute(3);

  /** Group Description: the DH group number, the same registry as IKEv2's (RFC 2409 6). */
  public static final Phase1Attribute GROUP_DESCRIPTION = new Phase1Attribute(4);

  public static final Phase1Attribute GROUP_TYPE = new Phase1Attribute(5);
  public static final Phase1Attribute GROUP_PRIME = new Phase1Attribute(6);
  public static final Phase1Attribute GROUP_GENERATOR_ONE = new Phase1Attribute(7);
  public static final Phase1Attribute GROUP_GENERATOR_TWO = new Phase1Attribute(8);
  public static final Phase1Attribute GROUP_CURVE_A = new Phase1Attribute(9);
  public static final Phase1Attribute GROUP_CURVE_B = new Phase1Attribute(10);

  /** Life Type: {@link LifeType}. */
  public static final Phase1Attribute LIFE_TYPE = new Phase1Attribute(11);

  /** Life Duration, in the unit of the preceding Life Type; basic or variable. */
  public static final Phase1Attribute LIFE_DURATION = new Phase1Attribute(12);

  public static final Phase1Attribute PRF = new Phase1Attribute(13);

  /** Key Length in bits, for variable-length ciphers such as AES (RFC 3602 section 5). */
  public static final Phase1Attribute KEY_LENGTH = new Phase1Attribute(14);

  public static final Phase1Attribute FIELD_SIZE = new Phase1Attribute(15);
  public static final Phase1Attribute GROUP_ORDER = new Phase1Attribute(16);

  public Phase1Attribute {
    Wire.requireRange("attribute type", value, 0, 0x7FFF);
  }

  /** The first attribute of this class in {@code attributes}, if any. */
  public java.util.Optional<DataAttribute> find(java.util.List<DataAttribute> attributes) {
    return attributes.stream().filter(a -> a.type() == value).findFirst();
  }

  public String name() {
    return switch (value) {
      case 1 -> "Encryption Algorithm";
      case 2 -> "Hash Algorithm";
      case 3 -> "Authentication Method";
      case 4 -> "Group Description";
      case 5 -> "Group Type";
      case 6 -> "Group Prime/Irreducible Polynomial";
      case 7 -> "Group Generator One";
      case 8 -> "Group Generator Two";
      case 9 -> "Group Curve A";
      case 10 -> "Group Curve B";
      case 11 -> "Life Type";
      case 12 -> "Life Duration";
      case 13 -> "PRF";
      case 14 -> "Key Length";
      case 15 -> "Field Size";
      case 16 -> "Group Order";
      default -> "ATTRIBUTE_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }

  /**
   * Encryption Algorithm values (RFC 2409 appendix A; AES-CBC from RFC 3602 section 5).
   *
   * @param value the attribute value
   */
  public record Encryption(int value) {
    public static final Encryption DES_CBC = new Encryption(1);
    public static final Encryption IDEA_CBC = new Encryption(2);
    public static final Encryption BLOWFISH_CBC = new Encryption(3);
    public static final Encryption RC5_R16_B64_CBC = new Encryption(4);
    public static final Encryption TRIPLE_DES_CBC = new Encryption(5);
    public static final Encryption CAST_CBC = new Encryption(6);
    public static final Encryption AES_CBC = new Encryption(7);

    public String name() {
      return switch (value) {
        case 1 -> "DES-CBC";
        case 2 -> "IDEA-CBC";
        case 3 -> "Blowfish-CBC";
        case 4 -> "RC5-R16-B64-CBC";
        case 5 -> "3DES-CBC";
        case 6 -> "CAST-CBC";
        case 7 -> "AES-CBC";
        default -> "ENCR_" + value;
      };
    }

    @Override
    public String toString() {
      return name();
    }
  }

  /**
   * Hash Algorithm values (RFC 2409 appendix A; SHA2 from RFC 4868 section 5 / the IANA "IPSEC Hash
   * Algorithm" registry). Without a PRF attribute the phase 1 prf is HMAC with this hash (RFC 2409
   * section 4).
   *
   * @param value the attribute value
   */
  public record Hash(int value) {
    public static final Hash MD5 = new Hash(1);
    public static final Hash SHA1 = new Hash(2);
    public static final Hash TIGER = new Hash(3);
    public static final Hash SHA2_256 = new Hash(4);
    public static final Hash SHA2_384 = new Hash(5);
    public static final Hash SHA2_512 = new Hash(6);

    /** The JCA MessageDigest name, or null when meshsec does not implement it. */
    public String jcaName() {
      return switch (value) {
        case 2 -> "SHA-1";
        case 4 -> "SHA-256";
        case 5 -> "SHA-384";
        case 6 -> "SHA-512";
        default -> null;
      };
    }

    public String name() {
      return switch (value) {
        case 1 -> "MD5";
        case 2 -> "SHA";
        case 3 -> "Tiger";
        case 4 -> "SHA2-256";
        case 5 -> "SHA2-384";
        case 6 -> "SHA2-512";
        default -> "HASH_" + value;
      };
    }

    @Override
    public String toString() {
      return name();
    }
  }

  /**
   * Authentication Method values (RFC 2409 appendix A; ECDSA from RFC 4754 section 3).
   *
   * @param value the attribute value
   */
  public record AuthMethod(int value) {
    public static final AuthMethod PRE_SHARED_KEY = new AuthMethod(1);
    public static final AuthMethod DSS_SIGNATURES = new AuthMethod(2);
    public static final AuthMethod RSA_SIGNATURES = new AuthMethod(3);
    public static final AuthMethod RSA_ENCRYPTION = new AuthMethod(4);
    public static final AuthMethod REVISED_RSA_ENCRYPTION = new AuthMethod(5);
    public static final AuthMethod ECDSA_SHA256_P256 = new AuthMethod(9);
    public static final AuthMethod ECDSA_SHA384_P384 = new AuthMethod(10);
    public static final AuthMethod ECDSA_SHA512_P521 = new AuthMethod(11);

    /**
     * Whether SKEYID is computed as for signatures (RFC 2409 section 5: prf(Ni_b | Nr_b, g^xy)).
     */
    public boolean isSignature() {
      return value == 2 || value == 3 || (value >= 9 && value <= 11);
    }

    public String name() {
      return switch (value) {
        case 1 -> "pre-shared key";
        case 2 -> "DSS signatures";
        case 3 -> "RSA signatures";
        case 4 -> "RSA encryption";
        case 5 -> "revised RSA encryption";
        case 9 -> "ECDSA-SHA256-P256";
        case 10 -> "ECDSA-SHA384-P384";
        case 11 -> "ECDSA-SHA512-P521";
        default -> "AUTH_" + value;
      };
    }

    @Override
    public String toString() {
      return name();
    }
  }

  /**
   * Life Type values, shared by phase 1 (RFC 2409 appendix A) and the IPsec DOI SA Life Type (RFC
   * 2407 section 4.5).
   *
   * @param value the attribute value
   */
  public record LifeType(int value) {
    public static final LifeType SECONDS = new LifeType(1);
    public static final LifeType KILOBYTES = new LifeType(2);

    public String name() {
      return switch (value) {
        case 1 -> "seconds";
        case 2 -> "kilobytes";
        default -> "LIFE_" + value;
      };
    }

    @Override
    public String toString() {
      return name();
    }
  }
}
