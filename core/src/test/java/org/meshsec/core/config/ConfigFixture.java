package org.meshsec.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;

/** Writes config and secrets files into a directory and loads them. */
final class ConfigFixture {
  final Path dir;
  final Path config;
  final Path secrets;

  ConfigFixture(Path dir) {
    this.dir = dir;
    this.config = dir.resolve("meshsec.toml");
    this.secrets = dir.resolve("secrets.toml");
  }

  ConfigFixture write(String configText) throws IOException {
    Files.writeString(config, configText);
    return this;
  }

  ConfigFixture secrets(String text) throws IOException {
    return secrets(text, "rw-------");
  }

  ConfigFixture secrets(String text, String perms) throws IOException {
    Files.writeString(secrets, text);
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString(perms));
    return this;
  }

  ConfigResult load() {
    return ConfigLoader.load(config);
  }

  NodeConfig loadOk() {
    ConfigResult r = load();
    if (!r.isOk()) {
      fail("expected a valid configuration, got:\n" + join(r.errors()));
    }
    return r.config();
  }

  List<ConfigError> loadErrors() {
    ConfigResult r = load();
    assertTrue(!r.isOk(), "expected errors, got a valid configuration");
    return r.errors();
  }

  static String join(List<ConfigError> errors) {
    return errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n"));
  }

  /** The 1-based line of the only occurrence of {@code needle} in {@code text}. */
  static int lineOf(String text, String needle) {
    int at = text.indexOf(needle);
    assertTrue(at >= 0, "not in text: " + needle);
    assertEquals(-1, text.indexOf(needle, at + 1), "occurs twice: " + needle);
    return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
  }

  /** Asserts that exactly one error is at {@code file:line} and contains {@code reason}. */
  static ConfigError assertError(List<ConfigError> errors, Path file, int line, String reason) {
    List<ConfigError> matching =
        errors.stream()
            .filter(e -> e.file().equals(file) && e.line() == line && e.reason().contains(reason))
            .toList();
    if (matching.size() != 1) {
      fail(
          "expected one error at "
              + file
              + ":"
              + line
              + " containing \""
              + reason
              + "\", got:\n"
              + join(errors));
    }
    return matching.get(0);
  }
}
