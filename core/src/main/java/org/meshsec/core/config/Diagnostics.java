package org.meshsec.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects {@link ConfigError}s while loading. Not thread-safe: one per load. */
final class Diagnostics {
  private final List<ConfigError> errors = new ArrayList<>();
  private final List<Path> fileOrder = new ArrayList<>();

  void add(Path file, int line, String reason) {
    if (!fileOrder.contains(file)) {
      fileOrder.add(file);
    }
    errors.add(new ConfigError(file, Math.max(line, 0), reason));
  }

  boolean isEmpty() {
    return errors.isEmpty();
  }

  int count() {
    return errors.size();
  }

  /** Errors by file (in order of first report), then by line; stable within a line. */
  List<ConfigError> sorted(Path firstFile) {
    List<Path> order = new ArrayList<>(fileOrder);
    order.remove(firstFile);
    order.add(0, firstFile);
    List<ConfigError> out = new ArrayList<>(errors);
    out.sort(
        Comparator.comparingInt((ConfigError e) -> order.indexOf(e.file()))
            .thenComparingInt(ConfigError::line));
    return out;
  }
}
