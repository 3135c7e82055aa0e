package org.meshsec.lab.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.meshsec.lab.pcap.Pcap;

/**
 * A {@code tcpdump -w} capture of one interface in a test namespace: full packets, delivered and
 * written without buffering ({@code --immediate-mode -U}), started only once tcpdump reports it is
 * listening. {@link #close()} stops it with SIGTERM; packets still queued in the kernel at that
 * moment are lost ("received by filter" exceeds "captured"), so send a last recognisable packet and
 * {@link #awaitContent wait for it} in the file first. Read the file with {@link Pcap}. Not
 * thread-safe.
 */
final class Tcpdump implements AutoCloseable {
  private final Process process;
  private final Path file;
  private final Path stderr;

  private Tcpdump(Process process, Path file, Path stderr) {
    this.process = process;
    this.file = file;
    this.stderr = stderr;
  }

  /** Starts capturing everything on {@code dev} in {@code ns} into {@code file}. */
  static Tcpdump start(TestNetns ns, String dev, Path file) throws IOException {
    Path err = file.resolveSibling(file.getFileName() + ".stderr");
    Process p =
        ns.start(
            List.of(
                "tcpdump", "-i", dev, "-n", "-s", "0", "-B", "65536", "-U", "-w", file.toString()),
            ProcessBuilder.Redirect.DISCARD,
            ProcessBuilder.Redirect.to(err.toFile()));
    Tcpdump t = new Tcpdump(p, file, err);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!Files.readString(err).contains("listening on")) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        t.close();
        throw new IllegalStateException("tcpdump did not start: " + Files.readString(err));
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        t.close();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    return t;
  }

  /**
   * Waits until the capture file contains {@code needle} (e.g. a marker sent last), so everything
   * sent before it has been written too.
   */
  void awaitContent(byte[] needle, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Captures.contains(Files.readAllBytes(file), needle)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("capture " + file + " never showed the expected bytes");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }

  Path file() {
    return file;
  }

  /** Stops the capture (SIGTERM, then SIGKILL after 5 s) and returns the pcap file. */
  Path stop() {
    close();
    return file;
  }

  /** tcpdump's closing summary ("N packets captured ..."), once stopped. */
  String summary() throws IOException {
    return Files.readString(stderr).strip();
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
