package org.meshsec.core.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Selector;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.crypto.IkeSaKeys;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.sa.IkeSaSnapshot;

/** The hot-restart state file: round trip, and every refusal (damaged, stale, foreign, exposed). */
class RestartStateTest {
  @TempDir Path dir;

  static RestartState.Body body(long written, String config) throws Exception {
    RestartState.Sa sa =
        RestartState.sa(
            Direction.OUT,
            0xc0ffee01,
            InetAddress.getByName("192.0.2.1"),
            4500,
            InetAddress.getByName("192.0.2.2"),
            4500,
            IpsecMode.TUNNEL,
            Selector.between(IpPrefix.parse("10.9.0.0/24"), IpPrefix.parse("10.9.1.0/24")),
            "lan",
            Direction.OUT,
            "aes128gcm16",
            new byte[20],
            false,
            64,
            SaLifetime.ofSeconds(20),
            SaLifetime.ofSeconds(30),
            1234);
    return new RestartState.Body(RestartState.VERSION, written, config, List.of(sa), List.of());
  }

  @Test
  void roundTripIsRootOnlyAndDeletedOnLoad() throws Exception {
    Path f = dir.resolve("run/meshsec.state");
    long now = System.currentTimeMillis();
    RestartState.write(f, body(now, "abc"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    assertFalse(Files.readString(f).contains("lan\\\",\\\"key\\\":\\\"00"), "sanity");
    RestartState.Body b = RestartState.readAndDelete(f, "abc", now + 1000);
    assertFalse(Files.exists(f), "deleted once loaded");
    RestartState.Sa sa = b.sas().get(0);
    assertEquals(0xc0ffee01L, sa.spi());
    assertEquals(1234, sa.sequence());
    assertEquals("10.9.0.0/24", sa.selector().src().toString());
    assertEquals(Direction.OUT, sa.dir());
    assertEquals(20, sa.keyBytes().length);
    assertFalse(sa.toString().contains(sa.key()), "no key in toString");
    assertNull(RestartState.readAndDelete(f, "abc", now), "no file: nothing to resume");
  }

  @Test
  void staleForeignDamagedAndExposedFilesAreRefusedAndDeleted() throws Exception {
    Path f = dir.resolve("meshsec.state");
    long now = System.currentTimeMillis();

    RestartState.write(f, body(now - RestartState.MAX_AGE_MILLIS - 1, "abc"));
    assertRefused(f, "abc", now, "stale");

    RestartState.write(f, body(now, "abc"));
    assertRefused(f, "other", now, "another configuration");

    RestartState.write(f, body(now, "abc"));
    String text = Files.readString(f);
    Files.writeString(f, text.replace("1234", "1235"));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertRefused(f, "abc", now, "checksum");

    Files.writeString(f, "{not json");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertRefused(f, "abc", now, "damaged");

    RestartState.write(f, body(now, "abc"));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    assertRefused(f, "abc", now, "group or others");
  }

  static IkeSaSnapshot ikeSnapshot() throws Exception {
    IkeProposal p = IkeProposal.parse("aes128gcm16-prfsha256-x25519");
    byte[] keymat = new byte[IkeSaKeys.keymatLength(p.prf(), p.suite())];
    for (int i = 0; i < keymat.length; i++) {
      keymat[i] = (byte) (i + 1);
    }
    InetAddress a = InetAddress.getByName("192.0.2.1");
    InetAddress b = InetAddress.getByName("2001:db8::2");
    return new IkeSaSnapshot(
        "b",
        false,
        0x8000_0000_0000_0001L,
        0x0123_4567_89ab_cdefL,
        p,
        SecretBytes.wrap(keymat),
        Bytes.fromHex("0a0b"),
        Bytes.fromHex("0c0d"),
        7,
        9,
        2,
        "b.mesh".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        new InetSocketAddress(a, 4500),
        new InetSocketAddress(b, 4500),
        false,
        true,
        true,
        Duration.ofSeconds(30),
        Duration.ofHours(3),
        null,
        List.of(
            new IkeSaSnapshot.Child(
                "lan",
                0xc0ffee01,
                0x0000abcd,
                EspSuite.parse("aes128gcm16"),
                false,
                IpsecMode.TUNNEL,
                List.of(TsRange.parse("10.9.0.0/24")),
                List.of(new TsRange(a, a, 6, 80, 443)),
                Bytes.fromHex("01"),
                Bytes.fromHex("02"),
                true,
                Duration.ofMinutes(50),
                Duration.ofHours(1))));
  }

  @Test
  void ikeSasRoundTripWithTheirKeysMessageIdsAndChildren() throws Exception {
    Path f = dir.resolve("ike.state");
    long now = System.currentTimeMillis();
    IkeSaSnapshot s = ikeSnapshot();
    RestartState.Body body = body(now, "abc");
    RestartState.write(
        f,
        new RestartState.Body(
            body.version(), now, "abc", body.sas(), List.of(RestartState.ikeSa(s))));
    RestartState.IkeSa e = RestartState.readAndDelete(f, "abc", now).ikeSas().get(0);
    assertFalse(e.toString().contains(e.keymat()), "no key in toString");
    try (IkeSaSnapshot back = RestartState.snapshot(e)) {
      assertEquals(s.peer(), back.peer());
      assertEquals(s.spiI(), back.spiI());
      assertEquals(s.spiR(), back.spiR());
      assertEquals(s.proposal(), back.proposal());
      assertTrue(back.keymat().contentEquals(s.keymat()));
      assertEquals(7, back.nextRequestId());
      assertEquals(9, back.nextResponseId());
      assertEquals("b.mesh", back.peerIdentity().text());
      assertEquals(s.local(), back.local());
      assertEquals(s.remote(), back.remote());
      assertTrue(back.natThere() && back.peerFragmentation() && !back.natHere());
      assertEquals(Duration.ofHours(3), back.rekeyIn());
      assertNull(back.lifeLeft());
      assertEquals(s.children(), back.children());
    }
    s.close();
    assertTrue(s.keymat().isWiped());
  }

  @Test
  void aDamagedIkeEntryIsRefusedAsAWhole() throws Exception {
    try (IkeSaSnapshot s = ikeSnapshot()) {
      RestartState.IkeSa e = RestartState.ikeSa(s);
      for (RestartState.IkeSa bad :
          List.of(
              with(e, e.spiI(), "aes128gcm16-nosuchprf-x25519", e.keymat()),
              with(e, e.spiI(), e.proposal(), "zz"),
              with(e, "not hex", e.proposal(), e.keymat()))) {
        assertThrows(IllegalArgumentException.class, () -> RestartState.snapshot(bad));
      }
    }
  }

  /** {@code e} with another initiator SPI, proposal and key material (the fields spoiled here). */
  private static RestartState.IkeSa with(
      RestartState.IkeSa e, String spiI, String proposal, String keymat) {
    return new RestartState.IkeSa(
        e.peer(),
        e.originalInitiator(),
        spiI,
        e.spiR(),
        proposal,
        keymat,
        e.nonceI(),
        e.nonceR(),
        e.nextRequestId(),
        e.nextResponseId(),
        e.peerIdType(),
        e.peerIdData(),
        e.local(),
        e.localPort(),
        e.remote(),
        e.remotePort(),
        e.natHere(),
        e.natThere(),
        e.peerFragmentation(),
        e.ageMillis(),
        e.rekeyInMillis(),
        e.lifeLeftMillis(),
        e.children());
  }

  @Test
  void aVersion1FileIsReadWithoutIkeSasAndAnUnknownVersionRefused() throws Exception {
    Path f = dir.resolve("v1.state");
    long now = System.currentTimeMillis();
    RestartState.Body v2 = body(now, "abc");
    // a version 1 writer had no ike_sas at all
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode tree =
        json.valueToTree(new RestartState.Body(1, now, "abc", v2.sas(), null));
    tree.remove("ike_sas");
    byte[] text = json.writeValueAsBytes(tree);
    String digest =
        java.util.HexFormat.of()
            .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(text));
    Files.write(
        f,
        json.writeValueAsBytes(
            new RestartState.Envelope(
                digest, new String(text, java.nio.charset.StandardCharsets.UTF_8))));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertFalse(Files.readString(f).contains("ike_sas"), "sanity");
    RestartState.Body b = RestartState.readAndDelete(f, "abc", now);
    assertEquals(1, b.sas().size());
    assertEquals(List.of(), b.ikeSas());

    RestartState.write(f, new RestartState.Body(3, now, "abc", v2.sas(), List.of()));
    assertRefused(f, "abc", now, "format version 3");
  }

  private static void assertRefused(Path f, String config, long now, String why) {
    RestartState.Refused r =
        assertThrows(RestartState.Refused.class, () -> RestartState.readAndDelete(f, config, now));
    assertTrue(r.getMessage().contains(why), r.getMessage());
    assertFalse(Files.exists(f), "a refused file is deleted too");
  }
}
