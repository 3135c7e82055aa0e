package org.meshsec.core.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The client side of {@link ControlServer}: sends one {@link ControlRequest}, returns the daemon's
 * {@link ControlResponse}. Used by the CLI subcommands and by tests that drive a daemon process.
 * Stateless and thread-safe (a connection per call).
 */
public final class ControlClient {
  private ControlClient() {}

  /**
   * Sends {@code request} to the daemon at {@code socket} and waits for its answer (as long as the
   * command takes: an {@code initiate} waits up to its timeout).
   *
   * @throws IOException naming the socket, when the daemon is not running, refuses us, or answers
   *     something that is not a control response
   */
  public static ControlResponse call(Path socket, ControlRequest request) throws IOException {
    return exchange(
        socket, ControlJson.mapper().writerFor(ControlRequest.class).writeValueAsString(request));
  }

  /**
   * Sends {@code line} as it is (it should be a JSON request) and reads the answer; for tests of
   * the server's validation.
   */
  public static ControlResponse exchange(Path socket, String line) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      try {
        ch.connect(UnixDomainSocketAddress.of(socket));
      } catch (IOException e) {
        throw new IOException(
            "cannot reach the meshsec daemon at "
                + socket
                + " ("
                + e.getMessage()
                + "); is `meshsec run` running, and are you root?",
            e);
      }
      ByteBuffer req = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
      while (req.hasRemaining()) {
        ch.write(req);
      }
      ch.shutdownOutput();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(8192);
      while (ch.read(buf) >= 0) {
        bytes.write(buf.array(), 0, buf.position());
        buf.clear();
      }
      String all = bytes.toString(StandardCharsets.UTF_8);
      if (!all.endsWith("\n")) {
        throw new IOException("truncated response from the daemon at " + socket);
      }
      try {
        return ControlJson.mapper().readValue(all, ControlResponse.class);
      } catch (JsonProcessingException | IllegalArgumentException e) {
        throw new IOException("malformed response from the daemon at " + socket, e);
      }
    }
  }
}
