package org.meshsec.lab.it;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The argv that runs a main class in a fresh JVM with this test JVM's java and class path. */
final class Jvm {
  private Jvm() {}

  /** java, the given JVM options, and {@code -cp CLASSPATH}; the main class and args follow. */
  static List<String> base(String... jvmOptions) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java");
    // Surefire may run tests from a manifest-only jar; its real class path is in this property.
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> argv = new ArrayList<>();
    argv.add(java);
    argv.addAll(Arrays.asList(jvmOptions));
    argv.add("-cp");
    argv.add(cp);
    return argv;
  }

  /** A short-lived tool: C1 only, serial GC, a small heap. */
  static String[] tool(Class<?> main, String... args) {
    List<String> argv = base("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m");
    argv.add(main.getName());
    argv.addAll(Arrays.asList(args));
    return argv.toArray(String[]::new);
  }
}
