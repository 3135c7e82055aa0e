package org.meshsec.ike.v1.message;

import org.meshsec.ike.message.Wire;

/**
 * An IPsec DOI SA attribute class (RFC 2407 section 4.5), used in the transforms of AH and ESP
 * proposals in Quick Mode and in the RESPONDER-LIFETIME notification. A value type: lookup never
 * fails on an unknown number.
 *
 * @param value the attribute type
 */
public record IpsecAttribute(int value) {
  /** SA Life Type: {@link Phase1Attribute.LifeType}. */
  public static final IpsecAttribute SA_LIFE_TYPE = new IpsecAttribute(1);

  /** SA Life Duration, in the unit of the preceding SA Life Type; basic or variable. */
  public static final IpsecAttribute SA_LIFE_DURATION = new IpsecAttribute(2);

  /** Group Description: the DH group of Quick Mode PFS (RFC 2409 section 5.5). */
  public static final IpsecAttribute GROUP_DESCRIPTION = new IpsecAttribute(3);

  /** Encapsulation Mode: {@link EncapsulationMode}. */
  public static final IpsecAttribute ENCAPSULATION_MODE = new IpsecAttribute(4);

  /** Authentication Algorithm: {@link AuthAlgorithm}. */
  public static final IpsecAttribute AUTHENTICATION_ALGORITHM = new IpsecAttribute(5);

  /** Key Length in bits. */
  public static final IpsecAttribute KEY_LENGTH = new IpsecAttribute(6);

  public static final IpsecAttribute KEY_ROUNDS = new IpsecAttribute(7);
  public static final IpsecAttribute COMPRESS_DICTIONARY_SIZE = new IpsecAttribute(8);
  public static final IpsecAttribute COMPRESS_PRIVATE_ALGORITHM = new IpsecAttribute(9);

  public IpsecAttribute {
    Wire.requireRange("attribute type", value, 0, 0x7FFF);
  }

  /** The first attribute of this class in {@code attributes}, if any. */
  public java.util.Optional<DataAttribute> find(java.util.List<DataAttribute> attributes) {
    return attributes.stream().filter(a -> a.type() == value).findFirst();
  }

  public String name() {
    return switch (value) {
      case 1 -> "SA Life Type";
      case 2 -> "SA Life Duration";
      case 3 -> "Group Description";
      case 4 -> "Encapsulation Mode";
      case 5 -> "Authentication Algorithm";
      case 6 -> "Key Length";
      case 7 -> "Key Rounds";
      case 8 -> "Compress Dictionary Size";
      case 9 -> "Compress Private Algorithm";
      default -> "ATTRIBUTE_" + value;
    };
  }

  @Override
  public String toString() {
    return name();
  }

  /**
   * Encapsulation Mode values (RFC 2407 section 4.5; the UDP-encapsulated modes from RFC 3947
   * section 5, and 61443/61444 of draft-ietf-ipsec-nat-t-ike-02/03 that older peers still send).
   *
   * @param value the attribute value
   */
  public record EncapsulationMode(int value) {
    public static final EncapsulationMode TUNNEL = new EncapsulationMode(1);
    public static final EncapsulationMode TRANSPORT = new EncapsulationMode(2);
    public static final EncapsulationMode UDP_ENCAPSULATED_TUNNEL = new EncapsulationMode(3);
    public static final EncapsulationMode UDP_ENCAPSULATED_TRANSPORT = new EncapsulationMode(4);
    public static final EncapsulationMode DRAFT_UDP_ENCAPSULATED_TUNNEL =
        new EncapsulationMode(61443);
    public static final EncapsulationMode DRAFT_UDP_ENCAPSULATED_TRANSPORT =
        new EncapsulationMode(61444);

    /** Whether this is one of the tunnel modes. */
    public boolean isTunnel() {
      return value == 1 || value == 3 || value == 61443;
    }

    public String name() {
      return switch (value) {
        case 1 -> "Tunnel";
        case 2 -> "Transport";
        case 3 -> "UDP-Encapsulated-Tunnel";
        case 4 -> "UDP-Encapsulated-Transport";
        case 61443 -> "UDP-Encapsulated-Tunnel (draft)";
        case 61444 -> "UDP-Encapsulated-Transport (draft)";
        default -> "MODE_" + value;
      };
    }

    @Override
    public String toString() {
      return name();
    }
  }

  /**
   * Authentication Algorithm values (RFC 2407 section 4.5; HMAC-SHA2 from RFC 4868 section 5).
   *
   * @param value the attribute value
   */
  public record AuthAlgorithm(int value) {
    public static final AuthAlgorithm HMAC_MD5 = new AuthAlgorithm(1);
    public static final AuthAlgorithm HMAC_SHA1 = new AuthAlgorithm(2);
    public static final AuthAlgorithm DES_MAC = new AuthAlgorithm(3);
    public static final AuthAlgorithm KPDK = new AuthAlgorithm(4);
    public static final AuthAlgorithm HMAC_SHA2_256 = new AuthAlgorithm(5);
    public static final AuthAlgorithm HMAC_SHA2_384 = new AuthAlgorithm(6);
    public static final AuthAlgorithm HMAC_SHA2_512 = new AuthAlgorithm(7);

    public String name() {
      return switch (value) {
        case 1 -> "HMAC-MD5";
        case 2 -> "HMAC-SHA";
        case 3 -> "DES-MAC";
        case 4 -> "KPDK";
        case 5 -> "HMAC-SHA2-256";
        case 6 -> "HMAC-SHA2-384";
        case 7 -> "HMAC-SHA2-512";
        default -> "AUTH_ALG_" + value;
      };
    }

    @Override
    public String toString() {
      return name();
    }
  }
}
