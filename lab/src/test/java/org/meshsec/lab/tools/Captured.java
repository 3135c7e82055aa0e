package org.meshsec.lab.tools;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A PrintStream whose text can be read while another thread writes it. Thread-safe. */
final class Captured {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  String text() {
    synchronized (stream) { // PrintStream writes under its own lock
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  /** Waits for {@code regex} to match; returns the matcher (for groups) or throws on timeout. */
  Matcher await(String regex, Duration timeout) throws InterruptedException {
    Pattern p = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Matcher m = p.matcher(text());
      if (m.find()) {
        return m;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no /" + regex + "/ within " + timeout + " in:\n" + text());
      }
      Thread.sleep(10);
    }
  }
}
