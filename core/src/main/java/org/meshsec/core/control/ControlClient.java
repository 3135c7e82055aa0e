package org.meshsec.core.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
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
    return call(socket, request, Progress.NONE);
  }

  /**
   * Like {@link #call(Path, ControlRequest)}, handing each interim progress line the daemon sends
   * before its answer to {@code progress} as it arrives (the daemon sends them only when {@code
   * request.progress()} asks for them).
   */
  public static ControlResponse call(Path socket, ControlRequest request, Progress progress)
      throws IOException {
    return exchange(
        socket,
        ControlJson.mapper().writerFor(ControlRequest.class).writeValueAsString(request),
        progress);
  }

  /**
   * Sends {@code line} as it is (it should be a JSON request) and reads the answer; for tests of
   * the server's validation.
   */
  public static ControlResponse exchange(Path socket, String line) throws IOException {
    return exchange(socket, line, Progress.NONE);
  }

  private static ControlResponse exchange(Path socket, String line, Progress progress)
      throws IOException {
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
      // Line by line: interim {"progress":...} lines, then the response (see ControlServer).
      ByteArrayOutputStream pending = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(8192);
      String response = null;
      while (ch.read(buf) >= 0) {
        for (int i = 0; i < buf.position(); i++) {
          byte b = buf.get(i);
          pending.write(b);
          if (b != '\n') {
            continue;
          }
          String l = pending.toString(StandardCharsets.UTF_8);
          pending.reset();
          if (response != null) {
            throw new IOException("malformed response from the daemon at " + socket);
          }
          String text = progressText(l);
          if (text != null) {
            progress.report(text);
          } else {
            response = l;
          }
        }
        buf.clear();
      }
      if (response == null || pending.size() > 0) {
        throw new IOException("truncated response from the daemon at " + socket);
      }
      try {
        return ControlJson.mapper().readValue(response, ControlResponse.class);
      } catch (JsonProcessingException | IllegalArgumentException e) {
        throw new IOException("malformed response from the daemon at " + socket, e);
      }
    }
  }

  /** The text of an interim progress line, or null when {@code line} is not one. */
  private static String progressText(String line) {
    try {
      JsonNode n = ControlJson.mapper().readTree(line);
      if (n != null && n.isObject() && n.size() == 1 && n.get("progress") != null) {
        return n.get("progress").asText();
      }
    } catch (JsonProcessingException e) {
      // not JSON: the caller reports the line as malformed
    }
    return null;
  }
}
