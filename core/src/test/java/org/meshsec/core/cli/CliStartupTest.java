package org.meshsec.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A CLI call loads the client only: in a fresh JVM, {@code meshsec status} against no daemon loads
 * no logging system (no logback, no XML parser for its configuration) and no Netty. These are the
 * classes that made each call pay for the daemon's start-up.
 */
class CliStartupTest {
  @Test
  void aControlCallLoadsNeitherLogbackNorNetty() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Xshare:off",
                    "-verbose:class",
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName(),
                    "status",
                    "--socket",
                    "/nonexistent/meshsec-startup-test.sock"))
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the CLI did not exit");
    assertEquals(ExitCode.CONTROL_UNAVAILABLE.code(), p.exitValue(), out);
    List<String> loaded = out.lines().filter(l -> l.contains("[class,load]")).toList();
    assertTrue(loaded.size() > 100, "no class loading reported: " + out);
    for (String prefix : List.of("ch.qos.logback.", "io.netty.", "javax.xml.parsers.")) {
      assertFalse(
          loaded.stream().anyMatch(l -> l.contains("] " + prefix)),
          prefix
              + " loaded by a CLI call:\n"
              + String.join(
                  "\n", loaded.stream().filter(l -> l.contains("] " + prefix)).limit(5).toList()));
    }
  }
}
