package org.meshsec.tun.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

  @Test
  void failureWithoutStderrShowsTheEndOfStdout() {
    CommandFailedException e =
        assertThrows(
            CommandFailedException.class,
            () -> Commands.run(T, List.of("sh", "-c", "echo 3 transmitted, 0 received; exit 1")));
    assertTrue(
        e.getMessage().endsWith("exited with 1; stdout: 3 transmitted, 0 received"),
        e.getMessage());
    assertEquals("3 transmitted, 0 received\n", e.result().stdout());
  }

  @Test
  void closeKillsTheWholeProcessTree() throws Exception {
    // sh starts a child sleep: close() must stop both.
    Background bg = Commands.start(List.of("sh", "-c", "echo ready; sleep 60 & wait"), true);
    assertTrue(bg.awaitOutput("ready", Duration.ofSeconds(10)), bg.stdout());
    List<ProcessHandle> kids = bg.process().descendants().toList();
    assertFalse(kids.isEmpty());
    bg.close();
    assertFalse(bg.isAlive());
    for (ProcessHandle k : kids) {
      k.onExit().get(5, TimeUnit.SECONDS);
      assertFalse(k.isAlive(), "child " + k.pid() + " survived close()");
    }
  }

  @Test
  void awaitOutputReturnsFalseWhenTheProcessEndsWithoutIt() throws Exception {
    try (Background bg = Commands.start(List.of("sh", "-c", "echo other; exit 4"), true)) {
      assertFalse(bg.awaitOutput("ready", Duration.ofSeconds(10)));
      assertEquals(4, bg.waitFor(T).exitCode());
    }
  }

  @Test
  void environmentIsAddedForTheCommand() throws Exception {
    Map<String, String> env = Map.of("MESHSEC_EXEC_TEST", "one two");
    ExecResult r =
        Commands.runAllowingFailure(T, List.of("sh", "-c", "echo \"$MESHSEC_EXEC_TEST\""), env);
    assertEquals("one two\n", r.stdout());
    try (Background bg =
        Commands.start(List.of("sh", "-c", "echo \"bg $MESHSEC_EXEC_TEST\""), env, true)) {
      assertEquals("bg one two\n", bg.waitFor(T).stdout());
    }
  }
}
