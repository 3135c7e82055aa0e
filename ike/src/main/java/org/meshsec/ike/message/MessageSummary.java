package org.meshsec.ike.message;

import java.util.List;
import java.util.Map;

/**
 * A message in one line, in the notation of strongSwan's logs: {@code IKE_AUTH request 1 [ IDi AUTH
 * SA TSi TSr N(INIT_CONTACT) ]}, notify types by strongSwan's short names ({@code N(NATD_S_IP)},
 * {@code N(NO_PROP)}), the payload types of RFC 7296 section 3.2 abbreviated as strongSwan does
 * ({@code No}, {@code D}, {@code V}, {@code CPRQ}, {@code EF(1/3)}). Used for the DEBUG line of
 * each message sent and received and by the tests that step through exchanges. Stateless.
 */
public final class MessageSummary {
  private MessageSummary() {}

  /** strongSwan's short notify names (its {@code notify_type_short_names}); others in full. */
  private static final Map<Integer, String> SHORT =
      Map.ofEntries(
          Map.entry(1, "CRIT"),
          Map.entry(4, "INVAL_IKE_SPI"),
          Map.entry(5, "INVAL_MAJOR"),
          Map.entry(7, "INVAL_SYN"),
          Map.entry(9, "INVAL_MID"),
          Map.entry(11, "INVAL_SPI"),
          Map.entry(14, "NO_PROP"),
          Map.entry(17, "INVAL_KE"),
          Map.entry(24, "AUTH_FAILED"),
          Map.entry(34, "SINGLE_PAIR"),
          Map.entry(35, "NO_ADD_SAS"),
          Map.entry(36, "INT_ADDR_FAIL"),
          Map.entry(37, "FAIL_CP_REQ"),
          Map.entry(38, "TS_UNACCEPT"),
          Map.entry(39, "INVAL_SEL"),
          Map.entry(43, "TEMP_FAIL"),
          Map.entry(44, "CHILD_SA_NOT_FOUND"),
          Map.entry(16384, "INIT_CONTACT"),
          Map.entry(16385, "SET_WINSIZE"),
          Map.entry(16386, "ADD_TS_POSS"),
          Map.entry(16387, "IPCOMP_SUP"),
          Map.entry(16388, "NATD_S_IP"),
          Map.entry(16389, "NATD_D_IP"),
          Map.entry(16390, "COOKIE"),
          Map.entry(16391, "USE_TRANSP"),
          Map.entry(16393, "REKEY_SA"),
          Map.entry(16394, "ESP_TFC_PAD_N"),
          Map.entry(16395, "NON_FIRST_FRAG"),
          Map.entry(16396, "MOBIKE_SUP"),
          Map.entry(16403, "AUTH_LFT"),
          Map.entry(16404, "MULT_AUTH"),
          Map.entry(16406, "REDIR_SUP"),
          Map.entry(16418, "CHDLESS_SUP"),
          Map.entry(16430, "FRAG_SUP"),
          Map.entry(16431, "HASH_ALG"));

  /** The message as strongSwan logs it: the SK payload's content in its place, without braces. */
  public static String of(Message m) {
    return line(m, false);
  }

  /**
   * The same with the SK payload shown as {@code SK { ... }}: what is encrypted and what is not
   * ({@code IKE_AUTH request 1 [ SK { IDi AUTH SA TSi TSr } ]}).
   */
  public static String structure(Message m) {
    return line(m, true);
  }

  private static String line(Message m, boolean showSk) {
    StringBuilder b = new StringBuilder();
    b.append(m.header().exchangeType())
        .append(m.header().isRequest() ? " request " : " response ")
        .append(m.header().messageId())
        .append(" [");
    append(b, m.payloads(), showSk);
    return b.append(" ]").toString();
  }

  /** A notify type by strongSwan's short name, e.g. {@code NO_PROP}. */
  public static String shortName(NotifyType type) {
    return SHORT.getOrDefault(type.value(), type.name());
  }

  private static void append(StringBuilder b, List<Payload> payloads, boolean showSk) {
    for (Payload p : payloads) {
      if (p instanceof SkPayload sk) {
        if (showSk) {
          b.append(" SK {");
          append(b, sk.payloads(), true);
          b.append(" }");
        } else {
          append(b, sk.payloads(), false);
        }
        continue;
      }
      b.append(' ');
      if (p instanceof NotifyPayload n) {
        b.append("N(").append(shortName(n.notifyType())).append(')');
      } else if (p instanceof IdPayload id) {
        b.append(id.initiator() ? "IDi" : "IDr");
      } else if (p instanceof TsPayload ts) {
        b.append(ts.initiator() ? "TSi" : "TSr");
      } else if (p instanceof SkfPayload f) {
        b.append("EF(")
            .append(f.fragmentNumber())
            .append('/')
            .append(f.totalFragments())
            .append(')');
      } else if (p instanceof CpPayload cp) {
        b.append(
            switch (cp.cfgType().value()) {
              case 1 -> "CPRQ";
              case 2 -> "CPRP";
              case 3 -> "CPS";
              case 4 -> "CPA";
              default -> "CP";
            });
      } else {
        b.append(
            switch (p.type().value()) {
              case 40 -> "No";
              default -> p.type().toString();
            });
      }
    }
  }
}
