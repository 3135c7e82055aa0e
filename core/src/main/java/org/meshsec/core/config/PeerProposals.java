package org.meshsec.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.meshsec.esp.EspSuite;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.RekeySchedule;

/**
 * What a {@code [[peer]]} negotiates: its IKE and ESP proposal lists (RFC 7296 section 3.3) and the
 * IKE and Child SA lifetimes with their rekey margins. Stateless.
 */
final class PeerProposals {
  static final Duration DEFAULT_MARGIN = Duration.ofMinutes(9);

  private PeerProposals() {}

  /** A parse step that throws IllegalArgumentException with its reason. */
  @FunctionalInterface
  interface ProposalSink {
    void add(String text);
  }

  /**
   * The proposal list under {@code key}, each proposal handed to {@code sink} ({@code def} alone
   * when the key is absent); false when invalid (reported, naming {@code example} as the form to
   * write).
   */
  static boolean parse(TomlSection s, String key, String def, ProposalSink sink, String example) {
    List<TomlSection.Item> items = s.stringList(key);
    if (items == null) {
      if (s.has(key)) {
        return false;
      }
      sink.add(def);
      return true;
    }
    if (items.isEmpty()) {
      s.error(key, "must list at least one proposal");
      return false;
    }
    boolean ok = true;
    List<String> seen = new ArrayList<>();
    for (TomlSection.Item it : items) {
      String text = it.value().trim();
      if (seen.contains(text)) {
        s.errorAt(it.line(), s.where() + " " + key + ": proposal \"" + text + "\" is listed twice");
        ok = false;
        continue;
      }
      seen.add(text);
      try {
        sink.add(text);
      } catch (IllegalArgumentException e) {
        s.errorAt(
            it.line(),
            s.where()
                + " "
                + key
                + ": \""
                + text
                + "\" is not a valid proposal ("
                + e.getMessage()
                + "); write one "
                + example);
        ok = false;
      }
    }
    return ok;
  }

  /** An ESP proposal; its suite must be one the data path implements. */
  static EspProposal espProposal(String text) {
    EspProposal p = EspProposal.parse(text);
    if (!EspSuite.supported().contains(p.suite())) {
      throw new IllegalArgumentException("unsupported ESP suite " + p.suite());
    }
    return p;
  }

  /**
   * A lifetime and its rekey margin, as ipsec.conf's lifetime / margintime with rekeyfuzz 100%: the
   * SA is rekeyed at a random time between {@code lifetime - 2 * margin} and {@code lifetime -
   * margin}, and deleted at {@code lifetime}.
   */
  static RekeySchedule lifetime(TomlSection s, String key, String marginKey, Duration def) {
    Duration life = Durations.parse(s, key, def, false);
    Duration margin = Durations.parse(s, marginKey, DEFAULT_MARGIN, false);
    if (life == null || margin == null) {
      return null;
    }
    if (margin.compareTo(life.dividedBy(2)) >= 0) {
      s.error(
          s.has(marginKey) ? marginKey : key,
          marginKey
              + " "
              + Durations.format(margin)
              + " must be less than half of "
              + key
              + " "
              + Durations.format(life)
              + " (the SA is rekeyed between lifetime - 2 x margin and lifetime - margin)");
      return null;
    }
    return RekeySchedule.of(life.minus(margin), margin, life);
  }
}
