package org.meshsec.lab.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.meshsec.lab.netns.Background;
import org.meshsec.lab.netns.Netns;
import org.meshsec.lab.pcap.Pcap;

/**
 * A {@code tcpdump -w} capture on one interface of a namespace, read back with {@link Pcap}. The
 * file is written packet by packet ({@code -U}) with full frames ({@code -s 0}) and as root ({@code
 * -Z root}: Debian's tcpdump otherwise drops to the tcpdump user before opening the file). Not
 * thread-safe; one owner.
 */
final class Capture implements AutoCloseable {
  private final Background tcpdump;
  private final Path file;
  private boolean stopped;

  private Capture(Background tcpdump, Path file) {
    this.tcpdump = tcpdump;
    this.file = file;
  }

  /** Starts capturing on {@code dev} in {@code ns} and waits until tcpdump is listening. */
  static Capture start(Netns ns, String dev, Path file, String... filter)
      throws IOException, InterruptedException {
    Files.deleteIfExists(file);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "tcpdump", "-i", dev, "-n", "-U", "-s", "0", "-Z", "root", "-w", file.toString()));
    cmd.addAll(List.of(filter));
    Background bg = ns.spawn(cmd.toArray(String[]::new));
    if (!bg.awaitOutput("listening on", Duration.ofSeconds(20))) {
      bg.close();
      throw new IOException(
          "tcpdump did not start (installed? .ci/run installs it): " + bg.stderr() + bg.stdout());
    }
    return new Capture(bg, file);
  }

  /**
   * Stops tcpdump and returns what it captured up to now. tcpdump hands packets to its file with a
   * delay of up to a second (and drops what it holds when stopped), so a fixed pause is not enough:
   * this sends a sentinel datagram from {@code from} to {@code to}:9 (UDP discard) over the
   * captured link, waits until the sentinel is in the file, then stops tcpdump and returns the
   * frames before the sentinel.
   */
  List<Pcap.Packet> stop(Netns from, String to) throws IOException, InterruptedException {
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
            new String(sentinel, java.nio.charset.StandardCharsets.US_ASCII));
        nextSend = System.nanoTime() + Duration.ofSeconds(1).toNanos();
      }
      Thread.sleep(100);
      List<Pcap.Packet> now = Pcap.read(file);
      for (int i = 0; i < now.size(); i++) {
        if (now.get(i).contains(sentinel)) {
          stopped = true;
          tcpdump.close();
          return List.copyOf(now.subList(0, i));
        }
      }
      if (System.nanoTime() - deadline > 0 || !tcpdump.isAlive()) {
        tcpdump.close();
        throw new IOException(
            "the capture sentinel never reached " + file + ": " + tcpdump.stderr());
      }
    }
  }

  /** tcpdump's own summary ("N packets captured ... dropped by kernel"). */
  String summary() {
    return tcpdump.stderr();
  }

  @Override
  public void close() {
    tcpdump.close();
  }
}
