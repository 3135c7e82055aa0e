package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.Wire;

/**
 * Security Association payload, SA (RFC 2408 section 3.4), for the IPsec DOI (RFC 2407 section
 * 4.6.1), with its Proposal (section 3.5) and Transform (section 3.6) payloads.
 *
 * <pre>
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ! Next Payload  !   RESERVED    !         Payload Length        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !              Domain of Interpretation  (IPSEC_DOI = 1)        !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * !                 Situation (32-bit bitmask)                    !
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ~                  <Proposal payloads>                          ~
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * The SA payload's own Next Payload names the payload after the SA, never a Proposal (section 3.4):
 * the proposals are chained by their own Next Payload fields, 2 on each but the last, which has 0.
 * Validation at decode: DOI 1, else DOI-NOT-SUPPORTED; Situation SIT_IDENTITY_ONLY only
 * (SIT_SECRECY and SIT_INTEGRITY need labelled-domain fields nobody sends), else
 * SITUATION-NOT-SUPPORTED; at least one proposal; proposal numbers non-decreasing (equal numbers
 * are one proposal of several protocols, section 4.2); every length fits its container exactly;
 * Number of Transforms matches and is at least 1; SPI Size 0, 8 or 16 for ISAKMP and 4 for AH and
 * ESP; proposal and transform Next Payload fields as above. Structural errors answer
 * BAD-PROPOSAL-SYNTAX, truncated attributes PAYLOAD-MALFORMED.
 *
 * <p>The body ({@link #encodeBody()}) is SAi_b of RFC 2409 section 5; it re-encodes byte for byte
 * when the peer sent the RESERVED fields as zero, which RFC 2408 requires.
 *
 * @param doi the Domain of Interpretation, {@link #DOI_IPSEC}
 * @param situation the IPsec DOI situation bitmask, {@link #SIT_IDENTITY_ONLY}
 * @param proposals the proposals in order
 */
public record SaPayload(long doi, long situation, List<Proposal> proposals) implements Payload {
  /** The IPsec DOI (RFC 2407 section 6.1). */
  public static final long DOI_IPSEC = 1;

  /** SIT_IDENTITY_ONLY (RFC 2407 section 4.2.1). */
  public static final long SIT_IDENTITY_ONLY = 1;

  /** Transform ID KEY_IKE, the only phase 1 transform (RFC 2407 section 4.4.2). */
  public static final int KEY_IKE = 1;

  /** ESP transform ids (RFC 2407 section 4.4.4; AES-CBC, RFC 3602 section 5). */
  public static final int ESP_3DES = 3;

  public static final int ESP_NULL = 11;
  public static final int ESP_AES_CBC = 12;

  public SaPayload {
    Wire.requireRange("DOI", doi, 0, 0xFFFF_FFFFL);
    Wire.requireRange("situation", situation, 0, 0xFFFF_FFFFL);
    proposals = List.copyOf(proposals);
    if (proposals.isEmpty()) {
      throw new IllegalArgumentException("an SA payload needs at least one proposal");
    }
  }

  /** An IPsec DOI, identity-only SA payload with the given proposals. */
  public static SaPayload of(Proposal... proposals) {
    return new SaPayload(DOI_IPSEC, SIT_IDENTITY_ONLY, List.of(proposals));
  }

  @Override
  public PayloadType type() {
    return PayloadType.SA;
  }

  @Override
  public int bodyLength() {
    int n = 8;
    for (Proposal p : proposals) {
      n += p.encodedLength();
    }
    return n;
  }

  @Override
  public void encodeBody(ByteBuffer out) {
    Wire.putU32(out, doi);
    Wire.putU32(out, situation);
    for (int i = 0; i < proposals.size(); i++) {
      proposals.get(i).encode(out, i + 1 < proposals.size());
    }
  }

  /** Decodes the body at {@code offset}, {@code length} bytes. */
  public static ParseResult<SaPayload> decode(byte[] buf, int offset, int length) {
    if (length < 8) {
      return ParseResult.fail(
          ParseError.Kind.TRUNCATED, offset, "SA payload body of " + length + " bytes");
    }
    long doi = Wire.u32(buf, offset);
    if (doi != DOI_IPSEC) {
      return ParseResult.invalid(NotifyType.DOI_NOT_SUPPORTED, offset, "DOI " + doi);
    }
    long situation = Wire.u32(buf, offset + 4);
    if (situation != SIT_IDENTITY_ONLY) {
      return ParseResult.invalid(
          NotifyType.SITUATION_NOT_SUPPORTED, offset + 4, "situation " + situation);
    }
    List<Proposal> proposals = new ArrayList<>();
    int pos = offset + 8;
    int end = offset + length;
    int next = PayloadType.PROPOSAL.value();
    int lastNumber = 0;
    while (next != 0) {
      if (next != PayloadType.PROPOSAL.value()) {
        return ParseResult.invalid(
            NotifyType.BAD_PROPOSAL_SYNTAX, pos, "payload " + next + " in the proposal chain");
      }
      if (end - pos < 8) {
        return ParseResult.fail(
            ParseError.Kind.TRUNCATED, pos, "proposal needs 8 bytes, " + (end - pos) + " left");
      }
      next = Wire.u8(buf, pos);
      int plen = Wire.u16(buf, pos + 2);
      if (plen < 8 || plen > end - pos) {
        return ParseResult.invalid(
            NotifyType.BAD_PROPOSAL_SYNTAX,
            pos + 2,
            "proposal length " + plen + " with " + (end - pos) + " bytes left");
      }
      ParseResult<Proposal> p = Proposal.decode(buf, pos, plen);
      if (p instanceof ParseResult.Err<Proposal> e) {
        return e.cast();
      }
      Proposal proposal = p.orElseThrow();
      if (proposal.number() < lastNumber) {
        return ParseResult.invalid(
            NotifyType.BAD_PROPOSAL_SYNTAX,
            pos + 4,
            "proposal number " + proposal.number() + " after " + lastNumber);
      }
      lastNumber = proposal.number();
      proposals.add(proposal);
      pos += plen;
    }
    if (pos != end) {
      return ParseResult.invalid(
          NotifyType.BAD_PROPOSAL_SYNTAX, pos, (end - pos) + " bytes after the last proposal");
    }
    return ParseResult.ok(new SaPayload(doi, situation, proposals));
  }

  /**
   * Proposal payload (RFC 2408 section 3.5). Proposals with the same number form one offer of
   * several protocols (e.g. AH and ESP, section 4.2).
   *
   * <pre>
   *                      1                   2                   3
   *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * ! Next Payload  !   RESERVED    !         Payload Length        !
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * !  Proposal #   !  Protocol-Id  !    SPI Size   !# of Transforms!
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * !                        SPI (variable)                         !
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * ~                    <Transform payloads>                       ~
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * </pre>
   *
   * @param number the Proposal #
   * @param protocolId the protocol (ISAKMP in phase 1, AH/ESP in Quick Mode)
   * @param spi the SPI, empty for ISAKMP in practice, 4 bytes for AH and ESP
   * @param transforms the transforms, alternatives in order of preference
   */
  public record Proposal(int number, ProtocolId protocolId, Bytes spi, List<Transform> transforms) {
    public Proposal {
      Wire.requireRange("proposal number", number, 0, 255);
      Objects.requireNonNull(protocolId, "protocolId");
      Objects.requireNonNull(spi, "spi");
      transforms = List.copyOf(transforms);
      Wire.requireRange("transform count", transforms.size(), 1, 255);
      String problem = spiSizeProblem(protocolId, spi.length());
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }

    static String spiSizeProblem(ProtocolId protocol, int size) {
      if (protocol.equals(ProtocolId.ISAKMP)) {
        return size == 0 || size == 8 || size == 16 ? null : "ISAKMP SPI of " + size + " bytes";
      }
      if (protocol.equals(ProtocolId.AH) || protocol.equals(ProtocolId.ESP)) {
        return size == 4 ? null : protocol + " SPI of " + size + " bytes";
      }
      return size <= 16 ? null : "SPI of " + size + " bytes";
    }

    int encodedLength() {
      int n = 8 + spi.length();
      for (Transform t : transforms) {
        n += t.encodedLength();
      }
      return n;
    }

    void encode(ByteBuffer out, boolean more) {
      Wire.putU8(out, more ? PayloadType.PROPOSAL.value() : 0);
      Wire.putU8(out, 0);
      Wire.putU16(out, encodedLength());
      Wire.putU8(out, number);
      Wire.putU8(out, protocolId.value());
      Wire.putU8(out, spi.length());
      Wire.putU8(out, transforms.size());
      spi.writeTo(out);
      for (int i = 0; i < transforms.size(); i++) {
        transforms.get(i).encode(out, i + 1 < transforms.size());
      }
    }

    /** Decodes a proposal whose generic header is at {@code pos}, {@code length} bytes in all. */
    static ParseResult<Proposal> decode(byte[] buf, int pos, int length) {
      int number = Wire.u8(buf, pos + 4);
      ProtocolId protocol = new ProtocolId(Wire.u8(buf, pos + 5));
      int spiSize = Wire.u8(buf, pos + 6);
      int count = Wire.u8(buf, pos + 7);
      int end = pos + length;
      String problem = spiSizeProblem(protocol, spiSize);
      if (problem != null) {
        return ParseResult.invalid(NotifyType.BAD_PROPOSAL_SYNTAX, pos + 6, problem);
      }
      if (spiSize > length - 8) {
        return ParseResult.invalid(
            NotifyType.BAD_PROPOSAL_SYNTAX, pos + 6, "SPI of " + spiSize + " bytes does not fit");
      }
      if (count == 0) {
        return ParseResult.invalid(
            NotifyType.BAD_PROPOSAL_SYNTAX, pos + 7, "proposal without transforms");
      }
      Bytes spi = Bytes.copyOf(buf, pos + 8, spiSize);
      List<Transform> transforms = new ArrayList<>();
      int t = pos + 8 + spiSize;
      int next = PayloadType.TRANSFORM.value();
      while (next != 0) {
        if (next != PayloadType.TRANSFORM.value()) {
          return ParseResult.invalid(
              NotifyType.BAD_PROPOSAL_SYNTAX, t, "payload " + next + " in the transform chain");
        }
        if (end - t < 8) {
          return ParseResult.fail(
              ParseError.Kind.TRUNCATED, t, "transform needs 8 bytes, " + (end - t) + " left");
        }
        next = Wire.u8(buf, t);
        int tlen = Wire.u16(buf, t + 2);
        if (tlen < 8 || tlen > end - t) {
          return ParseResult.invalid(
              NotifyType.BAD_PROPOSAL_SYNTAX,
              t + 2,
              "transform length " + tlen + " with " + (end - t) + " bytes left");
        }
        ParseResult<List<DataAttribute>> attrs = DataAttribute.decodeAll(buf, t + 8, tlen - 8);
        if (attrs instanceof ParseResult.Err<List<DataAttribute>> e) {
          return e.cast();
        }
        transforms.add(
            new Transform(Wire.u8(buf, t + 4), Wire.u8(buf, t + 5), attrs.orElseThrow()));
        t += tlen;
      }
      if (t != end) {
        return ParseResult.invalid(
            NotifyType.BAD_PROPOSAL_SYNTAX, t, (end - t) + " bytes after the last transform");
      }
      if (transforms.size() != count) {
        return ParseResult.invalid(
            NotifyType.BAD_PROPOSAL_SYNTAX,
            pos + 7,
            "# of Transforms " + count + " but " + transforms.size() + " present");
      }
      return ParseResult.ok(new Proposal(number, protocol, spi, transforms));
    }
  }

  /**
   * Transform payload (RFC 2408 section 3.6).
   *
   * <pre>
   *                      1                   2                   3
   *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * ! Next Payload  !   RESERVED    !         Payload Length        !
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * !  Transform #  !  Transform-Id !           RESERVED2           !
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * ~                        SA Attributes                          ~
   * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
   * </pre>
   *
   * @param number the Transform #
   * @param transformId KEY_IKE in phase 1; the ESP/AH transform id in Quick Mode
   * @param attributes the SA attributes ({@link Phase1Attribute} or {@link IpsecAttribute} classes)
   */
  public record Transform(int number, int transformId, List<DataAttribute> attributes) {
    public Transform {
      Wire.requireRange("transform number", number, 0, 255);
      Wire.requireRange("transform id", transformId, 0, 255);
      attributes = List.copyOf(attributes);
    }

    /** The first attribute of {@code type}, if any. */
    public Optional<DataAttribute> attribute(int type) {
      return attributes.stream().filter(a -> a.type() == type).findFirst();
    }

    int encodedLength() {
      return 8 + DataAttribute.encodedLength(attributes);
    }

    void encode(ByteBuffer out, boolean more) {
      Wire.putU8(out, more ? PayloadType.TRANSFORM.value() : 0);
      Wire.putU8(out, 0);
      Wire.putU16(out, encodedLength());
      Wire.putU8(out, number);
      Wire.putU8(out, transformId);
      Wire.putU16(out, 0);
      DataAttribute.encodeAll(attributes, out);
    }
  }
}
