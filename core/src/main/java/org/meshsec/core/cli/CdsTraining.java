package org.meshsec.core.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training run for the CLI's class-data sharing archive: {@code bin/meshsec} runs this class
 * under {@code -XX:ArchiveClassesAtExit} (at package time, or with {@code MESHSEC_CDS_DUMP=1}), and
 * later CLI calls map the classes it loaded from the archive instead of loading and verifying them
 * from the jars. It goes through what a CLI call does: picocli's command tree and usage help, a
 * request serialised and sent over a Unix socket, an answer parsed and printed. A throwaway socket
 * in a temporary directory answers the requests; nothing touches a running daemon.
 *
 * <p>Single-threaded apart from the throwaway server thread; run once per process.
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("meshsec-cds");
    Path sock = dir.resolve("train.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      Thread t = new Thread(() -> answer(server), "meshsec-cds-training");
      t.setDaemon(true);
      t.start();
      PrintWriter sink = new PrintWriter(new StringWriter());
      String s = sock.toString();
      String[][] calls = {
        {"--help"},
        {"sa", "list", "--help"},
        {"nosuch"},
        {"status", "--socket", s},
        {"ike", "list", "--json", "--socket", s},
        {"initiate", "peer", "--timeout", "1", "--socket", s},
        {"status", "--socket", dir.resolve("none.sock").toString()},
      };
      for (String[] call : calls) {
        Main.execute(sink, sink, call);
      }
    } finally {
      Files.deleteIfExists(sock);
      Files.deleteIfExists(dir);
    }
  }

  /**
   * Answers every connection with one progress line and one fixed text response, until the channel
   * closes.
   */
  private static void answer(ServerSocketChannel server) {
    // a progress line first, as initiate, terminate and rekey get, so that its reading is trained
    byte[] reply =
        "{\"progress\":\"trained\"}\n{\"ok\":true,\"text\":\"trained\\n\"}\n"
            .getBytes(StandardCharsets.UTF_8);
    try {
      while (true) {
        try (SocketChannel c = server.accept()) {
          ByteBuffer in = ByteBuffer.allocate(4096);
          while (c.read(in) > 0 && in.get(in.position() - 1) != '\n') {
            // read the request line
          }
          c.write(ByteBuffer.wrap(reply));
        }
      }
    } catch (IOException e) {
      // the training is over: the channel was closed
    }
  }
}
