package org.meshsec.tun.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandsTest {
  private static final Duration T = Duration.ofSeconds(5);

  @Test
  void capturesStdoutAndStderr() throws IOException {
    ExecResult r = Commands.run(T, List.of("sh", "-c", "echo out; echo err >&2"));
    assertTrue(r.ok());
    assertEquals("out\n", r.stdout());
    assertEquals("err\n", r.stderr());
  }

  @Test
  void nonZeroExitIsATypedFailureNamingCommandCodeAndStderr() {
    CommandFailedException e =
        assertThrows(
            CommandFailedException.class,
            () -> Commands.run(T, List.of("sh", "-c", "echo nope >&2; exit 3")));
    assertEquals(3, e.exitCode());
    assertEquals("`sh -c 'echo nope >&2; exit 3'` exited with 3: nope", e.getMessage());
  }

  @Test
  void runAllowingFailureReturnsTheStatus() throws IOException {
    assertEquals(4, Commands.runAllowingFailure(T, List.of("sh", "-c", "exit 4")).exitCode());
  }

  @Test
  void aMissingProgramIsAStartFailure() {
    CommandStartException e =
        assertThrows(
            CommandStartException.class,
            () -> Commands.run(T, List.of("/nonexistent/meshsec-no-such-program")));
    assertTrue(e.getMessage().startsWith("cannot run `/nonexistent/"), e.getMessage());
  }

  @Test
  void timeoutKillsTheCommand() {
    long start = System.nanoTime();
    IOException e =
        assertThrows(
            IOException.class, () -> Commands.run(Duration.ofMillis(300), List.of("sleep", "30")));
    assertTrue(e.getMessage().contains("timed out after PT0.3S"), e.getMessage());
    assertTrue(System.nanoTime() - start < 4_000_000_000L);
  }

  @Test
  void backgroundCapturesAndStops() throws Exception {
    try (Background b = Commands.start(List.of("sh", "-c", "echo ready; sleep 30"), true)) {
      assertTrue(b.awaitOutput("ready", T));
      assertTrue(b.isAlive());
      b.close();
      assertFalse(b.isAlive());
    }
  }
}
