package org.meshsec.ike.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded generator of valid payloads with random contents, one method per payload type. */
final class RandomPayloads {
  private final Random random;

  RandomPayloads(long seed) {
    this.random = new Random(seed);
  }

  Random random() {
    return random;
  }

  Bytes bytes(int length) {
    byte[] b = new byte[length];
    random.nextBytes(b);
    return Bytes.of(b);
  }

  Bytes bytes(int min, int max) {
    return bytes(min + random.nextInt(max - min + 1));
  }

  int u8() {
    return random.nextInt(256);
  }

  int u16() {
    return random.nextInt(0x10000);
  }

  SaPayload sa() {
    int count = 1 + random.nextInt(3);
    List<SaPayload.Proposal> proposals = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      ProtocolId protocol =
          switch (random.nextInt(4)) {
            case 0 -> ProtocolId.IKE;
            case 1 -> ProtocolId.AH;
            case 2 -> ProtocolId.ESP;
            default -> new ProtocolId(4 + random.nextInt(250));
          };
      int spiSize =
          protocol.equals(ProtocolId.IKE)
              ? (random.nextBoolean() ? 0 : 8)
              : protocol.isChildSaProtocol() ? 4 : random.nextInt(9);
      List<SaPayload.Transform> transforms = new ArrayList<>();
      int n = random.nextInt(6);
      for (int t = 0; t < n; t++) {
        List<SaPayload.TransformAttribute> attributes = new ArrayList<>();
        if (random.nextBoolean()) {
          attributes.add(SaPayload.TransformAttribute.keyLength(u16()));
        }
        if (random.nextInt(4) == 0) {
          attributes.add(
              new SaPayload.TransformAttribute(1 + random.nextInt(13), false, bytes(0, 6)));
        }
        if (random.nextInt(4) == 0) {
          attributes.add(
              new SaPayload.TransformAttribute(15 + random.nextInt(100), true, bytes(2)));
        }
        transforms.add(
            new SaPayload.Transform(new TransformType(1 + random.nextInt(12)), u16(), attributes));
      }
      proposals.add(new SaPayload.Proposal(i, protocol, bytes(spiSize), transforms));
    }
    if (count == 1 && random.nextBoolean()) {
      SaPayload.Proposal p = proposals.get(0);
      proposals.set(
          0,
          new SaPayload.Proposal(1 + random.nextInt(255), p.protocolId(), p.spi(), p.transforms()));
    }
    return new SaPayload(proposals);
  }

  KePayload ke() {
    int group = random.nextBoolean() ? 19 : 1000 + random.nextInt(100);
    int expected = KePayload.expectedLength(group);
    return new KePayload(group, bytes(expected > 0 ? expected : 1 + random.nextInt(300)));
  }

  IdPayload id() {
    boolean initiator = random.nextBoolean();
    return switch (random.nextInt(7)) {
      case 0 -> new IdPayload(initiator, IdType.IPV4_ADDR, bytes(4));
      case 1 -> new IdPayload(initiator, IdType.IPV6_ADDR, bytes(16));
      case 2 -> new IdPayload(initiator, IdType.FQDN, printable(1, 60));
      case 3 -> new IdPayload(initiator, IdType.RFC822_ADDR, printable(1, 60));
      case 4 -> new IdPayload(initiator, IdType.KEY_ID, bytes(1, 40));
      case 5 -> {
        int contentLength = random.nextInt(300);
        Bytes content = bytes(contentLength);
        byte[] der;
        if (contentLength < 128) {
          der = new byte[2 + contentLength];
          der[1] = (byte) contentLength;
          content.copyTo(der, 2);
        } else {
          der = new byte[4 + contentLength];
          der[1] = (byte) 0x82;
          der[2] = (byte) (contentLength >> 8);
          der[3] = (byte) contentLength;
          content.copyTo(der, 4);
        }
        der[0] = 0x30;
        yield new IdPayload(initiator, IdType.DER_ASN1_DN, Bytes.of(der));
      }
      default -> new IdPayload(initiator, new IdType(200 + random.nextInt(50)), bytes(0, 20));
    };
  }

  Bytes printable(int min, int max) {
    int n = min + random.nextInt(max - min + 1);
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (0x20 + random.nextInt(0x5F));
    }
    return Bytes.of(b);
  }

  CertPayload cert() {
    CertEncoding encoding =
        random.nextBoolean() ? CertEncoding.X509_SIGNATURE : CertEncoding.HASH_URL_X509;
    return new CertPayload(encoding, bytes(encoding.isHashAndUrl() ? 21 : 1, 400));
  }

  CertReqPayload certReq() {
    return new CertReqPayload(CertEncoding.X509_SIGNATURE, bytes(20 * random.nextInt(4)));
  }

  AuthPayload auth() {
    return switch (random.nextInt(3)) {
      case 0 -> new AuthPayload(AuthMethod.SHARED_KEY_MIC, bytes(1, 64));
      case 1 -> AuthPayload.digitalSignature(bytes(1, 40), bytes(1, 300));
      default -> new AuthPayload(new AuthMethod(9 + random.nextInt(3)), bytes(1, 140));
    };
  }

  NoncePayload nonce() {
    return new NoncePayload(bytes(16, 256));
  }

  NotifyPayload notifyPayload() {
    return switch (random.nextInt(6)) {
      case 0 -> NotifyPayload.of(NotifyType.NAT_DETECTION_SOURCE_IP, bytes(20));
      case 1 -> NotifyPayload.of(NotifyType.COOKIE, bytes(1, 64));
      case 2 ->
          NotifyPayload.forChildSa(
              ProtocolId.ESP, random.nextInt(), NotifyType.REKEY_SA, Bytes.EMPTY);
      case 3 ->
          NotifyPayload.of(
              NotifyType.SIGNATURE_HASH_ALGORITHMS, bytes(2 * (1 + random.nextInt(4))));
      case 4 -> NotifyPayload.of(NotifyType.INVALID_KE_PAYLOAD, bytes(2));
      default -> {
        ProtocolId protocol = new ProtocolId(random.nextInt(2));
        Bytes spi = bytes(random.nextBoolean() ? 0 : 8);
        Bytes data = bytes(0, 50);
        NotifyType type;
        do {
          type = new NotifyType(u16());
        } while (NotifyPayload.problem(protocol, spi.length(), type, data.length()) != null);
        yield new NotifyPayload(protocol, spi, type, data);
      }
    };
  }

  DeletePayload delete() {
    if (random.nextInt(3) == 0) {
      return DeletePayload.ikeSa();
    }
    int[] spis = new int[random.nextInt(5)];
    for (int i = 0; i < spis.length; i++) {
      spis[i] = random.nextInt();
    }
    return DeletePayload.childSas(random.nextBoolean() ? ProtocolId.ESP : ProtocolId.AH, spis);
  }

  VendorIdPayload vendorId() {
    return new VendorIdPayload(bytes(0, 40));
  }

  TsPayload ts() {
    List<TrafficSelector> selectors = new ArrayList<>();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      int kind = random.nextInt(5);
      if (kind == 4) {
        selectors.add(
            new TrafficSelector.Opaque(new TsType(10 + random.nextInt(50)), u8(), bytes(0, 30)));
      } else {
        TsType type = kind % 2 == 0 ? TsType.IPV4_ADDR_RANGE : TsType.IPV6_ADDR_RANGE;
        selectors.add(
            new TrafficSelector.AddressRange(
                type,
                u8(),
                u16(),
                u16(),
                bytes(type.addressLength()),
                bytes(type.addressLength())));
      }
    }
    return new TsPayload(random.nextBoolean(), selectors);
  }

  CpPayload cp() {
    List<CpPayload.Attribute> attributes = new ArrayList<>();
    int n = random.nextInt(5);
    for (int i = 0; i < n; i++) {
      attributes.add(
          switch (random.nextInt(5)) {
            case 0 -> CpPayload.Attribute.request(CfgAttributeType.INTERNAL_IP4_ADDRESS);
            case 1 -> new CpPayload.Attribute(CfgAttributeType.INTERNAL_IP4_DNS, bytes(4));
            case 2 -> new CpPayload.Attribute(CfgAttributeType.INTERNAL_IP6_ADDRESS, bytes(17));
            case 3 ->
                new CpPayload.Attribute(CfgAttributeType.APPLICATION_VERSION, printable(0, 20));
            default ->
                new CpPayload.Attribute(
                    new CfgAttributeType(16 + random.nextInt(1000)), bytes(0, 10));
          });
    }
    return new CpPayload(new CfgType(1 + random.nextInt(4)), attributes);
  }

  EapPayload eap() {
    byte[] m = bytes(4, 60).toByteArray();
    m[2] = (byte) (m.length >> 8);
    m[3] = (byte) m.length;
    return new EapPayload(Bytes.of(m));
  }

  UnknownPayload unknown() {
    int type;
    do {
      type = 1 + random.nextInt(255);
    } while (new PayloadType(type).isKnown());
    return new UnknownPayload(new PayloadType(type), false, bytes(0, 40));
  }

  /** Any payload allowed inside an SK payload. */
  Payload any() {
    return switch (random.nextInt(16)) {
      case 0 -> sa();
      case 1 -> ke();
      case 2 -> id();
      case 3 -> cert();
      case 4 -> certReq();
      case 5 -> auth();
      case 6 -> nonce();
      case 7 -> notifyPayload();
      case 8 -> delete();
      case 9 -> vendorId();
      case 10 -> ts();
      case 11 -> cp();
      case 12 -> eap();
      default -> unknown();
    };
  }

  List<Payload> anyList(int max) {
    int n = random.nextInt(max + 1);
    List<Payload> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(any());
    }
    return list;
  }

  IkeHeader header(ExchangeType exchange) {
    return IkeHeader.of(
        random.nextLong(),
        random.nextLong(),
        exchange,
        random.nextBoolean(),
        random.nextBoolean(),
        random.nextInt() & 0xFFFF_FFFFL);
  }
}
