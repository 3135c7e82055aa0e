package org.meshsec.ike.v1.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.message.Bytes;

/** The IKEv1 payload table (the recorded strongSwan messages pass it: StrongSwanV1KeysTest). */
class ExchangeRulesTest {
  private static final HashPayload HASH = new HashPayload(Bytes.fromHex("00112233"));
  private static final NoncePayload NONCE = new NoncePayload(Bytes.fromHex("0001020304050607"));
  private static final KePayload KE = new KePayload(Bytes.fromHex("abcd"));

  private static IsakmpMessage m(ExchangeType e, Payload... payloads) {
    return IsakmpMessage.of(V1Samples.header(e, 0), payloads);
  }

  private static Optional<ParseError.Kind> kind(IsakmpMessage m, int number) {
    return ExchangeRules.check(m, number).map(ParseError::kind);
  }

  @Test
  void mainMode() {
    ExchangeType mm = ExchangeType.IDENTITY_PROTECTION;
    SaPayload sa = V1Samples.phase1Sa();
    VendorIdPayload vid = new VendorIdPayload(Bytes.fromHex("01"));
    assertEquals(Optional.empty(), kind(m(mm, sa, vid, vid), 1));
    assertEquals(Optional.of(ParseError.Kind.MISSING_PAYLOAD), kind(m(mm, vid), 1));
    assertEquals(Optional.of(ParseError.Kind.UNEXPECTED_PAYLOAD), kind(m(mm, sa, KE), 1));
    assertEquals(Optional.of(ParseError.Kind.TOO_MANY_PAYLOADS), kind(m(mm, sa, sa), 2));
    assertEquals(Optional.empty(), kind(m(mm, KE, NONCE), 3));
    IdPayload id = IdPayload.fqdn("a.example");
    assertEquals(Optional.empty(), kind(m(mm, id, HASH), 5));
    assertEquals(Optional.empty(), kind(m(mm, id, new SigPayload(Bytes.fromHex("01"))), 6));
    assertEquals(Optional.of(ParseError.Kind.MISSING_PAYLOAD), kind(m(mm, id), 5));
    // strongSwan's (5) with signatures: ID CERT SIG CERTREQ N(INITIAL_CONTACT)
    CertPayload cert = new CertPayload(CertEncoding.X509_SIGNATURE, Bytes.fromHex("3000"));
    CertReqPayload cr = new CertReqPayload(CertEncoding.X509_SIGNATURE, Bytes.fromHex("3000"));
    NotifyPayload contact = NotifyPayload.error(NotifyType.INVALID_ID_INFORMATION);
    SigPayload sig = new SigPayload(Bytes.fromHex("01"));
    assertEquals(Optional.empty(), kind(m(mm, id, cert, sig, cr, contact), 5));
    assertEquals(Optional.empty(), kind(m(mm, id, cert, cert, sig), 6));
    ParseError none = ExchangeRules.check(m(mm, sa), 7).orElseThrow();
    assertEquals(Optional.of(NotifyType.UNSUPPORTED_EXCHANGE_TYPE), none.reply());
    assertEquals(-1, none.offset());
    // Unknown payloads are skipped.
    assertEquals(
        Optional.empty(),
        kind(m(mm, sa, new UnknownPayload(new PayloadType(130), Bytes.EMPTY)), 2));
  }

  @Test
  void quickMode() {
    ExchangeType qm = ExchangeType.QUICK_MODE;
    SaPayload sa = V1Samples.quickModeSa();
    IdPayload a = IdPayload.address(V1Samples.ip("10.0.0.1"));
    IdPayload b = IdPayload.address(V1Samples.ip("10.0.1.1"));
    assertEquals(Optional.empty(), kind(m(qm, HASH, sa, NONCE, KE, a, b), 1));
    assertEquals(Optional.of(ParseError.Kind.UNEXPECTED_PAYLOAD), kind(m(qm, sa, HASH, NONCE), 1));
    assertEquals(
        Optional.of(ParseError.Kind.TOO_MANY_PAYLOADS), kind(m(qm, HASH, sa, NONCE, a, b, a), 2));
    assertEquals(Optional.empty(), kind(m(qm, HASH), 3));
    assertEquals(Optional.of(ParseError.Kind.UNEXPECTED_PAYLOAD), kind(m(qm, HASH, NONCE), 3));
  }

  @Test
  void informational() {
    ExchangeType info = ExchangeType.INFORMATIONAL;
    NotifyPayload dpd = NotifyPayload.dpd(false, 1, 2, 7);
    IsakmpHeader encrypted = V1Samples.header(info, 9).withWireFields(PayloadType.HASH, true, 0);
    assertEquals(
        Optional.empty(), ExchangeRules.check(new IsakmpMessage(encrypted, List.of(HASH, dpd)), 0));
    assertEquals(
        Optional.of(ParseError.Kind.UNEXPECTED_PAYLOAD),
        ExchangeRules.check(new IsakmpMessage(encrypted, List.of(dpd)), 0).map(ParseError::kind));
    assertEquals(
        Optional.of(ParseError.Kind.MISSING_PAYLOAD),
        ExchangeRules.check(new IsakmpMessage(encrypted, List.of(HASH)), 0).map(ParseError::kind));
    // Before phase 1 completes an informational is plaintext, without HASH.
    assertEquals(
        Optional.empty(), kind(m(info, NotifyPayload.error(NotifyType.NO_PROPOSAL_CHOSEN)), 0));
    assertEquals(Optional.of(ParseError.Kind.UNEXPECTED_PAYLOAD), kind(m(info, KE), 0));
  }
}
