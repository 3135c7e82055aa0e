package org.meshsec.core.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.meshsec.core.netns.Background;
import org.meshsec.core.netns.Netns;

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

  /** Stops tcpdump (SIGTERM: it writes what it has) and reads the file. */
  List<Pcap.Packet> stop() throws IOException, InterruptedException {
    if (!stopped) {
      stopped = true;
      Thread.sleep(200); // let the last packets of the test reach the capture
      tcpdump.close();
      tcpdump.process().waitFor();
    }
    return Pcap.read(file);
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
