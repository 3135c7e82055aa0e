package org.meshsec.core.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.meshsec.core.config.ConfigLoader;
import org.meshsec.core.config.ConfigResult;
import org.meshsec.tun.tuntest.TunFake;

/**
 * Two IKE daemons in one JVM, each on a {@link TunFake} and a loopback address: the configuration
 * of one side, its files, and its start. Each test class passes its own IKE port so that classes
 * running at once do not collide.
 */
public final class DaemonPair {
  private DaemonPair() {}

  /**
   * One node's configuration: a PSK {@code [[peer]]} ({@code peerExtra} inside it) and a protect
   * policy from {@code src} to {@code dst} negotiated with it; {@code trailer} is appended.
   */
  public static String config(
      int ikePort,
      String name,
      String self,
      String peerName,
      String peer,
      String src,
      String dst,
      String peerExtra,
      String trailer) {
    return """
        [node]
        name = "%s"
        secrets = "%s-secrets.toml"
        address = "%s"

        [tun]
        name = "fake-%s"
        addresses = ["%s"]
        routes = ["%s"]

        [listen]
        address = ["%s"]
        ike_port = %d

        [[peer]]
        name = "%s"
        address = "%s"
        port = %d
        auth = "psk"
        psk = "shared"
        %s

        [[policy]]
        name = "lan"
        direction = "both"
        src = "%s"
        dst = "%s"
        action = "protect"
        ike = "%s"
        %s
        """
        .formatted(
            name,
            name,
            self,
            name,
            src.replace("0/24", "1/24"),
            dst,
            self,
            ikePort,
            peerName,
            peer,
            ikePort,
            peerExtra,
            src,
            dst,
            peerName,
            trailer);
  }

  /** Writes {@code name}.toml and its 0600 secrets file (key {@code shared} = {@code psk}). */
  public static Path write(Path dir, String name, String cfg, String psk) throws IOException {
    Path secrets = dir.resolve(name + "-secrets.toml");
    Files.writeString(secrets, "[keys]\nshared = \"%s\"\n".formatted(psk));
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    Path p = dir.resolve(name + ".toml");
    Files.writeString(p, cfg);
    return p;
  }

  /** Loads {@code cfg} (it must be valid) and starts a daemon on {@code fake}. */
  public static Daemon start(Path cfg, TunFake fake) throws IOException {
    ConfigResult r = ConfigLoader.load(cfg);
    assertTrue(r.isOk(), () -> r.errors().toString());
    return Daemon.start(
        r.config(),
        new Daemon.Options(
            (c, g) -> new Daemon.TunFactory.Opened(fake, null), Duration.ofMillis(200)));
  }
}
