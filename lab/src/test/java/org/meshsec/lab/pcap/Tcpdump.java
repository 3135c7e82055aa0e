package org.meshsec.lab.pcap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.meshsec.lab.netns.Netns;
import org.meshsec.tun.exec.Background;

/**
 * A {@code tcpdump -w} capture on one interface of a namespace, read back with {@link Pcap}: full
 * frames ({@code -s 0}), written packet by packet ({@code -U}), a 64 MiB kernel buffer ({@code -B
 * 65536}), and as root ({@code -Z root}: Debian's tcpdump otherwise drops to the tcpdump user
 * before opening the file); started only once tcpdump reports it is listening.
 *
 * <p>tcpdump hands packets to its file with a delay of up to a second and drops what it still holds
 * when stopped, so a fixed pause before {@link #close()} loses packets. Either send a last
 * recognisable packet yourself and {@link #awaitContent wait for it} in the file, or let {@link
 * #stop(Netns, String)} send a sentinel datagram and return the frames before it.
 *
 * <p>Not thread-safe; one owner.
 */
public final class Tcpdump implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final Background tcpdump;
  private final Path file;
  private boolean stopped;

  private Tcpdump(Background tcpdump, Path file) {
    this.tcpdump = tcpdump;
    this.file = file;
  }

  /**
   * Starts capturing on {@code dev} in {@code ns} into {@code file}, optionally restricted by a
   * pcap {@code filter} expression, and waits until tcpdump is listening.
   */
  public static Tcpdump start(Netns ns, String dev, Path file, String... filter)
      throws IOException, InterruptedException {
    Files.deleteIfExists(file);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "tcpdump",
                "-i",
                dev,
                "-n",
                "-s",
                "0",
                "-B",
                "65536",
                "-U",
                "-Z",
                "root",
                "-w",
                file.toString()));
    cmd.addAll(List.of(filter));
    Background bg = ns.spawn(cmd.toArray(String[]::new));
    if (!bg.awaitOutput("listening on", START_TIMEOUT)) {
      bg.close();
      throw new IOException(
          "tcpdump did not start (installed? .ci/run installs it): " + bg.stderr() + bg.stdout());
    }
    return new Tcpdump(bg, file);
  }

  /** The capture file. */
  public Path file() {
    return file;
  }

  /**
   * Waits until the capture file contains {@code needle} (e.g. a marker sent last), so everything
   * sent before it has been written too.
   *
   * @throws IllegalStateException if it does not appear within {@code timeout}
   */
  public void awaitContent(byte[] needle, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Pcap.contains(Files.readAllBytes(file), needle)) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("capture " + file + " never showed the expected bytes");
      }
      Thread.sleep(50);
    }
  }

  /** Stops tcpdump (see {@link #close()}) and returns the capture file. */
  public Path stop() {
    close();
    return file;
  }

  /**
   * Stops tcpdump and returns what it captured up to now: sends a sentinel datagram from {@code
   * from} to {@code to}:9 (UDP discard) over the captured link, waits until the sentinel is in the
   * file, then stops tcpdump and returns the frames before the sentinel.
   */
  public List<Pcap.Packet> stop(Netns from, String to) throws IOException, InterruptedException {
    if (stopped) {
      throw new IllegalStateException("already stopped");
    }
    byte[] sentinel = Pcap.ascii("MESHSEC-CAPTURE-SENTINEL-" + System.nanoTime());
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    long nextSend = 0;
    while (true) {
      if (System.nanoTime() - nextSend > 0) {
        from.exec(
            "bash",
            "-c",
            "printf '%s' \"$1\" > /dev/udp/" + to + "/9",
            "bash",
            new String(sentinel, StandardCharsets.US_ASCII));
        nextSend = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      }
      Thread.sleep(100);
      List<Pcap.Packet> now = Pcap.read(file);
      for (int i = 0; i < now.size(); i++) {
        if (now.get(i).contains(sentinel)) {
          close();
          return List.copyOf(now.subList(0, i));
        }
      }
      if (System.nanoTime() - deadline > 0 || !tcpdump.isAlive()) {
        close();
        throw new IOException(
            "the capture sentinel never reached " + file + ": " + tcpdump.stderr());
      }
    }
  }

  /**
   * tcpdump's own summary ("N packets captured, M received by filter, K dropped by kernel"),
   * complete once it is stopped.
   */
  public String summary() {
    if (stopped) {
      try {
        return tcpdump.waitFor(Duration.ofSeconds(5)).stderr().strip();
      } catch (IOException e) {
        // still running after being stopped: fall through to what it printed so far
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return tcpdump.stderr().strip();
  }

  /** Stops tcpdump (SIGTERM, then SIGKILL after {@link Background#STOP_GRACE}). Idempotent. */
  @Override
  public void close() {
    stopped = true;
    tcpdump.close();
  }
}
