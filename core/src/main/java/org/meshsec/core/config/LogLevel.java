package org.meshsec.core.config;

import java.util.Locale;

/** The daemon's log level, {@code [node] log_level}. Names match SLF4J / Logback levels. */
public enum LogLevel {
  TRACE,
  DEBUG,
  INFO,
  WARN,
  ERROR;

  /** The lower-case name used in the config file. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code trace}, {@code debug}, {@code info}, {@code warn} or {@code error}; null if not.
   */
  public static LogLevel parse(String s) {
    for (LogLevel l : values()) {
      if (l.configName().equals(s)) {
        return l;
      }
    }
    return null;
  }
}
