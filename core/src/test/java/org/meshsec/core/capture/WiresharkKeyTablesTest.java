package org.meshsec.core.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.sad.SaInfo;
import org.meshsec.core.sad.SaSecrets;
import org.meshsec.core.sad.SaState;
import org.meshsec.core.spd.Direction;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.sa.IkeSaSecrets;

/**
 * The Wireshark 4.0 key table lines, byte for byte, for the suites meshsec negotiates (the names
 * are Wireshark's value strings in packet-isakmp.c and packet-ipsec.c), and the files' modes.
 * KeyExportNetnsTest checks with tshark that Wireshark reads them.
 */
class WiresharkKeyTablesTest {
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path dir;

  static SecretBytes bytes(int n, int first) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (first + i);
    }
    return SecretBytes.wrap(b);
  }

  static SaSecrets esp(Direction d, int spi, EspSuite suite) throws Exception {
    InetAddress local = InetAddress.getByName("192.0.2.1");
    InetAddress peer = InetAddress.getByName("192.0.2.2");
    SaInfo info =
        new SaInfo(
            d,
            spi,
            SaState.MATURE,
            local,
            4500,
            peer,
            4500,
            IpsecMode.TUNNEL,
            null,
            1,
            suite,
            false,
            64,
            SaLifetime.NONE,
            SaLifetime.NONE,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            -1,
            0);
    return new SaSecrets(info, bytes(suite.keyMaterialLength(), 1), 0);
  }

  @Test
  void ikeGcmLine() {
    IkeSaSecrets s =
        new IkeSaSecrets(
            0x0102030405060708L,
            0x1112131415161718L,
            EspSuite.AES128_GCM16,
            bytes(20, 0x20),
            bytes(20, 0x40),
            bytes(0, 0),
            bytes(0, 0));
    assertEquals(
        "0102030405060708,1112131415161718,"
            + HEX.formatHex(bytes(20, 0x20).copy())
            + ","
            + HEX.formatHex(bytes(20, 0x40).copy())
            + ",\"AES-GCM-128 with 16 octet ICV [RFC5282]\",,,\"NONE [RFC4306]\"",
        WiresharkKeyTables.ikeLine(s));
  }

  @Test
  void ikeCbcLine() {
    IkeSaSecrets s =
        new IkeSaSecrets(
            -1L,
            2L,
            EspSuite.AES256_CBC_SHA256,
            bytes(32, 0),
            bytes(32, 1),
            bytes(32, 2),
            bytes(32, 3));
    String l = WiresharkKeyTables.ikeLine(s);
    assertTrue(l.startsWith("ffffffffffffffff,0000000000000002,"), l);
    assertTrue(l.contains(",\"AES-CBC-256 [RFC3602]\","), l);
    assertTrue(l.endsWith(",\"HMAC_SHA2_256_128 [RFC4868]\""), l);
    assertEquals(8, l.split(",", -1).length, l);
  }

  @Test
  void espLinesNameTheOuterSourceAndDestinationOfTheirDirection() throws Exception {
    String out = WiresharkKeyTables.espLine(esp(Direction.OUT, 0x12345678, EspSuite.AES128_GCM16));
    assertEquals(
        "\"IPv4\",\"192.0.2.1\",\"192.0.2.2\",\"0x12345678\","
            + "\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x"
            + HEX.formatHex(bytes(20, 1).copy())
            + "\",\"NULL\",\"0x\"",
        out);
    String in =
        WiresharkKeyTables.espLine(esp(Direction.IN, 0xc0000001, EspSuite.AES128_CBC_SHA256));
    assertEquals(
        "\"IPv4\",\"192.0.2.2\",\"192.0.2.1\",\"0xc0000001\",\"AES-CBC [RFC3602]\",\"0x"
            + HEX.formatHex(bytes(16, 1).copy())
            + "\",\"HMAC-SHA-256-128 [RFC4868]\",\"0x"
            + HEX.formatHex(bytes(32, 17).copy())
            + "\"",
        in);
  }

  @Test
  void chachaIsACommentSayingWhy() throws Exception {
    String l = WiresharkKeyTables.espLine(esp(Direction.OUT, 0x1000, EspSuite.CHACHA20_POLY1305));
    assertTrue(l.startsWith("# ESP SA 0x00001000: "), l);
    assertTrue(l.contains("not decryptable by Wireshark 4.0"), l);
    assertFalse(l.contains(HEX.formatHex(bytes(8, 1).copy())), "no key in a comment");
  }

  @Test
  void filesAre0600InA0700DirectoryAndAppend() throws Exception {
    Path d = dir.resolve("keys");
    WiresharkKeyTables.Lines one =
        WiresharkKeyTables.lines(
            List.of(), List.of(esp(Direction.OUT, 0x1000, EspSuite.AES128_GCM16)));
    KeyTableFiles.write(d, one, true);
    KeyTableFiles.write(d, one, true);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
    for (String f : List.of("esp_sa", "ikev2_decryption_table")) {
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.resolve(f))));
    }
    List<String> esp = Files.readAllLines(d.resolve("esp_sa"));
    assertEquals(1, esp.stream().filter(l -> l.startsWith("#")).count(), esp.toString());
    assertEquals(2, esp.stream().filter(l -> !l.startsWith("#")).count(), esp.toString());

    // an existing file with a wide mode is narrowed; a replace keeps only the new lines
    Files.setPosixFilePermissions(
        d.resolve("esp_sa"), PosixFilePermissions.fromString("rw-r--r--"));
    KeyTableFiles.write(d, one, false);
    assertEquals(
        "rw-------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(d.resolve("esp_sa"))));
    assertEquals(2, Files.readAllLines(d.resolve("esp_sa")).size());
  }

  @Test
  void aSymbolicLinkIsNotFollowed() throws Exception {
    Path d = Files.createDirectory(dir.resolve("k"));
    Path target = dir.resolve("elsewhere");
    Files.writeString(target, "");
    Files.createSymbolicLink(d.resolve("esp_sa"), target);
    WiresharkKeyTables.Lines one =
        WiresharkKeyTables.lines(
            List.of(), List.of(esp(Direction.OUT, 0x1000, EspSuite.AES128_GCM16)));
    assertThrows(java.io.IOException.class, () -> KeyTableFiles.write(d, one, true));
    assertEquals("", Files.readString(target));
  }
}
