package org.meshsec.ike.v1.message;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.meshsec.ike.message.Bytes;

/** One or more synthetic instances of every IKEv1 payload record, for round trips and fuzzing. */
final class V1Samples {
  private V1Samples() {}

  static final long CKY_I = 0x0102030405060708L;
  static final long CKY_R = 0x1112131415161718L;

  static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  static Bytes hex(String h) {
    return Bytes.fromHex(h);
  }

  /** A phase 1 proposal: AES-CBC-256, SHA2-256, MODP-2048, PSK, 28800 s as a 4-byte TLV. */
  static SaPayload phase1Sa() {
    SaPayload.Transform t =
        new SaPayload.Transform(
            1,
            SaPayload.KEY_IKE,
            List.of(
                DataAttribute.basic(Phase1Attribute.ENCRYPTION_ALGORITHM.value(), 7),
                DataAttribute.basic(Phase1Attribute.KEY_LENGTH.value(), 256),
                DataAttribute.basic(Phase1Attribute.HASH_ALGORITHM.value(), 4),
                DataAttribute.basic(Phase1Attribute.GROUP_DESCRIPTION.value(), 14),
                DataAttribute.basic(Phase1Attribute.AUTHENTICATION_METHOD.value(), 1),
                DataAttribute.basic(Phase1Attribute.LIFE_TYPE.value(), 1),
                DataAttribute.number(Phase1Attribute.LIFE_DURATION.value(), 86400)));
    SaPayload.Transform t2 =
        new SaPayload.Transform(
            2,
            SaPayload.KEY_IKE,
            List.of(
                DataAttribute.basic(Phase1Attribute.ENCRYPTION_ALGORITHM.value(), 5),
                DataAttribute.basic(Phase1Attribute.HASH_ALGORITHM.value(), 2),
                DataAttribute.variable(Phase1Attribute.GROUP_PRIME.value(), hex("ffffffff"))));
    return SaPayload.of(new SaPayload.Proposal(1, ProtocolId.ISAKMP, Bytes.EMPTY, List.of(t, t2)));
  }

  /** A Quick Mode offer: proposal 1 = AH and ESP together, proposal 2 = ESP alone. */
  static SaPayload quickModeSa() {
    SaPayload.Transform esp =
        new SaPayload.Transform(
            1,
            SaPayload.ESP_AES_CBC,
            List.of(
                DataAttribute.basic(IpsecAttribute.SA_LIFE_TYPE.value(), 1),
                DataAttribute.number(IpsecAttribute.SA_LIFE_DURATION.value(), 3600),
                DataAttribute.basic(
                    IpsecAttribute.ENCAPSULATION_MODE.value(),
                    IpsecAttribute.EncapsulationMode.UDP_ENCAPSULATED_TUNNEL.value()),
                DataAttribute.basic(
                    IpsecAttribute.AUTHENTICATION_ALGORITHM.value(),
                    IpsecAttribute.AuthAlgorithm.HMAC_SHA2_256.value()),
                DataAttribute.basic(IpsecAttribute.KEY_LENGTH.value(), 128),
                DataAttribute.basic(IpsecAttribute.GROUP_DESCRIPTION.value(), 19)));
    SaPayload.Transform ah = new SaPayload.Transform(1, 5, List.of());
    return SaPayload.of(
        new SaPayload.Proposal(1, ProtocolId.AH, hex("0000aaaa"), List.of(ah)),
        new SaPayload.Proposal(1, ProtocolId.ESP, hex("0000bbbb"), List.of(esp)),
        new SaPayload.Proposal(2, ProtocolId.ESP, hex("0000cccc"), List.of(esp)));
  }

  static List<Payload> all() {
    List<Payload> out = new ArrayList<>();
    out.add(phase1Sa());
    out.add(quickModeSa());
    out.add(new KePayload(Bytes.of(new byte[256])));
    out.add(IdPayload.address(ip("192.0.2.1")));
    out.add(IdPayload.address(ip("2001:db8::1")).withProtocolPort(17, 500));
    out.add(IdPayload.subnet(ip("10.0.0.0"), 24, 6, 443));
    out.add(IdPayload.subnet(ip("2001:db8::"), 48, 0, 0));
    out.add(IdPayload.range(ip("10.0.0.1"), ip("10.0.0.9"), 0, 0));
    out.add(IdPayload.range(ip("2001:db8::1"), ip("2001:db8::9"), 17, 0));
    out.add(IdPayload.fqdn("vpn.example.org"));
    out.add(IdPayload.userFqdn("alice@example.org"));
    out.add(IdPayload.derDn(HexFormat.of().parseHex("3010310e300c06035504030c05616c696365")));
    out.add(new IdPayload(IdType.KEY_ID, 0, 0, hex("c0ffee")));
    out.add(new CertPayload(CertEncoding.X509_SIGNATURE, hex("3003020101")));
    out.add(new CertReqPayload(CertEncoding.X509_SIGNATURE, Bytes.EMPTY));
    out.add(new CertReqPayload(CertEncoding.X509_SIGNATURE, hex("3011310f")));
    out.add(new HashPayload(hex("00112233445566778899aabbccddeeff00112233")));
    out.add(new SigPayload(hex("30440220")));
    out.add(new NoncePayload(hex("0001020304050607")));
    out.add(NotifyPayload.aboutIsakmpSa(NotifyType.INITIAL_CONTACT, CKY_I, CKY_R, Bytes.EMPTY));
    out.add(NotifyPayload.dpd(false, CKY_I, CKY_R, 0x12345678L));
    out.add(NotifyPayload.dpd(true, CKY_I, CKY_R, 0x12345678L));
    out.add(NotifyPayload.error(NotifyType.NO_PROPOSAL_CHOSEN));
    byte[] lifetime =
        new byte[] {(byte) 0x80, 0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x0e, 0x10};
    out.add(
        new NotifyPayload(
            SaPayload.DOI_IPSEC,
            ProtocolId.ESP,
            hex("0000bbbb"),
            NotifyType.RESPONDER_LIFETIME,
            Bytes.of(lifetime)));
    out.add(
        new NotifyPayload(
            SaPayload.DOI_IPSEC,
            ProtocolId.ESP,
            hex("0000bbbb"),
            NotifyType.REPLAY_STATUS,
            hex("00000001")));
    out.add(DeletePayload.esp(0x0000bbbb, 0x0000cccc));
    out.add(DeletePayload.isakmpSa(CKY_I, CKY_R));
    out.add(new VendorIdPayload(hex("afcad71368a1f1c96b8696fc77570100")));
    out.add(new VendorIdPayload(Bytes.EMPTY));
    out.add(new NatDPayload(hex("38595ce51cbb0041a11dc8bfcd598f427d6fc591")));
    out.add(NatOaPayload.of(ip("192.168.1.10")));
    out.add(NatOaPayload.of(ip("2001:db8::10")));
    out.add(new UnknownPayload(new PayloadType(130), hex("0102")));
    out.add(new UnknownPayload(new PayloadType(99), Bytes.EMPTY));
    return out;
  }

  static IsakmpHeader header(ExchangeType exchange, long messageId) {
    return IsakmpHeader.of(CKY_I, CKY_R, exchange, messageId);
  }
}
