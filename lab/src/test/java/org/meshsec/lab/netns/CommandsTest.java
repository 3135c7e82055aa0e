package org.meshsec.lab.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Running commands (no root needed: these run in the current namespace). */
class CommandsTest {

  @Test
  void capturesOutputAndStatus() throws Exception {
    ExecResult r =
        Commands.run(Duration.ofSeconds(10), List.of("sh", "-c", "echo out; echo err >&2"));
    assertEquals(0, r.exitCode());
    assertEquals("out\n", r.stdout());
    assertEquals("err\n", r.stderr());
  }

  @Test
  void failureNamesCommandStatusAndStderr() {
    CommandFailedException e =
        assertThrows(
            CommandFailedException.class,
            () ->
                Commands.run(
                    Duration.ofSeconds(10),
                    List.of("sh", "-c", "echo broken pipe dream >&2; exit 3")));
    assertEquals(3, e.exitCode());
    assertTrue(e.getMessage().contains("exited 3"), e.getMessage());
    assertTrue(e.getMessage().contains("broken pipe dream"), e.getMessage());
    assertTrue(e.getMessage().startsWith("`sh -c 'echo broken"), e.getMessage());
  }

  @Test
  void failureWithoutStderrShowsTheEndOfStdout() {
    CommandFailedException e =
        assertThrows(
            CommandFailedException.class,
            () ->
                Commands.run(
                    Duration.ofSeconds(10),
                    List.of("sh", "-c", "echo 3 transmitted, 0 received; exit 1")));
    assertTrue(
        e.getMessage().endsWith("exited 1; stdout: 3 transmitted, 0 received"), e.getMessage());
    assertEquals("3 transmitted, 0 received\n", e.result().stdout());
  }

  @Test
  void timeoutKillsAndSaysSo() {
    long t0 = System.nanoTime();
    IOException e =
        assertThrows(
            IOException.class, () -> Commands.run(Duration.ofMillis(300), List.of("sleep", "30")));
    assertTrue(e.getMessage().contains("did not finish within 300 ms"), e.getMessage());
    assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000);
  }

  @Test
  void missingProgramIsAnIoException() {
    IOException e =
        assertThrows(
            IOException.class,
            () -> Commands.run(Duration.ofSeconds(5), List.of("no-such-program-meshsec")));
    assertTrue(e.getMessage().contains("no-such-program-meshsec"), e.getMessage());
  }

  @Test
  void backgroundOutputCanBeAwaitedAndCloseKillsTheTree() throws Exception {
    // sh starts a child sleep: close() must stop both.
    Background bg = Background.start(List.of("sh", "-c", "echo ready; sleep 60 & wait"), true);
    assertTrue(bg.awaitOutput("ready", Duration.ofSeconds(10)), bg.stdout());
    List<ProcessHandle> kids = bg.process().descendants().toList();
    assertFalse(kids.isEmpty());
    bg.close();
    assertFalse(bg.isAlive());
    for (ProcessHandle k : kids) {
      k.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
      assertFalse(k.isAlive(), "child " + k.pid() + " survived close()");
    }
  }

  @Test
  void awaitOutputReturnsFalseWhenTheProcessEndsWithoutIt() throws Exception {
    try (Background bg = Background.start(List.of("sh", "-c", "echo other; exit 4"), true)) {
      assertFalse(bg.awaitOutput("ready", Duration.ofSeconds(10)));
      assertEquals(4, bg.waitFor(Duration.ofSeconds(5)).exitCode());
    }
  }

  @Test
  void withoutRootTestsSkipLocallyButFailInCi() {
    Optional<String> noRoot = Optional.of("not root (effective uid 1000)");
    assertTrue(Netns.requireRoot("x", Optional.empty(), "true"));
    assertTrue(Netns.requireRoot("x", Optional.empty(), null));
    assertFalse(Netns.requireRoot("x", noRoot, null));
    assertFalse(Netns.requireRoot("x", noRoot, "false"));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> Netns.requireRoot("ping test", noRoot, "true"));
    assertTrue(e.getMessage().contains("ping test needs root"), e.getMessage());
    assertTrue(e.getMessage().contains("effective uid 1000"), e.getMessage());
  }

  @Test
  void namesAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> new Topology("Bad"));
    assertThrows(IllegalArgumentException.class, () -> new Topology("toolongprefix"));
    assertThrows(IllegalArgumentException.class, () -> Netns.of("a/b"));
    assertThrows(IllegalArgumentException.class, () -> Netns.of("x").sysctl("net/../../etc", "1"));
    String n = Topology.uniqueIfName("msveth-root");
    assertTrue(n.length() <= 15 && n.startsWith("msveth-roo"), n);
  }

  @Test
  void commandsWrapIntoIpNetnsExec() {
    Netns ns = Netns.of("mst-a-1-abcd");
    assertEquals(
        List.of("ip", "netns", "exec", "mst-a-1-abcd", "ip", "addr"), ns.command("ip", "addr"));
    assertEquals(List.of("ip", "-n", "mst-a-1-abcd", "link"), ns.ipCommand("link"));
  }
}
