package org.meshsec.core.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The daemon's log line, in one of two shapes chosen once at start-up:
 *
 * <ul>
 *   <li>under systemd-journald (the {@code JOURNAL_STREAM} environment variable names the device
 *       and inode of standard output, the stream the log is written to, as systemd.exec(5) asks a
 *       program to check; a variable inherited by a process whose output went elsewhere, e.g. a
 *       shell started from a service, does not count): {@code <6>INFO Logger: message}. The {@code
 *       <N>} prefix is the syslog priority (RFC 5424 section 6.2.1: 3 error, 4 warning, 6
 *       informational, 7 debug), which journald strips and stores as the entry's priority, so
 *       {@code journalctl -p warning} works. No timestamp: journald adds its own.
 *   <li>otherwise (a terminal, a file, a container log): {@code 2026-12-03T15:52:05.123Z INFO
 *       Logger: message}, with a UTC timestamp.
 * </ul>
 *
 * A throwable follows its line in both shapes. Thread-safe (stateless after start-up).
 */
public final class ConsoleLayout extends LayoutBase<ILoggingEvent> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final boolean journald;

  /** Standard output, where the log goes, as a path that {@code stat(2)} follows to the stream. */
  private static final Path STDOUT = Path.of("/proc/self/fd/1");

  /** The shape for this process's environment. */
  public ConsoleLayout() {
    this(underJournald(System.getenv(), STDOUT));
  }

  /**
   * @param journald true for the syslog-prefixed shape without a timestamp
   */
  public ConsoleLayout(boolean journald) {
    this.journald = journald;
  }

  /**
   * Whether {@code stream} is the journald connection that {@code env}'s {@code JOURNAL_STREAM}
   * names: the variable holds {@code DEVICE:INODE} in decimal (systemd.exec(5)), compared with the
   * stream's {@code stat(2)}. False when the variable is missing or malformed, or the stream cannot
   * be examined.
   *
   * @param stream the stream the log is written to, as a path ({@code /proc/self/fd/1})
   */
  public static boolean underJournald(Map<String, String> env, Path stream) {
    String s = env.get("JOURNAL_STREAM");
    if (s == null) {
      return false;
    }
    int colon = s.indexOf(':');
    long dev;
    long ino;
    try {
      dev = Long.parseUnsignedLong(s.substring(0, Math.max(colon, 0)));
      ino = Long.parseUnsignedLong(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    try {
      Map<String, Object> st = Files.readAttributes(stream, "unix:dev,ino");
      return st.get("dev") instanceof Long d
          && st.get("ino") instanceof Long i
          && d == dev
          && i == ino;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  /** The syslog priority of a logback level (RFC 5424 section 6.2.1). */
  public static int syslogPriority(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> 3;
      case Level.WARN_INT -> 4;
      case Level.INFO_INT -> 6;
      default -> 7;
    };
  }

  @Override
  public String doLayout(ILoggingEvent e) {
    StringBuilder sb = new StringBuilder(128);
    if (journald) {
      sb.append('<').append(syslogPriority(e.getLevel())).append('>');
    } else {
      TIME.formatTo(Instant.ofEpochMilli(e.getTimeStamp()), sb);
      sb.append(' ');
    }
    String level = e.getLevel().toString();
    sb.append(level);
    for (int i = level.length(); i < 5; i++) {
      sb.append(' ');
    }
    String logger = e.getLoggerName();
    sb.append(' ').append(logger.substring(logger.lastIndexOf('.') + 1)).append(": ");
    sb.append(e.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
    IThrowableProxy t = e.getThrowableProxy();
    if (t != null) {
      sb.append(ThrowableProxyUtil.asString(t)).append(CoreConstants.LINE_SEPARATOR);
    }
    return sb.toString();
  }
}
