package org.meshsec.lab.netns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The argv that runs a main class in a fresh JVM with this test JVM's java and classpath. */
final class Jvm {
  private Jvm() {}

  static List<String> command(Class<?> main, String... args) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java");
    // Surefire may run tests from a manifest-only jar; its real class path is in this property.
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> argv =
        new ArrayList<>(
            List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-cp", cp));
    argv.add(main.getName());
    argv.addAll(Arrays.asList(args));
    return argv;
  }

  static String[] array(Class<?> main, String... args) {
    return command(main, args).toArray(String[]::new);
  }
}
