package org.meshsec.lab.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.meshsec.tun.exec.CommandStartException;
import org.meshsec.tun.exec.Commands;

/**
 * What an interop test against strongSwan needs on the machine. With the environment variable CI
 * set to "true" a missing precondition fails the test with the reason (a test that skips itself in
 * CI is not a test); elsewhere it is skipped through JUnit assumptions. {@code .ci/run} installs
 * the packages.
 */
final class InteropPreconditions {
  private static final int CAP_NET_ADMIN = 12;
  private static final int CAP_SYS_ADMIN = 21;

  /** charon's plugins this harness loads that come from separately packaged files. */
  private static final List<String> PLUGIN_FILES =
      List.of(
          "libstrongswan-kernel-libipsec.so (libcharon-extra-plugins)",
          "libstrongswan-gcm.so (libstrongswan-standard-plugins)",
          "libstrongswan-openssl.so (libstrongswan-standard-plugins)",
          "libstrongswan-vici.so (strongswan-libcharon)",
          "libstrongswan-kernel-netlink.so (strongswan-libcharon)");

  private InteropPreconditions() {}

  /** Root, netns, TUN, strongSwan charon + swanctl + plugins, tcpdump, ping and openssl. */
  static void requireStrongSwan() {
    Optional<String> missing = missing();
    if (missing.isEmpty()) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("strongSwan interop test cannot run in CI: " + missing.get());
    }
    Assumptions.abort("strongSwan interop test skipped: " + missing.get());
  }

  static Optional<String> missing() {
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return Optional.of("not Linux");
    }
    if (!hasCaps()) {
      return Optional.of("needs CAP_NET_ADMIN and CAP_SYS_ADMIN (run as root)");
    }
    if (!Files.exists(Path.of("/dev/net/tun"))) {
      return Optional.of("/dev/net/tun is missing (kernel-libipsec needs a TUN device)");
    }
    for (String[] tool :
        List.of(
            new String[] {"ip", "-V"},
            new String[] {"unshare", "--version"},
            new String[] {"tcpdump", "--version"},
            new String[] {"ping", "-V"},
            new String[] {"openssl", "version"},
            new String[] {"swanctl", "--help"})) {
      if (!runs(tool)) {
        return Optional.of("`" + tool[0] + "` is not installed (see .ci/run)");
      }
    }
    Optional<Path> charon = Charon.findBinary();
    if (charon.isEmpty()) {
      return Optional.of("strongSwan charon not found in " + Charon.BINARY_CANDIDATES);
    }
    Path plugins = charon.get().getParent().resolve("plugins");
    for (String p : PLUGIN_FILES) {
      String file = p.substring(0, p.indexOf(' '));
      if (!Files.exists(plugins.resolve(file))) {
        return Optional.of("charon plugin " + p + " is not installed in " + plugins);
      }
    }
    return Optional.empty();
  }

  /** Starts the tool; any exit code will do, only a missing binary counts. */
  private static boolean runs(String[] cmd) {
    try {
      Commands.runAllowingFailure(Commands.DEFAULT_TIMEOUT, List.of(cmd));
      return true;
    } catch (CommandStartException e) {
      return false;
    } catch (IOException e) {
      return true; // it started (then timed out, or we were interrupted)
    }
  }

  private static boolean hasCaps() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("CapEff:")) {
          long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
          return (caps & (1L << CAP_NET_ADMIN)) != 0 && (caps & (1L << CAP_SYS_ADMIN)) != 0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return false;
    }
    return false;
  }
}
