package org.meshsec.core.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two shapes of a log line: journald's priority prefix, or a timestamp. */
class ConsoleLayoutTest {
  static LoggingEvent event(Level level, String msg, Throwable t) {
    LoggerContext ctx = new LoggerContext();
    LoggingEvent e =
        new LoggingEvent(
            "x", ctx.getLogger("org.meshsec.ike.sa.IkeSa"), level, msg, t, new Object[0]);
    e.setTimeStamp(1_796_313_125_123L); // 2026-12-03T15:52:05.123Z
    return e;
  }

  @Test
  void underJournaldEveryLevelCarriesItsSyslogPriorityAndNoTimestamp() {
    ConsoleLayout j = new ConsoleLayout(true);
    assertEquals("<3>ERROR IkeSa: m\n", j.doLayout(event(Level.ERROR, "m", null)));
    assertEquals("<4>WARN  IkeSa: m\n", j.doLayout(event(Level.WARN, "m", null)));
    assertEquals("<6>INFO  IkeSa: m\n", j.doLayout(event(Level.INFO, "m", null)));
    assertEquals("<7>DEBUG IkeSa: m\n", j.doLayout(event(Level.DEBUG, "m", null)));
    assertEquals("<7>TRACE IkeSa: m\n", j.doLayout(event(Level.TRACE, "m", null)));
  }

  @Test
  void elsewhereALineStartsWithAUtcTimestamp() {
    ConsoleLayout t = new ConsoleLayout(false);
    assertEquals(
        "2026-12-03T15:52:05.123Z INFO  IkeSa: up\n", t.doLayout(event(Level.INFO, "up", null)));
    String withCause = t.doLayout(event(Level.WARN, "failed", new IOException("boom")));
    assertTrue(withCause.startsWith("2026-12-03T15:52:05.123Z WARN  IkeSa: failed\n"), withCause);
    assertTrue(withCause.contains("java.io.IOException: boom"), withCause);
  }

  @Test
  void journaldIsRecognisedOnlyWhenJournalStreamNamesTheLogStream(@TempDir Path dir)
      throws Exception {
    Path stream = Files.createFile(dir.resolve("stream"));
    long dev = (Long) Files.getAttribute(stream, "unix:dev");
    long ino = (Long) Files.getAttribute(stream, "unix:ino");
    assertTrue(ConsoleLayout.underJournald(Map.of("JOURNAL_STREAM", dev + ":" + ino), stream));
    // inherited from a service by a process whose output goes elsewhere: another inode
    assertFalse(
        ConsoleLayout.underJournald(Map.of("JOURNAL_STREAM", dev + ":" + (ino + 1)), stream));
    assertFalse(
        ConsoleLayout.underJournald(Map.of("JOURNAL_STREAM", (dev + 1) + ":" + ino), stream));
    for (String bad : new String[] {"", "8:12345", ":", "8", "x:y", dev + ":" + ino + ":1"}) {
      assertFalse(ConsoleLayout.underJournald(Map.of("JOURNAL_STREAM", bad), stream), bad);
    }
    assertFalse(ConsoleLayout.underJournald(Map.of(), stream));
    assertFalse(
        ConsoleLayout.underJournald(
            Map.of("JOURNAL_STREAM", dev + ":" + ino), dir.resolve("missing")));
  }

  @Test
  void aSocketStreamIsRecognisedThroughProcSelfFd() throws Exception {
    // journald's stream is a Unix socket: stat(2) of /proc/self/fd/N reaches the socket's inode
    try (java.nio.channels.SocketChannel ch =
        java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      Path fd = null;
      try (var fds = Files.list(Path.of("/proc/self/fd"))) {
        for (Path p : fds.toList()) {
          try {
            if (Files.readSymbolicLink(p).toString().startsWith("socket:")) {
              fd = p;
            }
          } catch (IOException e) {
            // the directory's own descriptor, closed by now
          }
        }
      }
      assertTrue(fd != null, "no socket among /proc/self/fd");
      long dev = (Long) Files.getAttribute(fd, "unix:dev");
      long ino = (Long) Files.getAttribute(fd, "unix:ino");
      assertTrue(ConsoleLayout.underJournald(Map.of("JOURNAL_STREAM", dev + ":" + ino), fd));
    }
  }
}
