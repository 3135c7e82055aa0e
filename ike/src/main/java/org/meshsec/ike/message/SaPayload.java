package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.meshsec.esp.EncrAlgorithm;
import org.meshsec.esp.IntegAlgorithm;

/**
 * Security Association payload, SA (RFC 7296 section 3.3): one or more proposals, most preferred
 * first.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                          <Proposals>                          ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * Validation at decode ("an implementation MUST check that the total Payload Length is consistent
 * with the payload's internal lengths and counts"): at least one proposal; Last Substruc is 0 on
 * the last proposal and 2 on the others (3 and 0 for transforms); every length fits its container
 * exactly; Num Transforms matches; proposal numbers are 1, 2, 3, ... when there are several (a
 * single accepted proposal keeps the number it was offered with, so only &gt;= 1 is required); SPI
 * Size is 0 or 8 for IKE and 4 for AH and ESP (section 3.3.1); the Key Length attribute (14) uses
 * the TV format and appears at most once per transform (section 3.3.5).
 */
public record SaPayload(List<Proposal> proposals) implements Payload {

  /** Transform attribute type Key Length (section 3.3.5). */
  public static final int ATTRIBUTE_KEY_LENGTH = 14;

  public SaPayload {
    proposals = List.copyOf(proposals);
    if (proposals.isEmpty()) {
      throw new IllegalArgumentException("an SA payload needs at least one proposal");
    }
    if (proposals.size() > 1) {
      for (int i = 0; i < proposals.size(); i++) {
        if (proposals.get(i).number() != i + 1) {
          throw new IllegalArgumentException("proposals must be numbered 1, 2, 3, ...");
        }
      }
    }
  }

  /** An SA payload with the given proposals. */
  public static SaPayload of(Proposal... proposals) {
    return new SaPayload(List.of(proposals));
  }

  @Override
  public PayloadType type() {
    return PayloadType.SA;
  }

  /**
   * Proposal substructure (section 3.3.1).
   *
   * <pre>
   *                      1                   2                   3
   *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * | Last Substruc |   RESERVED    |         Proposal Length       |
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * ~                        SPI (variable)                         ~
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * ~                        <Transforms>                           ~
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * </pre>
   */
  public record Proposal(int number, ProtocolId protocolId, Bytes spi, List<Transform> transforms) {
    public Proposal {
      Wire.requireRange("proposal number", number, 1, 255);
      Objects.requireNonNull(protocolId, "protocolId");
      Objects.requireNonNull(spi, "spi");
      transforms = List.copyOf(transforms);
      Wire.requireRange("SPI size", spi.length(), 0, 255);
      Wire.requireRange("transform count", transforms.size(), 0, 255);
      String problem = spiSizeProblem(protocolId, spi.length());
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }

    /** The first transform of {@code type}, if any. */
    public Optional<Transform> first(TransformType type) {
      return transforms.stream().filter(t -> t.type().equals(type)).findFirst();
    }

    /** All transforms of {@code type}, in order. */
    public List<Transform> all(TransformType type) {
      return transforms.stream().filter(t -> t.type().equals(type)).toList();
    }

    int encodedLength() {
      int n = 8 + spi.length();
      for (Transform t : transforms) {
        n += t.encodedLength();
      }
      return n;
    }
  }

  /**
   * Transform substructure (section 3.3.2).
   *
   * <pre>
   *                      1                   2                   3
   *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * | Last Substruc |   RESERVED    |        Transform Length       |
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * |Transform Type |   RESERVED    |          Transform ID         |
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * ~                      Transform Attributes                     ~
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * </pre>
   */
  public record Transform(TransformType type, int id, List<TransformAttribute> attributes) {
    public Transform {
      Objects.requireNonNull(type, "type");
      Wire.requireRange("transform id", id, 0, 0xFFFF);
      attributes = List.copyOf(attributes);
    }

    /** A transform without attributes. */
    public static Transform of(TransformType type, int id) {
      return new Transform(type, id, List.of());
    }

    /** A transform with a Key Length attribute of {@code keyBits}. */
    public static Transform withKeyLength(TransformType type, int id, int keyBits) {
      return new Transform(type, id, List.of(TransformAttribute.keyLength(keyBits)));
    }

    /** An ENCR transform. */
    public static Transform encr(EncrAlgorithm algorithm, int keyBits) {
      return keyBits > 0
          ? withKeyLength(TransformType.ENCR, algorithm.id(), keyBits)
          : of(TransformType.ENCR, algorithm.id());
    }

    /** An INTEG transform. */
    public static Transform integ(IntegAlgorithm algorithm) {
      return of(TransformType.INTEG, algorithm.id());
    }

    /** The Key Length attribute in bits, if present. */
    public OptionalInt keyLength() {
      for (TransformAttribute a : attributes) {
        if (a.type() == ATTRIBUTE_KEY_LENGTH && a.shortForm()) {
          return OptionalInt.of(a.shortValue());
        }
      }
      return OptionalInt.empty();
    }

    /** The id as an encryption algorithm; only meaningful for {@link TransformType#ENCR}. */
    public EncrAlgorithm encrAlgorithm() {
      requireType(TransformType.ENCR);
      return new EncrAlgorithm(id);
    }

    /** The id as an integrity algorithm; only meaningful for {@link TransformType#INTEG}. */
    public IntegAlgorithm integAlgorithm() {
      requireType(TransformType.INTEG);
      return new IntegAlgorithm(id);
    }

    private void requireType(TransformType expected) {
      if (!type.equals(expected)) {
        throw new IllegalStateException("transform is " + type + ", not " + expected);
      }
    }

    int encodedLength() {
      int n = 8;
      for (TransformAttribute a : attributes) {
        n += a.encodedLength();
      }
      return n;
    }
  }

  /**
   * Data attribute (section 3.3.5). With the AF bit set (TV, {@code shortForm}) the value is the
   * 2-byte field itself; otherwise (TLV) a length and a variable value follow.
   *
   * <pre>
   *                      1                   2                   3
   *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * |A|       Attribute Type        |    AF=0  Attribute Length     |
   * |F|                             |    AF=1  Attribute Value      |
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * |                   AF=0  Attribute Value                       |
   * |                   AF=1  Not Transmitted                       |
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * </pre>
   */
  public record TransformAttribute(int type, boolean shortForm, Bytes value) {
    public TransformAttribute {
      Wire.requireRange("attribute type", type, 0, 0x7FFF);
      Objects.requireNonNull(value, "value");
      if (shortForm && value.length() != 2) {
        throw new IllegalArgumentException("a TV attribute value is 2 bytes");
      }
      Wire.requireRange("attribute length", value.length(), 0, 0xFFFF);
    }

    /** The Key Length attribute (type 14, TV) of {@code bits}. */
    public static TransformAttribute keyLength(int bits) {
      Wire.requireRange("key length", bits, 0, 0xFFFF);
      return new TransformAttribute(
          ATTRIBUTE_KEY_LENGTH, true, Bytes.of((byte) (bits >> 8), (byte) bits));
    }

    /** The value of a TV attribute as an unsigned 16-bit number. */
    public int shortValue() {
      if (!shortForm) {
        throw new IllegalStateException("not a TV attribute");
      }
      return (value.getUnsigned(0) << 8) | value.getUnsigned(1);
    }

    int encodedLength() {
      return shortForm ? 4 : 4 + value.length();
    }
  }

  /** Why {@code spiSize} is wrong for {@code protocol}, or null (section 3.3.1). */
  static String spiSizeProblem(ProtocolId protocol, int spiSize) {
    if (protocol.equals(ProtocolId.IKE) && spiSize != 0 && spiSize != 8) {
      return "IKE proposal SPI size " + spiSize + ", must be 0 or 8";
    }
    if (protocol.isChildSaProtocol() && spiSize != 4) {
      return protocol + " proposal SPI size " + spiSize + ", must be 4";
    }
    return null;
  }

  public static DecodeResult<SaPayload> decode(byte[] buf, int offset, int length) {
    int end = offset + length;
    if (length == 0) {
      return DecodeResult.fail(IkeParseError.Kind.INVALID_PAYLOAD, offset, "SA without proposals");
    }
    List<Proposal> proposals = new ArrayList<>();
    int pos = offset;
    boolean sawLast = false;
    while (pos < end) {
      if (sawLast) {
        return DecodeResult.fail(
            IkeParseError.Kind.INVALID_PAYLOAD, pos, "proposal after the last proposal");
      }
      if (end - pos < 8) {
        return DecodeResult.fail(IkeParseError.Kind.TRUNCATED, pos, "proposal header needs 8");
      }
      int lastSubstruc = Wire.u8(buf, pos);
      if (lastSubstruc != 0 && lastSubstruc != 2) {
        return DecodeResult.fail(
            IkeParseError.Kind.INVALID_PAYLOAD,
            pos,
            "proposal Last Substruc " + lastSubstruc + ", must be 0 or 2");
      }
      sawLast = lastSubstruc == 0;
      int proposalLength = Wire.u16(buf, pos + 2);
      int number = Wire.u8(buf, pos + 4);
      ProtocolId protocol = new ProtocolId(Wire.u8(buf, pos + 5));
      int spiSize = Wire.u8(buf, pos + 6);
      int numTransforms = Wire.u8(buf, pos + 7);
      if (proposalLength < 8 + spiSize || proposalLength > end - pos) {
        return DecodeResult.fail(
            IkeParseError.Kind.INVALID_PAYLOAD,
            pos + 2,
            "proposal length " + proposalLength + " does not fit (SPI size " + spiSize + ")");
      }
      if (number == 0) {
        return DecodeResult.fail(IkeParseError.Kind.INVALID_PAYLOAD, pos + 4, "proposal number 0");
      }
      if (!proposals.isEmpty() && number != proposals.get(proposals.size() - 1).number() + 1) {
        return DecodeResult.fail(
            IkeParseError.Kind.INVALID_PAYLOAD,
            pos + 4,
            "proposal number " + number + " does not follow " + proposals.size());
      }
      String spiProblem = spiSizeProblem(protocol, spiSize);
      if (spiProblem != null) {
        return DecodeResult.fail(IkeParseError.Kind.INVALID_PAYLOAD, pos + 6, spiProblem);
      }
      Bytes spi = Bytes.copyOf(buf, pos + 8, spiSize);
      DecodeResult<List<Transform>> transforms =
          decodeTransforms(buf, pos + 8 + spiSize, pos + proposalLength, numTransforms, pos + 7);
      if (transforms instanceof DecodeResult.Err<List<Transform>> e) {
        return e.cast();
      }
      proposals.add(new Proposal(number, protocol, spi, transforms.orElseThrow()));
      pos += proposalLength;
    }
    if (!sawLast) {
      return DecodeResult.fail(
          IkeParseError.Kind.INVALID_PAYLOAD, end, "last proposal has Last Substruc 2");
    }
    if (proposals.size() > 1 && proposals.get(0).number() != 1) {
      return DecodeResult.fail(
          IkeParseError.Kind.INVALID_PAYLOAD, offset + 4, "first of several proposals is not 1");
    }
    return DecodeResult.ok(new SaPayload(proposals));
  }

  private static DecodeResult<List<Transform>> decodeTransforms(
      byte[] buf, int start, int end, int expectedCount, int countOffset) {
    List<Transform> transforms = new ArrayList<>(expectedCount);
    int pos = start;
    boolean sawLast = false;
    while (pos < end) {
      if (sawLast) {
        return DecodeResult.fail(
            IkeParseError.Kind.INVALID_PAYLOAD, pos, "transform after the last transform");
      }
      if (end - pos < 8) {
        return DecodeResult.fail(IkeParseError.Kind.TRUNCATED, pos, "transform header needs 8");
      }
      int lastSubstruc = Wire.u8(buf, pos);
      if (lastSubstruc != 0 && lastSubstruc != 3) {
        return DecodeResult.fail(
            IkeParseError.Kind.INVALID_PAYLOAD,
            pos,
            "transform Last Substruc " + lastSubstruc + ", must be 0 or 3");
      }
      sawLast = lastSubstruc == 0;
      int transformLength = Wire.u16(buf, pos + 2);
      if (transformLength < 8 || transformLength > end - pos) {
        return DecodeResult.fail(
            IkeParseError.Kind.INVALID_PAYLOAD,
            pos + 2,
            "transform length " + transformLength + " does not fit");
      }
      TransformType type = new TransformType(Wire.u8(buf, pos + 4));
      int id = Wire.u16(buf, pos + 6);
      DecodeResult<List<TransformAttribute>> attributes =
          decodeAttributes(buf, pos + 8, pos + transformLength);
      if (attributes instanceof DecodeResult.Err<List<TransformAttribute>> e) {
        return e.cast();
      }
      transforms.add(new Transform(type, id, attributes.orElseThrow()));
      pos += transformLength;
    }
    if (!transforms.isEmpty() && !sawLast) {
      return DecodeResult.fail(
          IkeParseError.Kind.INVALID_PAYLOAD, end, "last transform has Last Substruc 3");
    }
    if (transforms.size() != expectedCount) {
      return DecodeResult.fail(
          IkeParseError.Kind.INVALID_PAYLOAD,
          countOffset,
          "Num Transforms " + expectedCount + " but " + transforms.size() + " present");
    }
    return DecodeResult.ok(transforms);
  }

  private static DecodeResult<List<TransformAttribute>> decodeAttributes(
      byte[] buf, int start, int end) {
    List<TransformAttribute> attributes = new ArrayList<>();
    int pos = start;
    boolean sawKeyLength = false;
    while (pos < end) {
      int at = pos;
      if (end - pos < 4) {
        return DecodeResult.fail(IkeParseError.Kind.TRUNCATED, pos, "attribute header needs 4");
      }
      int word = Wire.u16(buf, pos);
      boolean tv = (word & 0x8000) != 0;
      int type = word & 0x7FFF;
      TransformAttribute attribute;
      if (tv) {
        attribute = new TransformAttribute(type, true, Bytes.copyOf(buf, pos + 2, 2));
        pos += 4;
      } else {
        int valueLength = Wire.u16(buf, pos + 2);
        if (valueLength > end - pos - 4) {
          return DecodeResult.fail(
              IkeParseError.Kind.INVALID_PAYLOAD,
              pos + 2,
              "attribute length " + valueLength + " does not fit");
        }
        attribute = new TransformAttribute(type, false, Bytes.copyOf(buf, pos + 4, valueLength));
        pos += 4 + valueLength;
      }
      if (type == ATTRIBUTE_KEY_LENGTH) {
        if (!tv) {
          return DecodeResult.fail(
              IkeParseError.Kind.INVALID_PAYLOAD, at, "Key Length attribute must be TV");
        }
        if (sawKeyLength) {
          return DecodeResult.fail(
              IkeParseError.Kind.INVALID_PAYLOAD, at, "duplicate Key Length attribute");
        }
        sawKeyLength = true;
      }
      attributes.add(attribute);
    }
    return DecodeResult.ok(attributes);
  }

  @Override
  public int bodyLength() {
    int n = 0;
    for (Proposal p : proposals) {
      n += p.encodedLength();
    }
    return n;
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    for (int i = 0; i < proposals.size(); i++) {
      Proposal p = proposals.get(i);
      Wire.putU8(out, i == proposals.size() - 1 ? 0 : 2);
      Wire.putU8(out, 0);
      Wire.putU16(out, checkedLength(p.encodedLength()));
      Wire.putU8(out, p.number());
      Wire.putU8(out, p.protocolId().value());
      Wire.putU8(out, p.spi().length());
      Wire.putU8(out, p.transforms().size());
      p.spi().writeTo(out);
      List<Transform> transforms = p.transforms();
      for (int j = 0; j < transforms.size(); j++) {
        Transform t = transforms.get(j);
        Wire.putU8(out, j == transforms.size() - 1 ? 0 : 3);
        Wire.putU8(out, 0);
        Wire.putU16(out, checkedLength(t.encodedLength()));
        Wire.putU8(out, t.type().value());
        Wire.putU8(out, 0);
        Wire.putU16(out, t.id());
        for (TransformAttribute a : t.attributes()) {
          Wire.putU16(out, (a.shortForm() ? 0x8000 : 0) | a.type());
          if (a.shortForm()) {
            a.value().writeTo(out);
          } else {
            Wire.putU16(out, a.value().length());
            a.value().writeTo(out);
          }
        }
      }
    }
  }

  private static int checkedLength(int length) {
    if (length > 0xFFFF) {
      throw new IllegalStateException("SA substructure of " + length + " bytes does not fit");
    }
    return length;
  }
}
