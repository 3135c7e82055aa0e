package org.meshsec.ike.config;

import java.util.Locale;
import java.util.Objects;
import org.meshsec.esp.EspSuite;
import org.meshsec.ike.crypto.DhGroup;

/**
 * One Child SA (ESP) proposal (RFC 7296 section 3.3): an ESP suite, an optional key exchange for
 * perfect forward secrecy in CREATE_CHILD_SA (section 1.3.1; never used in IKE_AUTH, where the
 * Child SA takes its keys from the IKE SA's exchange), and whether Extended Sequence Numbers are
 * used (RFC 4303 section 2.2.1).
 *
 * @param suite the ESP suite
 * @param pfsGroup the key exchange for CREATE_CHILD_SA, {@link DhGroup#NONE} for none
 * @param esn whether to use 64-bit sequence numbers
 */
public record EspProposal(EspSuite suite, DhGroup pfsGroup, boolean esn) {

  /** AES-128-GCM-16 without PFS and without ESN. */
  public static final EspProposal AES128GCM =
      new EspProposal(EspSuite.AES128_GCM16, DhGroup.NONE, false);

  public EspProposal {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(pfsGroup, "pfsGroup");
    if (!pfsGroup.equals(DhGroup.NONE) && !pfsGroup.isSupported()) {
      throw new IllegalArgumentException("unsupported PFS group " + pfsGroup);
    }
  }

  /** Whether a key exchange runs in CREATE_CHILD_SA. */
  public boolean hasPfs() {
    return !pfsGroup.equals(DhGroup.NONE);
  }

  /**
   * Parses strongSwan's keywords: {@code aes128gcm16}, {@code aes256-sha256}, {@code
   * aes128gcm16-curve25519} (PFS), {@code aes128gcm16-esn}.
   */
  public static EspProposal parse(String text) {
    String[] parts = text.trim().toLowerCase(Locale.ROOT).split("-");
    int next;
    EspSuite suite;
    if (parts[0].contains("gcm") || parts[0].startsWith("chacha")) {
      suite = EspSuite.parse(parts[0]);
      next = 1;
    } else {
      suite = parts.length >= 2 ? EspSuite.parse(parts[0] + "-" + parts[1]) : null;
      next = 2;
    }
    if (suite == null) {
      throw new IllegalArgumentException("unknown ESP cipher in " + text);
    }
    DhGroup pfs = DhGroup.NONE;
    boolean esn = false;
    for (int i = next; i < parts.length; i++) {
      switch (parts[i]) {
        case "esn" -> esn = true;
        case "noesn" -> esn = false;
        default -> pfs = IkeProposal.group(parts[i]);
      }
    }
    return new EspProposal(suite, pfs, esn);
  }

  /**
   * The proposal in the configuration's keywords, as {@link #parse} reads it back: {@code
   * aes128gcm16}, {@code aes128gcm16-x25519-esn}.
   */
  public String configName() {
    return suite.configName()
        + (hasPfs() ? "-" + IkeProposal.groupName(pfsGroup) : "")
        + (esn ? "-esn" : "");
  }

  @Override
  public String toString() {
    return configName();
  }
}
