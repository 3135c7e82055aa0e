package org.meshsec.core.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.config.ConfigLoader;
import org.meshsec.core.config.ConfigResult;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.control.command.DaemonControl;
import org.meshsec.core.packet.PacketBuilder;
import org.meshsec.core.sad.SaInfo;
import org.meshsec.core.spd.Direction;
import org.meshsec.tun.tuntest.TunFake;

/**
 * Two complete daemons in one JVM: real Netty UDP sockets on 127.0.0.1 and 127.0.0.2 (port 4500),
 * fake TUN devices, configuration from TOML files. Covers the packet path end to end, the control
 * commands, and reload semantics (unchanged SAs keep their counters; a broken file changes
 * nothing).
 */
class TwoDaemonsTest {
  static final String KEY_AB = "40debbb6b7c57db694cb8d491c57cc852f102174";
  static final String KEY_BA = "1f3dc85a1d796324459140fdeaaa3230285537a5";
  static final String KEY_AB2 = "00112233445566778899aabbccddeeff01020304";
  static final String KEY_BA2 = "ffeeddccbbaa99887766554433221100a0b0c0d0";

  @TempDir Path dir;
  Daemon a;
  Daemon b;
  TunFake tunA;
  TunFake tunB;

  @AfterEach
  void tearDown() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  static String config(
      String name,
      String self,
      String peer,
      String src,
      String dst,
      String out,
      String in,
      String keyOut,
      String keyIn,
      boolean extra) {
    String c =
        """
        [node]
        name = "%s"
        secrets = "%s-secrets.toml"
        address = "%s"

        [tun]
        name = "fake-%s"
        addresses = ["%s"]
        routes = ["%s"]

        [listen]
        address = ["%s"]

        [[policy]]
        name = "peer"
        direction = "both"
        src = "%s"
        dst = "%s"
        action = "protect"
        peer = "%s"

        [[sa]]
        name = "peer-out"
        spi = "%s"
        direction = "out"
        policy = "peer"
        key = "%s"

        [[sa]]
        name = "peer-in"
        spi = "%s"
        direction = "in"
        policy = "peer"
        key = "%s"
        """
            .formatted(
                name,
                name,
                self,
                name,
                src.replace("0/24", "1/24"),
                dst,
                self,
                src,
                dst,
                peer,
                out,
                keyOut,
                in,
                keyIn);
    if (extra) {
      c +=
          """

          [[policy]]
          name = "lan2"
          direction = "both"
          src = "%s"
          dst = "%s"
          action = "protect"
          peer = "%s"

          [[sa]]
          name = "lan2-out"
          spi = "%s"
          direction = "out"
          policy = "lan2"
          key = "%s2"

          [[sa]]
          name = "lan2-in"
          spi = "%s"
          direction = "in"
          policy = "lan2"
          key = "%s2"
          """
              .formatted(
                  src.replace("9", "8"),
                  dst.replace("9", "8"),
                  peer,
                  out + "0",
                  keyOut,
                  in + "0",
                  keyIn);
    }
    return c;
  }

  Path write(String name, String cfg) throws IOException {
    Path secrets = dir.resolve(name + "-secrets.toml");
    Files.writeString(
        secrets,
        "[keys]\nab = \"%s\"\nba = \"%s\"\nab2 = \"%s\"\nba2 = \"%s\"\n"
            .formatted(KEY_AB, KEY_BA, KEY_AB2, KEY_BA2));
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    Path p = dir.resolve(name + ".toml");
    Files.writeString(p, cfg);
    return p;
  }

  Daemon start(Path cfg, TunFake fake) throws IOException {
    ConfigResult r = ConfigLoader.load(cfg);
    assertTrue(r.isOk(), () -> r.errors().toString());
    return Daemon.start(
        r.config(),
        new Daemon.Options(
            (c, g) -> new Daemon.TunFactory.Opened(fake, null), java.time.Duration.ofSeconds(1)));
  }

  void startBoth(boolean extraA, boolean extraB) throws IOException {
    tunA = new TunFake("fake-a", 1400);
    tunB = new TunFake("fake-b", 1400);
    a =
        start(
            write(
                "a",
                config(
                    "a",
                    "127.0.0.1",
                    "127.0.0.2",
                    "10.9.0.0/24",
                    "10.9.1.0/24",
                    "0x1001",
                    "0x1002",
                    "ab",
                    "ba",
                    extraA)),
            tunA);
    b =
        start(
            write(
                "b",
                config(
                    "b",
                    "127.0.0.2",
                    "127.0.0.1",
                    "10.9.1.0/24",
                    "10.9.0.0/24",
                    "0x1002",
                    "0x1001",
                    "ba",
                    "ab",
                    extraB)),
            tunB);
  }

  static byte[] udp(String src, String dst, int n) {
    var buf = Unpooled.buffer(2000);
    int len = new PacketBuilder().addresses(src, dst).udp(buf, 0, 1111, 2222, n);
    byte[] out = new byte[len];
    buf.getBytes(0, out);
    return out;
  }

  @Test
  void packetsCrossBothWaysThroughRealSockets() throws Exception {
    startBoth(false, false);
    for (int i = 0; i < 50; i++) {
      byte[] p = udp("10.9.0.1", "10.9.1.1", 10 + i * 20);
      tunA.inject(p);
      assertArrayEquals(p, tunB.pollWrittenBytes(5, TimeUnit.SECONDS), "A->B #" + i);
      byte[] q = udp("10.9.1.1", "10.9.0.1", 10 + i * 20);
      tunB.inject(q);
      assertArrayEquals(q, tunA.pollWrittenBytes(5, TimeUnit.SECONDS), "B->A #" + i);
    }
    SaInfo out =
        a.dataPath()
            .sad()
            .get(Direction.OUT, 0x1001, b.config().node().addresses().get(0))
            .orElseThrow();
    assertEquals(50, out.packets());
  }

  static ControlResponse call(Daemon d, ControlRequest request) throws InterruptedException {
    return DaemonControl.commands(d).call(request);
  }

  @Test
  void controlCommandsDescribeTheNodeWithoutKeys() throws Exception {
    startBoth(false, false);
    tunA.inject(udp("10.9.0.1", "10.9.1.1", 100));
    assertNotNull(tunB.pollWrittenBytes(5, TimeUnit.SECONDS));
    String status = call(a, new ControlRequest.Status(false)).body();
    assertTrue(status.contains("fake-a"), status);
    String sas = call(a, new ControlRequest.SaList(false)).body();
    assertTrue(sas.contains("0x00001001") && sas.contains("0x00001002"), sas);
    String json = call(a, new ControlRequest.SaList(true)).body();
    assertTrue(json.startsWith("[{") && json.contains("\"packets\":1"), json);
    for (ControlRequest cmd :
        List.of(
            new ControlRequest.Status(false),
            new ControlRequest.SaList(false),
            new ControlRequest.PolicyList(false),
            new ControlRequest.Stats(false),
            new ControlRequest.SaList(true))) {
      String body = call(a, cmd).body();
      assertFalse(body.contains(KEY_AB) || body.contains(KEY_BA), cmd + " leaks a key");
    }
    assertTrue(call(a, new ControlRequest.PolicyList(false)).body().contains("protect"));
    assertTrue(call(b, new ControlRequest.Stats(true)).body().contains("\"XfrmInNoStates\":0"));
  }

  @Test
  void reloadAddsAPairWithoutTouchingTheRunningOneAndBrokenFilesChangeNothing() throws Exception {
    startBoth(false, false);
    for (int i = 0; i < 5; i++) {
      tunA.inject(udp("10.9.0.1", "10.9.1.1", 100));
      assertNotNull(tunB.pollWrittenBytes(5, TimeUnit.SECONDS));
    }
    // Both sides get a second policy + SA pair.
    write(
        "a",
        config(
            "a",
            "127.0.0.1",
            "127.0.0.2",
            "10.9.0.0/24",
            "10.9.1.0/24",
            "0x1001",
            "0x1002",
            "ab",
            "ba",
            true));
    write(
        "b",
        config(
            "b",
            "127.0.0.2",
            "127.0.0.1",
            "10.9.1.0/24",
            "10.9.0.0/24",
            "0x1002",
            "0x1001",
            "ba",
            "ab",
            true));
    ControlResponse ra = call(a, new ControlRequest.Reload(false));
    ControlResponse rb = call(b, new ControlRequest.Reload(false));
    assertTrue(ra.ok() && rb.ok(), ra.body() + rb.body());
    SaInfo kept =
        a.dataPath()
            .sad()
            .get(Direction.OUT, 0x1001, b.config().node().addresses().get(0))
            .orElseThrow();
    assertEquals(5, kept.packets(), "the unchanged SA kept its counters and sequence");
    tunA.inject(udp("10.9.0.1", "10.9.1.1", 100));
    assertNotNull(tunB.pollWrittenBytes(5, TimeUnit.SECONDS), "old pair still carries traffic");
    tunA.inject(udp("10.8.0.1", "10.8.1.1", 100));
    assertNotNull(tunB.pollWrittenBytes(5, TimeUnit.SECONDS), "new pair carries traffic");

    // A broken file is refused and changes nothing.
    Files.writeString(dir.resolve("a.toml"), "[node]\nname = \"a\"\nbogus_key = 1\n");
    ControlResponse bad = call(a, new ControlRequest.Reload(false));
    assertFalse(bad.ok());
    assertTrue(bad.body().contains("a.toml:3"), bad.body());
    assertEquals(4, a.spd().size(), "policies untouched");
    tunA.inject(udp("10.8.0.1", "10.8.1.1", 100));
    assertNotNull(tunB.pollWrittenBytes(5, TimeUnit.SECONDS), "still running the old config");
  }
}
