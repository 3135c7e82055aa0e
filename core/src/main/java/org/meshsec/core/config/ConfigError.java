package org.meshsec.core.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One problem found in a configuration or secrets file. Printed as {@code file:line: reason}, or
 * {@code file: reason} for problems that concern the whole file ({@code line} 0). The reason never
 * contains key material.
 *
 * @param file the file, as given to {@link ConfigLoader#load} (secrets file: as resolved)
 * @param line 1-based line of the offending key or table header, or 0 for the whole file
 * @param reason what is wrong, and where it helps, how to fix it
 */
public record ConfigError(Path file, int line, String reason) {
  public ConfigError {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(reason, "reason");
    if (line < 0) {
      throw new IllegalArgumentException("line must be >= 0");
    }
  }

  @Override
  public String toString() {
    return line > 0 ? file + ":" + line + ": " + reason : file + ": " + reason;
  }
}
