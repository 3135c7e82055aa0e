package org.meshsec.core.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code [node]} table.
 *
 * @param name this node's name, for logs and (later) its IKE identity
 * @param logLevel the daemon's log level
 * @param secretsFile the secrets file, resolved against the config file's directory; empty when not
 *     configured
 * @param addresses this node's underlay addresses, at most one per IP version: the default {@code
 *     local} of policies and SAs
 * @param keyLog the directory where the keys of every new IKE SA and Child SA are appended in
 *     Wireshark's key tables ({@code key_log}, off when empty), resolved against the config file's
 *     directory
 */
public record NodeSettings(
    String name,
    LogLevel logLevel,
    Optional<Path> secretsFile,
    List<InetAddress> addresses,
    Optional<Path> keyLog) {
  public NodeSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(logLevel, "logLevel");
    Objects.requireNonNull(secretsFile, "secretsFile");
    Objects.requireNonNull(keyLog, "keyLog");
    addresses = List.copyOf(addresses);
  }

  /** Without a key log. */
  public NodeSettings(
      String name, LogLevel logLevel, Optional<Path> secretsFile, List<InetAddress> addresses) {
    this(name, logLevel, secretsFile, addresses, Optional.empty());
  }

  /** The underlay address of the given IP version (4 or 6), if configured. */
  public Optional<InetAddress> address(int ipVersion) {
    return addresses.stream()
        .filter(a -> (a instanceof Inet4Address) == (ipVersion == 4))
        .findFirst();
  }
}
