package org.meshsec.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM options that the launcher (src/main/dist/bin/meshsec) gives each kind of call, read off a
 * stand-in {@code java} that prints its arguments: the daemon gets the throughput collector with a
 * bounded young generation (bench/RESULTS.md, "Garbage collector"), unless the operator chose a
 * collector in MESHSEC_JAVA_OPTS, which a second collector option would make the JVM refuse; a CLI
 * call keeps its short-life options.
 */
class LauncherTest {
  @TempDir Path tmp;

  @Test
  void theDaemonRunsTheParallelCollectorWithABoundedYoungGeneration() throws Exception {
    List<String> args = launch(Map.of(), "run", "--config", "/etc/meshsec/meshsec.toml");
    assertTrue(args.contains("-XX:+UseParallelGC"), args.toString());
    assertTrue(args.contains("-XX:MaxNewSize=64m"), args.toString());
    assertFalse(args.contains("-XX:TieredStopAtLevel=1"), args.toString());
    assertEquals("org.meshsec.core.cli.Main", args.get(args.indexOf("-cp") + 2), args.toString());
  }

  @Test
  void aCollectorChosenByTheOperatorIsTheOnlyOne() throws Exception {
    List<String> args =
        launch(Map.of("MESHSEC_JAVA_OPTS", "-Xmx512m -XX:+UseG1GC"), "run", "--config", "x.toml");
    assertTrue(args.contains("-XX:+UseG1GC"), args.toString());
    assertTrue(args.contains("-Xmx512m"), args.toString());
    assertFalse(args.contains("-XX:+UseParallelGC"), args.toString());
    assertFalse(args.contains("-XX:MaxNewSize=64m"), args.toString());
  }

  @Test
  void otherOperatorOptionsKeepTheDaemonsCollector() throws Exception {
    List<String> args =
        launch(
            Map.of("MESHSEC_JAVA_OPTS", "-XX:+UseStringDeduplication -Xlog:gc"),
            "run",
            "--config",
            "x.toml");
    assertTrue(args.contains("-XX:+UseParallelGC"), args.toString());
    assertTrue(args.contains("-Xlog:gc"), args.toString());
  }

  @Test
  void aCliCallKeepsItsShortLifeOptions() throws Exception {
    List<String> args = launch(Map.of(), "status");
    assertTrue(args.contains("-XX:+UseSerialGC"), args.toString());
    assertTrue(args.contains("-XX:TieredStopAtLevel=1"), args.toString());
    assertFalse(args.contains("-XX:+UseParallelGC"), args.toString());
  }

  /** Runs the launcher with a stand-in JDK 25 whose java prints one argument per line. */
  private List<String> launch(Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    Path dist = tmp.resolve("dist");
    Files.createDirectories(dist.resolve("bin"));
    Files.createDirectories(dist.resolve("lib"));
    Path launcher = dist.resolve("bin/meshsec");
    Files.copy(InstallScriptTest.repoRoot().resolve("core/src/main/dist/bin/meshsec"), launcher);
    Path jdk = tmp.resolve("jdk");
    Files.createDirectories(jdk.resolve("bin"));
    Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25.0.3\"\n");
    Path java = jdk.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
    for (Path p : List.of(launcher, java)) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    ProcessBuilder pb = new ProcessBuilder();
    pb.command().add(launcher.toString());
    pb.command().addAll(List.of(command));
    pb.environment().remove("MESHSEC_JAVA_OPTS");
    pb.environment().put("MESHSEC_JAVA", java.toString());
    pb.environment().putAll(env);
    Process p = pb.redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the launcher did not exit");
    assertEquals(0, p.exitValue(), out);
    return out.lines().toList();
  }
}
