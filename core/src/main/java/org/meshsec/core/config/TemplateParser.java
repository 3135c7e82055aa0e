package org.meshsec.core.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.meshsec.core.spd.IpsecTemplate;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;

/**
 * The IPsec template of a PROTECT {@code [[policy]]} (RFC 4301 section 4.4.1.2, "processing info"):
 * mode, peer, local address and ESP suites written in the policy for manually keyed SAs, or taken
 * from the {@code [[peer]]} named by {@code ike} for negotiated ones. Stateless.
 */
final class TemplateParser {
  /** Default ESP proposal of a PROTECT policy. */
  static final List<EspSuite> DEFAULT_SUITES = List.of(EspSuite.AES128_GCM16);

  private TemplateParser() {}

  /**
   * The template; null when invalid (reported).
   *
   * @param selectorVersion the IP version of the policy's selector, 0 if unknown (invalid)
   * @param ike the {@code [[peer]]} named by the policy's {@code ike} key, or null
   */
  static IpsecTemplate parse(
      TomlSection s,
      NodeSettings node,
      int selectorVersion,
      String ike,
      Map<String, IkePeer> peers,
      Set<String> peerNames) {
    if (ike != null) {
      return ikeTemplate(s, selectorVersion, ike, peers, peerNames);
    }
    boolean ok = true;
    IpsecMode mode = Fields.mode(s, "mode");
    ok &= mode != null;
    InetAddress peer = null;
    String peerText = s.requireString("peer");
    if (peerText != null) {
      peer = Fields.address(s, "peer", new TomlSection.Item(peerText, s.lineOf("peer")), true);
    }
    ok &= peer != null;
    Fields.Local resolved = Fields.local(s, node, peer, "peer", peerText);
    ok &= resolved.ok();
    InetAddress local = resolved.address();
    if (mode == IpsecMode.TRANSPORT
        && peer != null
        && selectorVersion != 0
        && selectorVersion != Addresses.version(peer)) {
      s.error(
          "mode",
          "transport mode protects traffic between the two hosts themselves, so src and dst must"
              + " be "
              + Addresses.versionName(Addresses.version(peer))
              + " like peer "
              + peerText
              + "; use mode = \"tunnel\"");
      ok = false;
    }
    List<EspSuite> suites = new ArrayList<>();
    List<TomlSection.Item> names = s.stringList("esp");
    if (names == null) {
      if (s.has("esp")) {
        ok = false;
      } else {
        suites.addAll(DEFAULT_SUITES);
      }
    } else {
      if (names.isEmpty()) {
        s.error("esp", "must list at least one suite");
        ok = false;
      }
      for (TomlSection.Item it : names) {
        EspSuite suite = Fields.suite(s, "esp", it);
        if (suite == null) {
          ok = false;
        } else if (suites.contains(suite)) {
          s.errorAt(it.line(), s.where() + " esp: suite " + suite + " is listed twice");
          ok = false;
        } else {
          suites.add(suite);
        }
      }
    }
    if (!ok) {
      return null;
    }
    return new IpsecTemplate(mode, suites, local, peer);
  }

  /**
   * The template of a policy negotiated with {@code [[peer]] ike}: its addresses come from the peer
   * ({@code peer} and {@code local} may be written, and must then agree), its suites from the
   * peer's ESP proposals.
   */
  private static IpsecTemplate ikeTemplate(
      TomlSection s,
      int selectorVersion,
      String ike,
      Map<String, IkePeer> peers,
      Set<String> peerNames) {
    boolean ok = true;
    IpsecMode mode = Fields.mode(s, "mode");
    ok &= mode != null;
    IkePeer p = peers.get(ike);
    if (p == null) {
      if (!peerNames.contains(ike)) {
        s.error(
            "ike", "no [[peer]] named \"" + ike + "\"" + TomlSection.suggestion(ike, peerNames));
      }
      return null; // an invalid peer is reported where it is written
    }
    for (String k : List.of("peer", "local")) {
      String text = s.string(k);
      if (text == null) {
        ok &= !s.has(k);
        continue;
      }
      InetAddress a = Fields.address(s, k, new TomlSection.Item(text, s.lineOf(k)), true);
      InetAddress expected = k.equals("peer") ? p.address() : p.local();
      if (a == null) {
        ok = false;
      } else if (!a.equals(expected)) {
        s.error(
            k,
            text
                + " differs from [[peer]] \""
                + ike
                + "\"'s "
                + (k.equals("peer") ? "address " : "local ")
                + Addresses.format(expected)
                + " (with ike, the addresses come from the peer; leave "
                + k
                + " out)");
        ok = false;
      }
    }
    if (s.has("esp")) {
      s.error(
          "esp",
          "with ike, the ESP proposals are those of [[peer]] \""
              + ike
              + "\" (set esp there, e.g. esp = [\"aes128gcm16-x25519\"])");
      ok = false;
    }
    if (mode == IpsecMode.TRANSPORT
        && selectorVersion != 0
        && selectorVersion != Addresses.version(p.address())) {
      s.error(
          "mode",
          "transport mode protects traffic between the two hosts themselves, so src and dst must"
              + " be "
              + Addresses.versionName(Addresses.version(p.address()))
              + " like [[peer]] \""
              + ike
              + "\"'s address; use mode = \"tunnel\"");
      ok = false;
    }
    if (!ok) {
      return null;
    }
    List<EspSuite> suites = p.espProposals().stream().map(e -> e.suite()).distinct().toList();
    return new IpsecTemplate(mode, suites, p.local(), p.address());
  }
}
