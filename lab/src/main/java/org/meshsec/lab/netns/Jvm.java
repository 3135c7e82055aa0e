package org.meshsec.lab.netns;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command lines that run a class of this JVM's class path in a fresh JVM, for processes started
 * inside namespaces: a daemon ({@link #DAEMON_MAIN} {@code run}), a traffic tool ({@code
 * org.meshsec.lab.cli.LabMain tool NAME}, or a tool class's own {@code main}), a test's helper. The
 * child runs with this JVM's java binary and class path (under Surefire, the real test class path),
 * so it runs exactly the code under test; from the {@code meshsec-lab} launcher that is {@code
 * lib/*}, which holds core's jars too. Stateless, thread-safe.
 */
public final class Jvm {
  /** The daemon's entry point, in core: {@code meshsec run} is {@code DAEMON_MAIN run}. */
  public static final String DAEMON_MAIN = org.meshsec.core.cli.Main.class.getName();

  private Jvm() {}

  /** The java binary running this JVM. */
  public static String javaBinary() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** This JVM's class path; Surefire may run tests from a manifest-only jar and names it here. */
  public static String classPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  /**
   * java, the options newer JDKs need to run jnr-ffi and Netty quietly, {@code jvmOptions}, and
   * {@code -cp CLASSPATH}; the main class and its arguments follow.
   */
  public static List<String> base(String... jvmOptions) {
    List<String> argv = new ArrayList<>();
    argv.add(javaBinary());
    int major = Runtime.version().feature();
    if (major >= 22) {
      argv.add("--enable-native-access=ALL-UNNAMED");
    }
    if (major >= 23) {
      argv.add("--sun-misc-unsafe-memory-access=allow");
    }
    argv.addAll(Arrays.asList(jvmOptions));
    argv.add("-cp");
    argv.add(classPath());
    return argv;
  }

  /** A short-lived tool or helper: C1 only, serial GC, a small heap. */
  public static String[] tool(String mainClass, String... args) {
    List<String> argv = base("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m");
    argv.add(mainClass);
    argv.addAll(Arrays.asList(args));
    return argv.toArray(String[]::new);
  }

  /** {@link #tool(String, String...)} for a class with a {@code main}. */
  public static String[] tool(Class<?> main, String... args) {
    return tool(main.getName(), args);
  }
}
