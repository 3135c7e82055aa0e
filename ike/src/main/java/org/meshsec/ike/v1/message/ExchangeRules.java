package org.meshsec.ike.v1.message;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which payloads each IKEv1 message may carry (RFC 2409 section 5 for Main and Aggressive Mode, 5.5
 * for Quick Mode, 5.7 for informational exchanges; NAT-D and NAT-OA from RFC 3947 sections 3.2 and
 * 5.2; CERT/CR for signature authentication, section 5.1, where strongSwan sends a CR with its SIG
 * too), as one data table checked in one place. IKEv1 headers do not say which message of an
 * exchange they are, so the caller, which keeps the exchange state, names it.
 *
 * <pre>
 *  exchange        #  required                      also allowed
 *  Main Mode       1  SA                            V
 *                  2  SA                            V
 *                  3  KE, Ni                        NAT-D, CR, V
 *                  4  KE, Nr                        NAT-D, CR, V
 *                  5  ID, HASH|SIG                  CERT, CR, N, V
 *                  6  ID, HASH|SIG                  CERT, CR, N, V
 *  Aggressive      1  SA, KE, Ni, ID                CR, V
 *                  2  SA, KE, Nr, ID, HASH|SIG      NAT-D, CERT, CR, V
 *                  3  HASH|SIG                      NAT-D, CERT, CR, N, V
 *  Quick Mode      1  HASH first, SA, Ni            KE, ID x2, NAT-OA x2, N
 *                  2  HASH first, SA, Nr            KE, ID x2, NAT-OA x2, N
 *                  3  HASH first                    N
 *  Informational   -  HASH first (when encrypted),  N, D
 *                     then N or D
 * </pre>
 *
 * Every payload appears at most once except V, NAT-D, N, D, CERT, CR (any number), and ID and
 * NAT-OA in Quick Mode (at most two). Unknown payloads are skipped (see {@link UnknownPayload}).
 * Stateless and thread-safe.
 */
public final class ExchangeRules {
  private ExchangeRules() {}

  /** What one message must and may carry. */
  private record Rule(
      Set<Integer> required, boolean authPayload, Set<Integer> allowed, boolean hashFirst) {}

  private static final int SA = 1;
  private static final int KE = 4;
  private static final int ID = 5;
  private static final int CERT = 6;
  private static final int CR = 7;
  private static final int HASH = 8;
  private static final int SIG = 9;
  private static final int NONCE = 10;
  private static final int N = 11;
  private static final int D = 12;
  private static final int V = 13;
  private static final int NAT_D = 20;
  private static final int NAT_OA = 21;

  private static final Set<Integer> REPEATABLE = Set.of(V, NAT_D, N, D, CERT, CR);

  private static final Map<String, Rule> RULES = new HashMap<>();

  private static void rule(
      ExchangeType exchange,
      int message,
      Set<Integer> required,
      boolean auth,
      Set<Integer> allowed,
      boolean hashFirst) {
    RULES.put(exchange.value() + "/" + message, new Rule(required, auth, allowed, hashFirst));
  }

  static {
    ExchangeType mm = ExchangeType.IDENTITY_PROTECTION;
    rule(mm, 1, Set.of(SA), false, Set.of(V), false);
    rule(mm, 2, Set.of(SA), false, Set.of(V), false);
    rule(mm, 3, Set.of(KE, NONCE), false, Set.of(NAT_D, CR, V), false);
    rule(mm, 4, Set.of(KE, NONCE), false, Set.of(NAT_D, CR, V), false);
    rule(mm, 5, Set.of(ID), true, Set.of(CERT, CR, N, V), false);
    rule(mm, 6, Set.of(ID), true, Set.of(CERT, CR, N, V), false);
    ExchangeType am = ExchangeType.AGGRESSIVE;
    rule(am, 1, Set.of(SA, KE, NONCE, ID), false, Set.of(CR, V), false);
    rule(am, 2, Set.of(SA, KE, NONCE, ID), true, Set.of(NAT_D, CERT, CR, V), false);
    rule(am, 3, Set.of(), true, Set.of(NAT_D, CERT, CR, N, V), false);
    ExchangeType qm = ExchangeType.QUICK_MODE;
    rule(qm, 1, Set.of(HASH, SA, NONCE), false, Set.of(KE, ID, NAT_OA, N), true);
    rule(qm, 2, Set.of(HASH, SA, NONCE), false, Set.of(KE, ID, NAT_OA, N), true);
    rule(qm, 3, Set.of(HASH), false, Set.of(N), true);
  }

  /**
   * Checks message {@code number} (1-based) of a Main, Aggressive or Quick Mode exchange, or any
   * informational message ({@code number} ignored). An exchange type without rules is refused with
   * UNSUPPORTED-EXCHANGE-TYPE.
   *
   * @return the first violation, or empty
   */
  public static Optional<ParseError> check(IsakmpMessage m, int number) {
    ExchangeType exchange = m.header().exchangeType();
    if (exchange.equals(ExchangeType.INFORMATIONAL)) {
      return checkInformational(m);
    }
    Rule rule = RULES.get(exchange.value() + "/" + number);
    if (rule == null) {
      return Optional.of(
          new ParseError(
              ParseError.Kind.UNEXPECTED_PAYLOAD,
              -1,
              "no rules for " + exchange + " message " + number,
              Optional.of(NotifyType.UNSUPPORTED_EXCHANGE_TYPE)));
    }
    List<Payload> payloads = m.payloads();
    if (rule.hashFirst() && (payloads.isEmpty() || !(payloads.get(0) instanceof HashPayload))) {
      return violation(ParseError.Kind.UNEXPECTED_PAYLOAD, exchange, number, "HASH must be first");
    }
    Map<Integer, Integer> counts = new HashMap<>();
    for (Payload p : payloads) {
      int t = p.type().value();
      if (p instanceof UnknownPayload) {
        continue;
      }
      boolean auth = rule.authPayload() && (t == HASH || t == SIG);
      if (!rule.required().contains(t) && !rule.allowed().contains(t) && !auth) {
        return violation(
            ParseError.Kind.UNEXPECTED_PAYLOAD, exchange, number, p.type() + " not allowed");
      }
      int c = counts.merge(t, 1, Integer::sum);
      int max =
          REPEATABLE.contains(t)
              ? Integer.MAX_VALUE
              : exchange.equals(ExchangeType.QUICK_MODE) && (t == ID || t == NAT_OA) ? 2 : 1;
      if (c > max) {
        return violation(
            ParseError.Kind.TOO_MANY_PAYLOADS, exchange, number, c + " " + p.type() + " payloads");
      }
    }
    for (int t : rule.required()) {
      if (!counts.containsKey(t)) {
        return violation(
            ParseError.Kind.MISSING_PAYLOAD, exchange, number, new PayloadType(t) + " missing");
      }
    }
    if (rule.authPayload() && !counts.containsKey(HASH) && !counts.containsKey(SIG)) {
      return violation(ParseError.Kind.MISSING_PAYLOAD, exchange, number, "HASH or SIG missing");
    }
    return Optional.empty();
  }

  private static Optional<ParseError> checkInformational(IsakmpMessage m) {
    List<Payload> payloads = m.payloads();
    int start = 0;
    if (m.header().encrypted()) {
      if (payloads.isEmpty() || !(payloads.get(0) instanceof HashPayload)) {
        return violation(
            ParseError.Kind.UNEXPECTED_PAYLOAD, m.header().exchangeType(), 0, "HASH must be first");
      }
      start = 1;
    }
    boolean any = false;
    for (Payload p : payloads.subList(start, payloads.size())) {
      if (p instanceof NotifyPayload || p instanceof DeletePayload) {
        any = true;
      } else if (!(p instanceof UnknownPayload)) {
        return violation(
            ParseError.Kind.UNEXPECTED_PAYLOAD,
            m.header().exchangeType(),
            0,
            p.type() + " not allowed");
      }
    }
    if (!any) {
      return violation(
          ParseError.Kind.MISSING_PAYLOAD, m.header().exchangeType(), 0, "no N or D payload");
    }
    return Optional.empty();
  }

  private static Optional<ParseError> violation(
      ParseError.Kind kind, ExchangeType exchange, int number, String what) {
    return Optional.of(ParseError.of(kind, -1, exchange + " message " + number + ": " + what));
  }
}
