package org.meshsec.core.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The CLI side of {@link ControlServer}: sends one request line, returns the response. */
public final class ControlClient {
  private ControlClient() {}

  /**
   * Sends {@code line} to the daemon at {@code socket}.
   *
   * @throws IOException naming the socket, when the daemon is not running or refuses us
   */
  public static ControlCommand.Response call(Path socket, String line) throws IOException {
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
      int nl = all.indexOf('\n');
      if (nl < 0) {
        throw new IOException("truncated response from the daemon at " + socket);
      }
      String status = all.substring(0, nl);
      return new ControlCommand.Response(status.equals("OK"), all.substring(nl + 1));
    }
  }
}
