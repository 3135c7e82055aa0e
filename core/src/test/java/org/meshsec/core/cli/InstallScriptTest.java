package org.meshsec.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * packaging/install.sh, run against a distribution laid out like {@code mvn package}'s (the
 * launcher from src/main/dist, this build's classes as jars), into a prefix in a temporary
 * directory: it makes the CLI's class-data sharing archive for the installed path, and a CLI call
 * through the installed link maps its classes from that archive.
 */
@Timeout(180)
class InstallScriptTest {
  @TempDir Path tmp;

  @Test
  void installMakesTheClassArchiveThatCliCallsThenUse() throws Exception {
    Path repo = repoRoot();
    Path dist = tmp.resolve("dist");
    Files.createDirectories(dist.resolve("bin"));
    Files.createDirectories(dist.resolve("lib"));
    Path launcher = dist.resolve("bin/meshsec");
    Files.copy(repo.resolve("core/src/main/dist/bin/meshsec"), launcher);
    launcher.toFile().setExecutable(true);
    copyTree(repo.resolve("packaging"), dist.resolve("packaging"));
    int n = 0;
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(e);
      if (Files.isRegularFile(p) && e.endsWith(".jar")) {
        Files.copy(p, dist.resolve("lib").resolve(n++ + "-" + p.getFileName()));
      } else if (Files.isDirectory(p) && p.getFileName().toString().equals("classes")) {
        String module = p.getParent().getParent().getFileName().toString(); // core/target/classes
        jar(p, dist.resolve("lib").resolve("meshsec-" + module + "-0.jar"));
      }
    }

    Path prefix = tmp.resolve("opt/meshsec");
    Path bindir = tmp.resolve("bin");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Map<String, String> env =
        Map.of(
            "MESHSEC_PREFIX", prefix.toString(),
            "MESHSEC_BINDIR", bindir.toString(),
            "MESHSEC_CONFDIR", tmp.resolve("etc/meshsec").toString(),
            "MESHSEC_UNITDIR", tmp.resolve("unit").toString(),
            "MESHSEC_SYSTEMCTL", "none",
            "MESHSEC_JAVA", java);
    Result install = run(env, dist.resolve("packaging/install.sh").toString());
    assertEquals(0, install.code, install.out);
    List<Path> archives;
    try (Stream<Path> s = Files.list(prefix.resolve("lib/cds"))) {
      archives = s.filter(p -> p.toString().endsWith(".jsa")).toList();
    }
    assertEquals(1, archives.size(), install.out);
    assertTrue(install.out.contains("CLI class archive meshsec-cli-"), install.out);
    String unit = Files.readString(tmp.resolve("unit/meshsec.service"));
    assertTrue(unit.contains("ExecStart=" + prefix + "/bin/meshsec run --config "), unit);

    Map<String, String> call = new java.util.HashMap<>(env);
    call.put("MESHSEC_JAVA_OPTS", "-Xlog:class+load=info");
    Result status =
        run(call, bindir.resolve("meshsec").toString(), "status", "--socket", "/nonexistent/x");
    assertEquals(ExitCode.CONTROL_UNAVAILABLE.code(), status.code, status.out);
    assertTrue(
        status.out.contains("org.meshsec.core.cli.Main source: shared objects file"),
        "Main not mapped from the archive:\n"
            + status.out.lines().filter(l -> l.contains("meshsec.core.cli.Main")).toList());
  }

  private record Result(int code, String out) {}

  private static Result run(Map<String, String> env, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "did not exit: " + String.join(" ", cmd));
    return new Result(p.exitValue(), out);
  }

  /** The checkout this test runs in: the directory above the working directory with packaging/. */
  static Path repoRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("packaging/install.sh"))) {
        return p;
      }
    }
    throw new AssertionError(
        "packaging/install.sh not found above " + Path.of("").toAbsolutePath());
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static void jar(Path classes, Path jar) throws IOException {
    try (OutputStream o = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(o);
        Stream<Path> s = Files.walk(classes)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        j.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, j);
        j.closeEntry();
      }
    }
  }
}
