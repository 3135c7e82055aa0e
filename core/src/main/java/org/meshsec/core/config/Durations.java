package org.meshsec.core.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Duration fields: seconds, or strings such as {@code "1h30m"}. Stateless. */
final class Durations {
  private static final Pattern DURATION = Pattern.compile("(?:(\\d{1,9})([smhd]))+");
  private static final Pattern DURATION_PART = Pattern.compile("(\\d{1,9})([smhd])");

  private Durations() {}

  /**
   * A duration: an integer number of seconds, or a string such as {@code "90s"}, {@code "10m"},
   * {@code "3h"}, {@code "1d"}, {@code "1h30m"}. Null when invalid (reported).
   */
  static Duration parse(TomlSection s, String key, Duration def, boolean zeroAllowed) {
    Object v = s.raw(key);
    if (v == null) {
      return def;
    }
    Duration d = null;
    if (v instanceof Long n) {
      if (n >= 0 && n <= 100L * 365 * 86400) {
        d = Duration.ofSeconds(n);
      }
    } else if (v instanceof String text) {
      d = parseText(text.trim());
    } else {
      s.error(
          key,
          "must be a number of seconds or a duration such as \"30s\", \"10m\", \"3h\", not "
              + TomlSection.typeName(v));
      return null;
    }
    if (d == null) {
      s.error(
          key,
          v
              + " is not a duration: write seconds (3600) or a string such as \"30s\", \"10m\","
              + " \"3h\", \"1h30m\"");
      return null;
    }
    if (d.isZero() && !zeroAllowed) {
      s.error(key, "must be more than zero");
      return null;
    }
    return d;
  }

  static Duration parseText(String text) {
    if (text.matches("\\d{1,10}")) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    if (!DURATION.matcher(text).matches()) {
      return null;
    }
    Duration d = Duration.ZERO;
    Matcher m = DURATION_PART.matcher(text);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      d =
          d.plus(
              switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
              });
    }
    return d;
  }

  static String format(Duration d) {
    long s = d.toSeconds();
    return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
  }
}
