package org.meshsec.ike.message;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which payloads each IKEv2 exchange may carry, as one data table checked in one place ({@link
 * #validate(Message, boolean)}). The table follows RFC 7296 sections 1.2-1.5 and 2.x; its shape
 * (per exchange and direction: payload type, min and max count, "sufficient") follows the rule
 * tables of strongSwan's {@code encoding/message.c}.
 *
 * <p>Semantics:
 *
 * <ul>
 *   <li>IKE_SA_INIT carries everything in the clear; the other exchanges carry every known payload
 *       inside one SK payload (only unknown non-critical payloads may sit outside it).
 *   <li>A known payload without a rule in the exchange is an error; unknown payloads are skipped.
 *   <li>If a payload with a <em>sufficient</em> rule is present, minimum counts are not enforced: a
 *       response that is just {@code N(COOKIE)}, {@code N(INVALID_KE_PAYLOAD)} or {@code
 *       N(NO_PROPOSAL_CHOSEN)} is well-formed; the exchange task decides what it means. Also, a
 *       later IKE_AUTH round of an EAP or multiple-auth conversation carries only EAP or AUTH, so
 *       IDi and AUTH have no minimum there.
 *   <li>Maximum counts bound the work a peer can make us do (20 notifies, 20 vendor ids, 8
 *       certificates, 20 deletes), as strongSwan does.
 * </ul>
 *
 * <p>Exchanges without rules here (e.g. IKE_INTERMEDIATE) yield {@link
 * IkeParseError.Kind#UNSUPPORTED_EXCHANGE}. Immutable and thread-safe.
 */
public final class ExchangeRules {
  private ExchangeRules() {}

  /** Maximum Notify payloads per message. */
  public static final int MAX_NOTIFY = 20;

  /** Maximum Vendor ID payloads per message. */
  public static final int MAX_VENDOR_ID = 20;

  /** Maximum CERT (and CERTREQ) payloads per message. */
  public static final int MAX_CERT = 8;

  /** Maximum Delete payloads per message. */
  public static final int MAX_DELETE = 20;

  /** How often a payload type may appear in a message, and whether its presence suffices. */
  public record PayloadRule(PayloadType type, int min, int max, boolean sufficient) {
    public PayloadRule {
      Objects.requireNonNull(type, "type");
      if (min < 0 || max < min) {
        throw new IllegalArgumentException("bad counts " + min + ".." + max);
      }
    }
  }

  /** The rules for one exchange in one direction. */
  public record MessageRule(
      ExchangeType exchange, boolean request, boolean encrypted, List<PayloadRule> payloads) {
    public MessageRule {
      payloads = List.copyOf(payloads);
    }

    /** The rule for {@code type}, if the exchange allows it. */
    public Optional<PayloadRule> rule(PayloadType type) {
      return payloads.stream().filter(r -> r.type().equals(type)).findFirst();
    }
  }

  private static PayloadRule r(PayloadType type, int min, int max) {
    return new PayloadRule(type, min, max, false);
  }

  private static PayloadRule sufficient(PayloadType type, int min, int max) {
    return new PayloadRule(type, min, max, true);
  }

  private static final PayloadType N = PayloadType.NOTIFY;
  private static final PayloadType V = PayloadType.VENDOR_ID;

  /** The table. */
  public static final List<MessageRule> RULES =
      List.of(
          // RFC 7296 1.2: HDR, SAi1, KEi, Ni  -->
          new MessageRule(
              ExchangeType.IKE_SA_INIT,
              true,
              false,
              List.of(
                  r(N, 0, MAX_NOTIFY),
                  r(PayloadType.SA, 1, 1),
                  r(PayloadType.KE, 1, 1),
                  r(PayloadType.NONCE, 1, 1),
                  r(V, 0, MAX_VENDOR_ID))),
          // <--  HDR, SAr1, KEr, Nr, [CERTREQ]   (or just N(COOKIE) / N(error), section 1.3.1/2.6)
          new MessageRule(
              ExchangeType.IKE_SA_INIT,
              false,
              false,
              List.of(
                  sufficient(N, 0, MAX_NOTIFY),
                  r(PayloadType.SA, 1, 1),
                  r(PayloadType.KE, 1, 1),
                  r(PayloadType.NONCE, 1, 1),
                  r(PayloadType.CERTREQ, 0, MAX_CERT),
                  r(V, 0, MAX_VENDOR_ID))),
          // 1.2: HDR, SK {IDi, [CERT,] [CERTREQ,] [IDr,] AUTH, SAi2, TSi, TSr}  -->  (2.16: EAP)
          new MessageRule(
              ExchangeType.IKE_AUTH,
              true,
              true,
              List.of(
                  r(N, 0, MAX_NOTIFY),
                  sufficient(PayloadType.EAP, 0, 1),
                  sufficient(PayloadType.AUTH, 0, 1),
                  r(PayloadType.IDI, 0, 1),
                  r(PayloadType.CERT, 0, MAX_CERT),
                  r(PayloadType.CERTREQ, 0, MAX_CERT),
                  r(PayloadType.IDR, 0, 1),
                  r(PayloadType.SA, 0, 1),
                  r(PayloadType.TSI, 0, 1),
                  r(PayloadType.TSR, 0, 1),
                  r(PayloadType.CP, 0, 1),
                  r(V, 0, MAX_VENDOR_ID))),
          // <--  HDR, SK {IDr, [CERT,] AUTH, SAr2, TSi, TSr}
          new MessageRule(
              ExchangeType.IKE_AUTH,
              false,
              true,
              List.of(
                  sufficient(N, 0, MAX_NOTIFY),
                  sufficient(PayloadType.EAP, 0, 1),
                  sufficient(PayloadType.AUTH, 0, 1),
                  r(PayloadType.CERT, 0, MAX_CERT),
                  r(PayloadType.IDR, 0, 1),
                  r(PayloadType.SA, 0, 1),
                  r(PayloadType.TSI, 0, 1),
                  r(PayloadType.TSR, 0, 1),
                  r(PayloadType.CP, 0, 1),
                  r(V, 0, MAX_VENDOR_ID))),
          // 1.3: HDR, SK {[N], SA, Ni, [KEi], [TSi, TSr]}  -->
          new MessageRule(
              ExchangeType.CREATE_CHILD_SA,
              true,
              true,
              List.of(
                  r(N, 0, MAX_NOTIFY),
                  r(PayloadType.SA, 1, 1),
                  r(PayloadType.NONCE, 1, 1),
                  r(PayloadType.KE, 0, 1),
                  r(PayloadType.TSI, 0, 1),
                  r(PayloadType.TSR, 0, 1),
                  r(PayloadType.CP, 0, 1),
                  r(V, 0, MAX_VENDOR_ID))),
          // <--  HDR, SK {SA, Nr, [KEr], [TSi, TSr]}   (or just N(error))
          new MessageRule(
              ExchangeType.CREATE_CHILD_SA,
              false,
              true,
              List.of(
                  sufficient(N, 0, MAX_NOTIFY),
                  r(PayloadType.SA, 1, 1),
                  r(PayloadType.NONCE, 1, 1),
                  r(PayloadType.KE, 0, 1),
                  r(PayloadType.TSI, 0, 1),
                  r(PayloadType.TSR, 0, 1),
                  r(PayloadType.CP, 0, 1),
                  r(V, 0, MAX_VENDOR_ID))),
          // 1.4: HDR, SK {[N,] [D,] [CP,] ...}  -->   and the same back
          new MessageRule(
              ExchangeType.INFORMATIONAL,
              true,
              true,
              List.of(
                  r(N, 0, MAX_NOTIFY),
                  r(PayloadType.CP, 0, 1),
                  r(PayloadType.DELETE, 0, MAX_DELETE),
                  r(V, 0, MAX_VENDOR_ID))),
          new MessageRule(
              ExchangeType.INFORMATIONAL,
              false,
              true,
              List.of(
                  r(N, 0, MAX_NOTIFY),
                  r(PayloadType.CP, 0, 1),
                  r(PayloadType.DELETE, 0, MAX_DELETE),
                  r(V, 0, MAX_VENDOR_ID))));

  /** The rules for {@code exchange} in the given direction, if meshsec has any. */
  public static Optional<MessageRule> rule(ExchangeType exchange, boolean request) {
    return RULES.stream()
        .filter(m -> m.exchange().equals(exchange) && m.request() == request)
        .findFirst();
  }

  /** {@link #validate(Message, boolean)} with the direction taken from the Response flag. */
  public static Optional<IkeParseError> validate(Message message) {
    return validate(message, message.header().isRequest());
  }

  /**
   * Checks {@code message} (decrypted or reassembled, if protected) against the rules for its
   * exchange and direction. Returns the first violation; its {@link IkeParseError#reply()} is
   * INVALID_SYNTAX where the peer should hear about it. Offsets are -1.
   */
  public static Optional<IkeParseError> validate(Message message, boolean isRequest) {
    ExchangeType exchange = message.header().exchangeType();
    Optional<MessageRule> found = rule(exchange, isRequest);
    if (found.isEmpty()) {
      return violation(
          IkeParseError.Kind.UNSUPPORTED_EXCHANGE,
          "no rules for " + exchange + (isRequest ? " request" : " response"));
    }
    MessageRule rule = found.get();
    String where = exchange + (isRequest ? " request" : " response");
    List<Payload> outer = message.payloads();
    List<Payload> counted;
    for (Payload p : outer) {
      if (p instanceof SealedSkPayload || p instanceof SkfPayload) {
        return violation(
            IkeParseError.Kind.NOT_DECRYPTED, p.type() + " in " + where + " was not opened");
      }
    }
    if (rule.encrypted()) {
      Optional<SkPayload> sk = message.encryptedPayload();
      if (sk.isEmpty()) {
        return violation(IkeParseError.Kind.UNENCRYPTED_PAYLOAD, where + " without SK payload");
      }
      for (Payload p : outer.subList(0, outer.size() - 1)) {
        if (!(p instanceof UnknownPayload)) {
          return violation(
              IkeParseError.Kind.UNENCRYPTED_PAYLOAD, p.type() + " outside SK in " + where);
        }
      }
      counted = sk.get().payloads();
    } else {
      if (message.encryptedPayload().isPresent()) {
        return violation(IkeParseError.Kind.UNEXPECTED_PAYLOAD, "SK payload in " + where);
      }
      counted = outer;
    }
    Map<PayloadType, Integer> counts = new HashMap<>();
    for (Payload p : counted) {
      if (p instanceof UnknownPayload) {
        continue;
      }
      if (rule.rule(p.type()).isEmpty()) {
        return violation(IkeParseError.Kind.UNEXPECTED_PAYLOAD, p.type() + " in " + where);
      }
      counts.merge(p.type(), 1, Integer::sum);
    }
    boolean complete = false;
    for (PayloadRule pr : rule.payloads()) {
      int n = counts.getOrDefault(pr.type(), 0);
      if (n > pr.max()) {
        return violation(
            IkeParseError.Kind.TOO_MANY_PAYLOADS,
            n + " " + pr.type() + " payloads in " + where + ", at most " + pr.max());
      }
      complete |= pr.sufficient() && n > 0;
    }
    if (!complete) {
      for (PayloadRule pr : rule.payloads()) {
        int n = counts.getOrDefault(pr.type(), 0);
        if (n < pr.min()) {
          return violation(
              IkeParseError.Kind.MISSING_PAYLOAD,
              where + " needs " + pr.min() + " " + pr.type() + ", has " + n);
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<IkeParseError> violation(IkeParseError.Kind kind, String detail) {
    return Optional.of(IkeParseError.of(kind, -1, detail));
  }
}
