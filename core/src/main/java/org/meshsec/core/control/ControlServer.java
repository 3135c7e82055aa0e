package org.meshsec.core.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's control socket: a Unix stream socket (mode 0600, so root-only when the daemon runs
 * as root) serving a registry of named {@link ControlCommand}s.
 *
 * <p>Protocol, one exchange per connection: the client sends one line, the command name and its
 * arguments separated by spaces, terminated by {@code \n}; the server answers with one status line
 * ({@code OK} or {@code ERROR}) followed by the body, then closes. Requests are capped at {@value
 * #MAX_REQUEST} bytes.
 *
 * <p>Thread-safety: commands may be registered from any thread; one daemon thread accepts and
 * serves connections sequentially (control traffic is rare and small).
 */
public final class ControlServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

  /** Largest request line accepted. */
  public static final int MAX_REQUEST = 4096;

  private final Path path;
  private final Map<String, ControlCommand> commands = new ConcurrentHashMap<>();
  private ServerSocketChannel server;
  private Thread thread;

  public ControlServer(Path path) {
    this.path = path;
  }

  /** Registers (or replaces) a command, e.g. {@code "sa-list"}. */
  public ControlServer register(String name, ControlCommand command) {
    commands.put(name, command);
    return this;
  }

  /** The registered command names, sorted. */
  public List<String> names() {
    return commands.keySet().stream().sorted().toList();
  }

  /**
   * Binds the socket (replacing a stale socket file left by a killed daemon) and starts serving.
   */
  public void start() throws IOException {
    Files.createDirectories(path.toAbsolutePath().getParent());
    Files.deleteIfExists(path);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    thread = new Thread(this::serve, "meshsec-control");
    thread.setDaemon(true);
    thread.start();
  }

  private void serve() {
    while (server.isOpen()) {
      try (SocketChannel ch = server.accept()) {
        handle(ch);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException | RuntimeException e) {
        log.warn("control connection failed: {}", e.toString());
      }
    }
  }

  private void handle(SocketChannel ch) throws IOException {
    ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST);
    while (in.hasRemaining()) {
      if (ch.read(in) < 0) {
        break;
      }
      if (indexOfNewline(in) >= 0) {
        break;
      }
    }
    int nl = indexOfNewline(in);
    ControlCommand.Response resp;
    if (nl < 0) {
      resp = ControlCommand.Response.error("request too long or not terminated by a newline");
    } else {
      String line = new String(in.array(), 0, nl, StandardCharsets.UTF_8).trim();
      resp = dispatch(line);
    }
    byte[] out =
        ((resp.ok() ? "OK\n" : "ERROR\n") + resp.body() + (resp.body().endsWith("\n") ? "" : "\n"))
            .getBytes(StandardCharsets.UTF_8);
    ByteBuffer ob = ByteBuffer.wrap(out);
    while (ob.hasRemaining()) {
      ch.write(ob);
    }
  }

  /** Runs one request line against the registry (also used directly by tests). */
  public ControlCommand.Response dispatch(String line) {
    String[] words = line.isBlank() ? new String[0] : line.trim().split("\\s+");
    if (words.length == 0) {
      return ControlCommand.Response.error("empty request; commands: " + names());
    }
    ControlCommand c = commands.get(words[0]);
    if (c == null) {
      return ControlCommand.Response.error(
          "unknown command '" + words[0] + "'; commands: " + names());
    }
    try {
      return c.run(Arrays.asList(words).subList(1, words.length));
    } catch (RuntimeException e) {
      log.warn("control command {} failed", words[0], e);
      return ControlCommand.Response.error(words[0] + " failed: " + e.getClass().getSimpleName());
    }
  }

  private static int indexOfNewline(ByteBuffer b) {
    for (int i = 0; i < b.position(); i++) {
      if (b.get(i) == '\n') {
        return i;
      }
    }
    return -1;
  }

  @Override
  public void close() {
    try {
      if (server != null) {
        server.close();
      }
      if (thread != null) {
        thread.join(2000);
      }
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.warn("removing control socket {}: {}", path, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Convenience for commands that take {@code --json}: an insertion-ordered map builder. */
  public static Map<String, Object> object() {
    return new LinkedHashMap<>();
  }
}
