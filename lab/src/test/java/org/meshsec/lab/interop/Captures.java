package org.meshsec.lab.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.meshsec.lab.pcap.Pcap;

/**
 * Telling IKE from ESP in captured UDP, and the recorded-exchange files under {@code
 * src/test/resources/captures/strongswan/} that meshsec's IKE codec and key-derivation tests read.
 *
 * <p>Demultiplexing (RFC 3948 section 2): on port 500 every datagram is an IKE message (RFC 7296
 * section 3.1 header first); on port 4500 a datagram starting with four zero bytes (the non-ESP
 * marker) carries an IKE message after the marker, a single 0xFF byte is a NAT keepalive (RFC 3948
 * section 2.3), anything else is ESP with the SPI in its first four bytes.
 *
 * <p>Hex file format: lines starting with {@code #} are comments (what was recorded, by which
 * strongSwan, with which proposal, PSK and identities); the rest is hex, whitespace ignored, of the
 * IKE message alone (marker stripped). Key logs are excerpts of charon's {@code ike 4}/{@code chd
 * 4} log: a line {@code <label> => <n> bytes @ <address>} followed by hex dump lines {@code
 * <offset>: XX XX ...}; {@link #keyLog(String)} reads them back.
 *
 * <p>Stateless; thread-safe.
 */
public final class Captures {
  /** What a UDP datagram on the IKE ports carries. */
  public enum Kind {
    IKE,
    ESP,
    NAT_KEEPALIVE,
    OTHER
  }

  /** IKEv2 exchange types (RFC 7296 section 3.1). */
  public static final int IKE_SA_INIT = 34;

  public static final int IKE_AUTH = 35;
  public static final int CREATE_CHILD_SA = 36;
  public static final int INFORMATIONAL = 37;

  private static final int FLAG_INITIATOR = 0x08;
  private static final int FLAG_RESPONSE = 0x20;

  private Captures() {}

  static Kind classify(Pcap.Udp u) {
    if (u.srcPort() == 500 || u.dstPort() == 500) {
      return u.data().length >= 28 ? Kind.IKE : Kind.OTHER;
    }
    if (u.srcPort() != 4500 && u.dstPort() != 4500) {
      return Kind.OTHER;
    }
    byte[] d = u.data();
    if (d.length == 1 && (d[0] & 0xff) == 0xff) {
      return Kind.NAT_KEEPALIVE;
    }
    if (d.length >= 4 && d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 0) {
      return d.length >= 4 + 28 ? Kind.IKE : Kind.OTHER;
    }
    return d.length >= 8 ? Kind.ESP : Kind.OTHER;
  }

  /** The ESP SPI of a datagram {@link #classify classified} as ESP. */
  static int espSpi(Pcap.Udp u) {
    return ByteBuffer.wrap(u.data()).getInt(0);
  }

  /** The IKE message in {@code u} without the non-ESP marker, or null if it carries none. */
  static IkeMessage ike(Pcap.Udp u) {
    if (classify(u) != Kind.IKE) {
      return null;
    }
    int off = (u.srcPort() == 500 || u.dstPort() == 500) ? 0 : 4;
    return new IkeMessage(u, Arrays.copyOfRange(u.data(), off, u.data().length));
  }

  /**
   * An IKEv2 message as captured, with its fixed header fields (RFC 7296 section 3.1: initiator SPI
   * 8, responder SPI 8, next payload 1, version 1, exchange type 1, flags 1, message ID 4, length
   * 4).
   */
  public record IkeMessage(Pcap.Udp udp, byte[] bytes) {
    public long initiatorSpi() {
      return ByteBuffer.wrap(bytes).getLong(0);
    }

    public long responderSpi() {
      return ByteBuffer.wrap(bytes).getLong(8);
    }

    public int nextPayload() {
      return bytes[16] & 0xff;
    }

    public int exchangeType() {
      return bytes[18] & 0xff;
    }

    public int flags() {
      return bytes[19] & 0xff;
    }

    public boolean response() {
      return (flags() & FLAG_RESPONSE) != 0;
    }

    public boolean fromOriginalInitiator() {
      return (flags() & FLAG_INITIATOR) != 0;
    }

    public long messageId() {
      return ByteBuffer.wrap(bytes).getInt(20) & 0xffffffffL;
    }

    public long length() {
      return ByteBuffer.wrap(bytes).getInt(24) & 0xffffffffL;
    }

    public String exchangeName() {
      return switch (exchangeType()) {
        case IKE_SA_INIT -> "IKE_SA_INIT";
        case IKE_AUTH -> "IKE_AUTH";
        case CREATE_CHILD_SA -> "CREATE_CHILD_SA";
        case INFORMATIONAL -> "INFORMATIONAL";
        default -> "exchange " + exchangeType();
      };
    }

    /** e.g. {@code ikev2_sa_init_request.hex}, {@code ikev2_auth_response.hex}. */
    public String fileName() {
      String ex =
          switch (exchangeType()) {
            case IKE_SA_INIT -> "sa_init";
            case IKE_AUTH -> "auth";
            case CREATE_CHILD_SA -> "create_child_sa";
            case INFORMATIONAL -> "informational";
            default -> "exchange" + exchangeType();
          };
      return "ikev2_" + ex + (response() ? "_response" : "_request") + ".hex";
    }

    @Override
    public String toString() {
      return exchangeName() + (response() ? " response " : " request ") + messageId() + " " + udp;
    }
  }

  /** A hex file: each comment line prefixed with "# ", then the bytes, 32 per line. */
  public static String hexFile(List<String> comments, byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (String c : comments) {
      sb.append("# ").append(c).append('\n');
    }
    HexFormat hex = HexFormat.of();
    for (int i = 0; i < bytes.length; i += 32) {
      sb.append(hex.formatHex(bytes, i, Math.min(bytes.length, i + 32))).append('\n');
    }
    return sb.toString();
  }

  /** The bytes of a hex file: comment lines and whitespace ignored. */
  public static byte[] parseHex(String text) {
    StringBuilder hex = new StringBuilder();
    for (String line : text.split("\n")) {
      if (!line.stripLeading().startsWith("#")) {
        hex.append(line.replaceAll("\\s+", ""));
      }
    }
    return HexFormat.of().parseHex(hex);
  }

  /** The text of a test resource, e.g. {@code captures/strongswan/.../ikev2_auth_request.hex}. */
  public static String resource(String path) {
    try (InputStream in = Captures.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- charon key logs

  private static final Pattern DUMP_HEADER =
      Pattern.compile("\\] (?:<[^>]*> )?(.+?) => (\\d+) bytes @ (?:0x)?[0-9a-fA-F]+\\s*$");
  private static final Pattern DUMP_LINE = Pattern.compile("\\]\\s+(?:<[^>]*>)?\\s*(\\d+): (.*)$");

  /** Labels of charon's key dumps (keymat_v2.c) worth keeping for key-derivation tests. */
  static final List<String> KEY_LABELS =
      List.of(
          "shared Diffie Hellman secret",
          "SKEYSEED",
          "Sk_d secret",
          "Sk_ai secret",
          "Sk_ar secret",
          "Sk_ei secret",
          "Sk_er secret",
          "Sk_pi secret",
          "Sk_pr secret",
          "seed",
          "encryption initiator key",
          "encryption responder key",
          "integrity initiator key",
          "integrity responder key");

  /**
   * The key-material dumps ({@link #KEY_LABELS}) of the first IKE SA and child SA in a charon log
   * written with {@code ike 4}/{@code chd 4}, plus the lines naming the selected proposals and the
   * established SAs and SPIs, in log order.
   */
  public static String keyLogExcerpt(String charonLog) {
    StringBuilder sb = new StringBuilder();
    boolean inDump = false;
    List<String> seen = new ArrayList<>();
    for (String line : charonLog.split("\n")) {
      Matcher h = DUMP_HEADER.matcher(line);
      if (h.find()) {
        String label = h.group(1);
        inDump = KEY_LABELS.contains(label) && !seen.contains(label);
        if (inDump) {
          seen.add(label);
          sb.append(line).append('\n');
        }
        continue;
      }
      if (inDump && DUMP_LINE.matcher(line).find()) {
        sb.append(line).append('\n');
        continue;
      }
      inDump = false;
      if (line.contains("selected proposal:")
          || line.contains("] <") && line.contains("established between")
          || line.contains("established with SPIs")) {
        sb.append(line).append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * Reads the hex dumps of a charon log (or an excerpt): label to bytes, first occurrence of each
   * label. Lines starting with {@code #} are ignored.
   */
  public static Map<String, byte[]> keyLog(String text) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    String label = null;
    byte[] buf = null;
    int filled = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("#")) {
        continue;
      }
      Matcher h = DUMP_HEADER.matcher(line);
      if (h.find()) {
        label = h.group(1);
        buf = new byte[Integer.parseInt(h.group(2))];
        filled = 0;
        if (buf.length == 0 && !out.containsKey(label)) {
          out.put(label, buf);
        }
        continue;
      }
      Matcher d = DUMP_LINE.matcher(line);
      if (buf != null && filled < buf.length && d.find()) {
        int offset = Integer.parseInt(d.group(1));
        if (offset != filled) {
          throw new IllegalArgumentException("hex dump of " + label + " skips to " + offset);
        }
        int n = Math.min(16, buf.length - filled);
        String[] tokens = d.group(2).trim().split("\\s+");
        for (int i = 0; i < n; i++) {
          buf[filled++] = (byte) Integer.parseInt(tokens[i], 16);
        }
        if (filled == buf.length && !out.containsKey(label)) {
          out.put(label, buf);
        }
      }
    }
    return out;
  }
}
