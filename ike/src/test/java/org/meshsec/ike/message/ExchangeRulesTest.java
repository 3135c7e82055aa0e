package org.meshsec.ike.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The exchange rule table: what each exchange may carry, in which direction, encrypted or not. */
class ExchangeRulesTest {
  private static final RandomPayloads R = new RandomPayloads(42);

  private static IkeHeader header(ExchangeType type, boolean response) {
    return IkeHeader.of(1, 2, type, true, response, 0);
  }

  private static Optional<IkeParseError.Kind> kind(Message m) {
    return ExchangeRules.validate(m).map(IkeParseError::kind);
  }

  private static SaPayload ikeSa() {
    return SaPayload.of(new SaPayload.Proposal(1, ProtocolId.IKE, Bytes.EMPTY, List.of()));
  }

  private static KePayload ke() {
    return new KePayload(19, R.bytes(64));
  }

  private static NoncePayload nonce() {
    return new NoncePayload(R.bytes(32));
  }

  @Test
  void ikeSaInit() {
    Message request = CapturedMessageTestSupport.initMessage();
    assertEquals(Optional.empty(), kind(request));
    // The same payloads are a well-formed response too.
    assertEquals(Optional.empty(), ExchangeRules.validate(request, false).map(IkeParseError::kind));

    IkeHeader req = header(ExchangeType.IKE_SA_INIT, false);
    assertEquals(
        Optional.of(IkeParseError.Kind.MISSING_PAYLOAD), kind(Message.of(req, ikeSa(), nonce())));
    assertEquals(
        Optional.of(IkeParseError.Kind.TOO_MANY_PAYLOADS),
        kind(Message.of(req, ikeSa(), ke(), ke(), nonce())));
    assertEquals(
        Optional.of(IkeParseError.Kind.UNEXPECTED_PAYLOAD),
        kind(Message.of(req, ikeSa(), ke(), nonce(), DeletePayload.ikeSa())));
    assertEquals(
        Optional.of(IkeParseError.Kind.UNEXPECTED_PAYLOAD),
        kind(Message.of(req, ikeSa(), ke(), nonce(), SkPayload.of())));
    // CERTREQ is allowed in the response only.
    CertReqPayload certReq = new CertReqPayload(CertEncoding.X509_SIGNATURE, R.bytes(20));
    assertEquals(
        Optional.of(IkeParseError.Kind.UNEXPECTED_PAYLOAD),
        kind(Message.of(req, ikeSa(), ke(), nonce(), certReq)));
    assertEquals(
        Optional.empty(),
        kind(Message.of(header(ExchangeType.IKE_SA_INIT, true), ikeSa(), ke(), nonce(), certReq)));
    // Unknown non-critical payloads are skipped.
    assertEquals(Optional.empty(), kind(Message.of(req, ikeSa(), R.unknown(), ke(), nonce())));
  }

  @Test
  void notifyAloneSufficesInResponses() {
    IkeHeader resp = header(ExchangeType.IKE_SA_INIT, true);
    assertEquals(
        Optional.empty(), kind(Message.of(resp, NotifyPayload.of(NotifyType.COOKIE, R.bytes(16)))));
    assertEquals(
        Optional.empty(),
        kind(
            Message.of(
                resp, NotifyPayload.of(NotifyType.INVALID_KE_PAYLOAD, Bytes.fromHex("000e")))));
    // ... but not in requests.
    assertEquals(
        Optional.of(IkeParseError.Kind.MISSING_PAYLOAD),
        kind(
            Message.of(
                header(ExchangeType.IKE_SA_INIT, false),
                NotifyPayload.of(NotifyType.COOKIE, R.bytes(16)))));
    assertEquals(
        Optional.empty(),
        kind(
            Message.of(
                header(ExchangeType.CREATE_CHILD_SA, true),
                SkPayload.of(NotifyPayload.of(NotifyType.NO_PROPOSAL_CHOSEN)))));
    assertEquals(
        Optional.of(IkeParseError.Kind.MISSING_PAYLOAD),
        kind(
            Message.of(
                header(ExchangeType.CREATE_CHILD_SA, false),
                SkPayload.of(NotifyPayload.of(NotifyType.USE_TRANSPORT_MODE)))));
  }

  @Test
  void protectedExchanges() {
    IkeHeader auth = header(ExchangeType.IKE_AUTH, false);
    IdPayload idi = IdPayload.fqdn(true, "a.example");
    AuthPayload authPayload = new AuthPayload(AuthMethod.SHARED_KEY_MIC, R.bytes(32));
    assertEquals(Optional.empty(), kind(Message.of(auth, SkPayload.of(idi, authPayload))));
    // In the clear.
    assertEquals(
        Optional.of(IkeParseError.Kind.UNENCRYPTED_PAYLOAD),
        kind(Message.of(auth, idi, authPayload)));
    assertEquals(
        Optional.of(IkeParseError.Kind.UNENCRYPTED_PAYLOAD),
        kind(Message.of(auth, idi, SkPayload.of(authPayload))));
    // An unknown payload may precede SK.
    assertEquals(Optional.empty(), kind(Message.of(auth, R.unknown(), SkPayload.of(idi))));
    // Not decrypted yet.
    assertEquals(
        Optional.of(IkeParseError.Kind.NOT_DECRYPTED),
        kind(Message.decode(CapturedMessages.ikeAuth()).orElseThrow()));
    // IDr from the responder only once; IDi not in the response.
    assertEquals(
        Optional.of(IkeParseError.Kind.UNEXPECTED_PAYLOAD),
        kind(Message.of(header(ExchangeType.IKE_AUTH, true), SkPayload.of(idi, authPayload))));
    List<Payload> certs = new ArrayList<>();
    for (int i = 0; i < ExchangeRules.MAX_CERT + 1; i++) {
      certs.add(new CertPayload(CertEncoding.X509_SIGNATURE, R.bytes(10)));
    }
    assertEquals(
        Optional.of(IkeParseError.Kind.TOO_MANY_PAYLOADS),
        kind(Message.of(auth, new SkPayload(certs))));

    IkeHeader info = header(ExchangeType.INFORMATIONAL, false);
    assertEquals(Optional.empty(), kind(Message.of(info, SkPayload.of()))); // liveness check
    assertEquals(Optional.empty(), kind(Message.of(info, SkPayload.of(DeletePayload.ikeSa()))));
    assertEquals(
        Optional.of(IkeParseError.Kind.UNENCRYPTED_PAYLOAD),
        kind(Message.of(info, DeletePayload.ikeSa())));
    assertEquals(Optional.of(IkeParseError.Kind.UNENCRYPTED_PAYLOAD), kind(Message.of(info)));
    assertEquals(
        Optional.of(IkeParseError.Kind.UNEXPECTED_PAYLOAD),
        kind(Message.of(info, SkPayload.of(ikeSa()))));

    IkeHeader child = header(ExchangeType.CREATE_CHILD_SA, false);
    assertEquals(Optional.empty(), kind(Message.of(child, SkPayload.of(ikeSa(), nonce(), ke()))));
    assertEquals(
        Optional.of(IkeParseError.Kind.MISSING_PAYLOAD),
        kind(Message.of(child, SkPayload.of(ikeSa(), ke()))));
  }

  @Test
  void unknownExchange() {
    Optional<IkeParseError> e =
        ExchangeRules.validate(Message.of(header(ExchangeType.IKE_INTERMEDIATE, false)));
    assertEquals(IkeParseError.Kind.UNSUPPORTED_EXCHANGE, e.get().kind());
    assertEquals(Optional.empty(), e.get().reply());
    assertEquals(-1, e.get().offset());
  }

  @Test
  void violationsAnswerInvalidSyntax() {
    IkeParseError e =
        ExchangeRules.validate(Message.of(header(ExchangeType.IKE_SA_INIT, false), ikeSa()))
            .orElseThrow();
    assertEquals(Optional.of(NotifyType.INVALID_SYNTAX), e.notifyType());
    assertTrue(e.detail().contains("KE"), e.detail());
    assertEquals(8, ExchangeRules.RULES.size());
  }
}
