package org.meshsec.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {

  @Test
  void commandsRunOverTheSocketWithArgumentsAndErrors(@TempDir Path dir) throws IOException {
    Path sock = dir.resolve("ctl.sock");
    try (ControlServer server = new ControlServer(sock)) {
      server.register("echo", args -> ControlCommand.Response.ok(String.join(",", args)));
      server.register("fail", args -> ControlCommand.Response.error("nope"));
      server.register(
          "boom",
          args -> {
            throw new IllegalStateException("secret detail");
          });
      server.start();

      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(sock);
      assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), perms);

      ControlCommand.Response r = ControlClient.call(sock, "echo a --json");
      assertTrue(r.ok());
      assertEquals("a,--json\n", r.body());

      ControlCommand.Response f = ControlClient.call(sock, "fail");
      assertFalse(f.ok());
      assertEquals("nope\n", f.body());

      ControlCommand.Response u = ControlClient.call(sock, "nosuch");
      assertFalse(u.ok());
      assertTrue(u.body().contains("unknown command 'nosuch'"), u.body());
      assertTrue(u.body().contains("echo"), u.body());

      ControlCommand.Response b = ControlClient.call(sock, "boom");
      assertFalse(b.ok());
      assertFalse(b.body().contains("secret detail"), b.body());
    }
    assertFalse(Files.exists(sock), "socket file removed on close");
  }

  @Test
  void staleSocketFileIsReplacedAndMissingDaemonIsNamed(@TempDir Path dir) throws IOException {
    Path sock = dir.resolve("ctl.sock");
    Files.writeString(sock, "stale");
    try (ControlServer server = new ControlServer(sock)) {
      server.register("ping", args -> ControlCommand.Response.ok("pong"));
      server.start();
      assertEquals("pong\n", ControlClient.call(sock, "ping").body());
    }
    IOException e = assertThrows(IOException.class, () -> ControlClient.call(sock, "ping"));
    assertTrue(e.getMessage().contains(sock.toString()), e.getMessage());
  }

  @Test
  void jsonEscapesAndKeepsOrder() {
    Map<String, Object> o = ControlServer.object();
    o.put("b", 1);
    o.put("a", List.of("x\"y", true));
    o.put("c", null);
    assertEquals("{\"b\":1,\"a\":[\"x\\\"y\",true],\"c\":null}", Json.write(o));
  }
}
