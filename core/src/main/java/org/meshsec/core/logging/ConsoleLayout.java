package org.meshsec.core.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The daemon's log line, in one of two shapes chosen once at start-up:
 *
 * <ul>
 *   <li>under systemd-journald (the {@code JOURNAL_STREAM} environment variable is set, see
 *       systemd.exec(5)): {@code <6>INFO Logger: message}. The {@code <N>} prefix is the syslog
 *       priority (RFC 5424 section 6.2.1: 3 error, 4 warning, 6 informational, 7 debug), which
 *       journald strips and stores as the entry's priority, so {@code journalctl -p warning} works.
 *       No timestamp: journald adds its own.
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

  /** The shape for this process's environment. */
  public ConsoleLayout() {
    this(underJournald(System.getenv()));
  }

  /**
   * @param journald true for the syslog-prefixed shape without a timestamp
   */
  public ConsoleLayout(boolean journald) {
    this.journald = journald;
  }

  /** Whether {@code env} says that standard output or error is connected to journald. */
  public static boolean underJournald(java.util.Map<String, String> env) {
    String s = env.get("JOURNAL_STREAM");
    return s != null && !s.isBlank();
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
