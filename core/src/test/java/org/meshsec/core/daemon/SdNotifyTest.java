package org.meshsec.core.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SdNotifyTest {

  @Test
  void withoutNotifySocketNothingIsSent() {
    assertFalse(SdNotify.notify(null, "READY=1"));
    assertFalse(SdNotify.notify("", "READY=1"));
  }

  /** Receives the datagram with socat-free means: python3 is on every machine of this kind. */
  @Test
  void readyReachesAUnixDatagramSocket(@TempDir Path dir) throws Exception {
    Path sock = dir.resolve("notify.sock");
    Path out = dir.resolve("got");
    String py =
        "import socket,sys\n"
            + "s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\n"
            + "s.bind(sys.argv[1]); open(sys.argv[2]+'.ready','w').close()\n"
            + "s.settimeout(10); open(sys.argv[2],'wb').write(s.recv(100))\n";
    Process p = new ProcessBuilder("python3", "-c", py, sock.toString(), out.toString()).start();
    try {
      Path ready = Path.of(out + ".ready");
      for (int i = 0; i < 200 && !Files.exists(ready); i++) {
        Thread.sleep(25);
      }
      assertTrue(Files.exists(ready), "receiver did not start");
      assertTrue(SdNotify.notify(sock.toString(), "READY=1"));
      assertTrue(p.waitFor(10, TimeUnit.SECONDS));
      assertEquals("READY=1", Files.readString(out));
    } finally {
      p.destroyForcibly();
    }
  }
}
