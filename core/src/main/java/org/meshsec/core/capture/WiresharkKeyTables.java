package org.meshsec.core.capture;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.meshsec.core.sad.SaInfo;
import org.meshsec.core.sad.SaSecrets;
import org.meshsec.core.spd.Direction;
import org.meshsec.esp.EncrAlgorithm;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IntegAlgorithm;
import org.meshsec.ike.sa.IkeSaSecrets;
import org.meshsec.inet.InetText;

/**
 * The two key tables of Wireshark (4.0, as Debian 12 ships it) for IPsec captures, one record per
 * line in the text format of its "user accessible tables" (UAT), the files Wireshark reads from its
 * configuration directory and {@code tshark -o uat:TABLE:RECORD} takes on the command line:
 *
 * <pre>
 *  ikev2_decryption_table (packet-isakmp.c): SPIi, SPIr, SK_ei, SK_er, encryption algorithm,
 *                                            SK_ai, SK_ar, integrity algorithm
 *    1a2b3c4d5e6f7081,0011223344556677,a1b2...,c3d4...,"AES-GCM-128 with 16 octet ICV [RFC5282]",,,"NONE [RFC4306]"
 *  esp_sa (packet-ipsec.c):                  protocol, source, destination, SPI, encryption
 *                                            algorithm, encryption key, authentication
 *                                            algorithm, authentication key
 *    "IPv4","192.0.2.1","192.0.2.2","0x12345678","AES-GCM with 16 octet ICV [RFC4106]","0x...","NULL","0x"
 * </pre>
 *
 * Byte fields of the IKEv2 table are bare hex; the ESP table's fields are quoted strings, its keys
 * hex behind {@code 0x}. Algorithm names are Wireshark's own value strings and must match them
 * exactly. An AEAD key is followed by its 4-byte salt in both tables (RFC 5282 section 7.1, RFC
 * 4106 section 8.1), as meshsec keeps it. An SA whose algorithm Wireshark 4.0 cannot decrypt
 * (ChaCha20-Poly1305) becomes a {@code #} comment line naming it, so the operator sees why it is
 * missing.
 *
 * <p>The lines hold key material: they are written only to root-only files and never logged.
 * Stateless and thread-safe.
 */
public final class WiresharkKeyTables {
  /** The IKEv2 table's file and UAT name. */
  public static final String IKE_TABLE = "ikev2_decryption_table";

  /** The ESP table's file and UAT name. */
  public static final String ESP_TABLE = "esp_sa";

  private static final HexFormat HEX = HexFormat.of();

  private WiresharkKeyTables() {}

  /** Both tables' lines (records and explanatory comments). */
  public record Lines(List<String> ike, List<String> esp) {
    public Lines {
      ike = List.copyOf(ike);
      esp = List.copyOf(esp);
    }

    /** Records that Wireshark will use (comment lines excluded), IKE and ESP. */
    public int records() {
      return (int)
          (ike.stream().filter(l -> !l.startsWith("#")).count()
              + esp.stream().filter(l -> !l.startsWith("#")).count());
    }
  }

  /** The lines for these SAs. Does not wipe the secrets. */
  public static Lines lines(List<IkeSaSecrets> ike, List<SaSecrets> esp) {
    List<String> i = new ArrayList<>();
    for (IkeSaSecrets s : ike) {
      i.add(ikeLine(s));
    }
    List<String> e = new ArrayList<>();
    for (SaSecrets s : esp) {
      e.add(espLine(s));
    }
    return new Lines(i, e);
  }

  /** One record of {@code ikev2_decryption_table}, or a comment if Wireshark cannot use it. */
  public static String ikeLine(IkeSaSecrets s) {
    String spis = String.format("%016x,%016x", s.spiI(), s.spiR());
    Optional<String> encr = ikeEncryption(s.suite());
    Optional<String> integ = ikeIntegrity(s.suite());
    if (encr.isEmpty() || integ.isEmpty()) {
      return "# IKE SA " + spis + ": " + s.suite() + " is not decryptable by Wireshark 4.0";
    }
    return spis
        + ","
        + hex(s.skEi().copy())
        + ","
        + hex(s.skEr().copy())
        + ",\""
        + encr.get()
        + "\","
        + hex(s.skAi().copy())
        + ","
        + hex(s.skAr().copy())
        + ",\""
        + integ.get()
        + "\"";
  }

  /** One record of {@code esp_sa}, or a comment if Wireshark cannot use it. */
  public static String espLine(SaSecrets s) {
    SaInfo i = s.info();
    EspSuite suite = i.suite();
    // The record matches the outer header of the ESP packets: we send OUT SAs, the peer IN ones.
    InetAddress src = i.direction() == Direction.OUT ? i.local() : i.peer();
    InetAddress dst = i.direction() == Direction.OUT ? i.peer() : i.local();
    String spi = String.format("0x%08x", i.spi());
    Optional<String> encr = espEncryption(suite);
    Optional<String> auth = espAuthentication(suite);
    if (encr.isEmpty() || auth.isEmpty()) {
      return "# ESP SA " + spi + ": " + suite + " is not decryptable by Wireshark 4.0";
    }
    byte[] km = s.keyMaterial().copy();
    try {
      int enc = suite.encKeyLength() + suite.saltLength();
      String encKey = hex(java.util.Arrays.copyOfRange(km, 0, enc));
      String authKey = hex(java.util.Arrays.copyOfRange(km, enc, km.length));
      return String.join(
          ",",
          quote(src instanceof Inet4Address ? "IPv4" : "IPv6"),
          quote(InetText.format(src)),
          quote(InetText.format(dst)),
          quote(spi),
          quote(encr.get()),
          quote("0x" + encKey),
          quote(auth.get()),
          quote("0x" + authKey));
    } finally {
      java.util.Arrays.fill(km, (byte) 0);
    }
  }

  /** Wireshark's name for the IKE SA's cipher (packet-isakmp.c vs_ikev2_encr_algs). */
  static Optional<String> ikeEncryption(EspSuite s) {
    EncrAlgorithm e = s.encr();
    if (e.equals(EncrAlgorithm.AES_CBC)) {
      return Optional.of("AES-CBC-" + s.keyBits() + " [RFC3602]");
    }
    if (e.equals(EncrAlgorithm.AES_GCM_16)) {
      return Optional.of("AES-GCM-" + s.keyBits() + " with 16 octet ICV [RFC5282]");
    }
    if (e.equals(EncrAlgorithm.AES_GCM_12)) {
      return Optional.of("AES-GCM-" + s.keyBits() + " with 12 octet ICV [RFC5282]");
    }
    if (e.equals(EncrAlgorithm.NULL)) {
      return Optional.of("NULL [RFC2410]");
    }
    return Optional.empty();
  }

  /** Wireshark's name for the IKE SA's integrity algorithm (vs_ikev2_auth_algs). */
  static Optional<String> ikeIntegrity(EspSuite s) {
    IntegAlgorithm a = s.integ();
    if (a.equals(IntegAlgorithm.NONE)) {
      return Optional.of("NONE [RFC4306]");
    }
    if (a.equals(IntegAlgorithm.HMAC_SHA1_96)) {
      return Optional.of("HMAC_SHA1_96 [RFC2404]");
    }
    if (a.equals(IntegAlgorithm.HMAC_SHA2_256_128)) {
      return Optional.of("HMAC_SHA2_256_128 [RFC4868]");
    }
    if (a.equals(IntegAlgorithm.HMAC_SHA2_384_192)) {
      return Optional.of("HMAC_SHA2_384_192 [RFC4868]");
    }
    if (a.equals(IntegAlgorithm.HMAC_SHA2_512_256)) {
      return Optional.of("HMAC_SHA2_512_256 [RFC4868]");
    }
    return Optional.empty();
  }

  /** Wireshark's name for the ESP cipher (packet-ipsec.c esp_encryption_type_vals). */
  static Optional<String> espEncryption(EspSuite s) {
    EncrAlgorithm e = s.encr();
    if (e.equals(EncrAlgorithm.AES_CBC)) {
      return Optional.of("AES-CBC [RFC3602]");
    }
    if (e.equals(EncrAlgorithm.AES_GCM_16)) {
      return Optional.of("AES-GCM with 16 octet ICV [RFC4106]");
    }
    if (e.equals(EncrAlgorithm.AES_GCM_12)) {
      return Optional.of("AES-GCM with 12 octet ICV [RFC4106]");
    }
    if (e.equals(EncrAlgorithm.NULL)) {
      return Optional.of("NULL");
    }
    return Optional.empty();
  }

  /** Wireshark's name for the ESP integrity algorithm (esp_authentication_type_vals). */
  static Optional<String> espAuthentication(EspSuite s) {
    IntegAlgorithm a = s.integ();
    if (a.equals(IntegAlgorithm.NONE)) {
      return Optional.of("NULL");
    }
    if (a.equals(IntegAlgorithm.HMAC_SHA1_96)) {
      return Optional.of("HMAC-SHA-1-96 [RFC2404]");
    }
    if (a.equals(IntegAlgorithm.HMAC_SHA2_256_128)) {
      return Optional.of("HMAC-SHA-256-128 [RFC4868]");
    }
    if (a.equals(IntegAlgorithm.HMAC_SHA2_384_192)) {
      return Optional.of("HMAC-SHA-384-192 [RFC4868]");
    }
    if (a.equals(IntegAlgorithm.HMAC_SHA2_512_256)) {
      return Optional.of("HMAC-SHA-512-256 [RFC4868]");
    }
    return Optional.empty();
  }

  private static String hex(byte[] b) {
    try {
      return HEX.formatHex(b);
    } finally {
      java.util.Arrays.fill(b, (byte) 0);
    }
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
