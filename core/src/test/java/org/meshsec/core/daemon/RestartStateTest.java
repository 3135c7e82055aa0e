package org.meshsec.core.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Selector;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;

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
    return new RestartState.Body(RestartState.VERSION, written, config, List.of(sa));
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

  private static void assertRefused(Path f, String config, long now, String why) {
    RestartState.Refused r =
        assertThrows(RestartState.Refused.class, () -> RestartState.readAndDelete(f, config, now));
    assertTrue(r.getMessage().contains(why), r.getMessage());
    assertFalse(Files.exists(f), "a refused file is deleted too");
  }
}
