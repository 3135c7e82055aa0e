package org.meshsec.core.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's control socket: a Unix stream socket (mode 0600, so root-only when the daemon runs
 * as root) serving a {@link CommandRegistry}.
 *
 * <p>Protocol, one exchange per connection: the client sends one {@link ControlRequest} as a JSON
 * object on one line (at most {@value #MAX_REQUEST} bytes, terminated by {@code \n}); the server
 * validates it, runs the command and answers with one {@link ControlResponse} as a JSON object on
 * one line, then closes. A request that asks for progress ({@link ControlRequest#progress()}:
 * {@code initiate}, {@code terminate}, {@code rekey}) may first get interim lines, one per step the
 * command reports ({@link Progress}), each a JSON object with the one field {@code progress}:
 *
 * <pre>
 *   {"progress":"IKE_SA_INIT done"}
 *   {"progress":"IKE_AUTH done, IKE SA #1 established, Child SA lan installed (SPIs ...)"}
 *   {"ok":true,"text":"IKE SA #1 with b established, Child SAs [lan]\n"}
 * </pre>
 *
 * The last line is always the response (it has {@code ok}). What a command does once its answer is
 * out ({@link Command#afterAnswer}: {@code stop}, which closes this server) runs after the
 * connection is closed, so that it cannot cut the answer off. A client that has not sent its whole
 * request line within the request timeout (5 s by default), or that does not take a line within the
 * write timeout, is disconnected; a command whose client is gone runs on without reporting, so a
 * client that stops reading holds one control thread for at most the write timeout per line and
 * never the engine (the command hears the engine through a bounded queue).
 *
 * <p>Threads: one acceptor thread ({@code meshsec-control}) admits at most {@link
 * Options#maxClients} connections at once (a permit each) and hands each to a pool of as many
 * threads ({@code meshsec-control-N}), so a slow or silent client, or an {@code initiate} waiting
 * for its IKE SA, never delays another client; when every thread is busy, a new client is answered
 * "busy" at once. One timer thread enforces the read and write timeouts by closing the connection's
 * channel, which ends a blocked read or write.
 *
 * <p>Thread-safety: {@link #start} and {@link #close} are called once each by the owner; commands
 * run concurrently (see {@link Command}).
 */
public final class ControlServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

  private static final Set<PosixFilePermission> PRIVATE_DIR =
      PosixFilePermissions.fromString("rwx------");

  /** Largest request line accepted, in bytes. */
  public static final int MAX_REQUEST = 4096;

  /**
   * Limits of the server.
   *
   * @param maxClients connections served at once
   * @param requestTimeout how long a client has to send its request line
   * @param writeTimeout how long a client has to take the answer
   */
  public record Options(int maxClients, Duration requestTimeout, Duration writeTimeout) {
    public static Options defaults() {
      return new Options(16, Duration.ofSeconds(5), Duration.ofSeconds(5));
    }
  }

  private final Path path;
  private final CommandRegistry commands;
  private final Options options;
  private ServerSocketChannel server;
  private Thread acceptor;
  private ThreadPoolExecutor workers;
  private volatile Semaphore admitted;
  private ScheduledExecutorService timer;
  private Object boundFile;

  public ControlServer(Path path, CommandRegistry commands) {
    this(path, commands, Options.defaults());
  }

  public ControlServer(Path path, CommandRegistry commands, Options options) {
    this.path = path;
    this.commands = commands;
    this.options = options;
  }

  /** The commands served. */
  public CommandRegistry commands() {
    return commands;
  }

  /**
   * Refuses a socket path that a live process serves; removes a stale socket file (one nobody
   * listens on: a killed daemon's). Called by {@link #start}, and by the daemon before it starts
   * anything else, so that a second instance given the path of a running one stops before it
   * touches the network.
   *
   * @throws SocketInUseException naming the process that serves the path
   * @throws IOException when the path cannot be probed or the stale file removed
   */
  public static void claimPath(Path path) throws IOException {
    ControlSocketProbe.Result r = ControlSocketProbe.probe(path);
    if (r instanceof ControlSocketProbe.Live live) {
      throw new SocketInUseException(path, live);
    }
    if (r instanceof ControlSocketProbe.Stale) {
      log.info("removing stale control socket {} (nobody listens on it)", path);
      Files.deleteIfExists(path);
    }
  }

  /** The control socket path is served by a running process. */
  public static final class SocketInUseException extends IOException {
    private static final long serialVersionUID = 1L;

    SocketInUseException(Path path, ControlSocketProbe.Live holder) {
      super(
          "control socket "
              + path
              + " is in use by a running process ("
              + holder.describe()
              + "): stop that daemon first, or give this one another --socket");
    }
  }

  /**
   * Creates the socket's directory if missing (mode 0700: only the daemon's user may reach the
   * socket), refuses a path in use and replaces a stale socket file ({@link #claimPath}), binds the
   * socket (mode 0600) and starts serving.
   */
  public void start() throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      Files.setPosixFilePermissions(dir, PRIVATE_DIR); // whatever the umask
    }
    claimPath(path);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    boundFile = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    AtomicInteger n = new AtomicInteger();
    admitted = new Semaphore(options.maxClients());
    workers =
        new ThreadPoolExecutor(
            options.maxClients(),
            options.maxClients(),
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> daemonThread(r, "meshsec-control-" + n.incrementAndGet()));
    workers.allowCoreThreadTimeOut(true);
    timer =
        Executors.newSingleThreadScheduledExecutor(r -> daemonThread(r, "meshsec-control-timer"));
    acceptor = daemonThread(this::acceptLoop, "meshsec-control");
    acceptor.start();
  }

  /** How many clients are admitted now (being served, or about to be). */
  int activeClients() {
    Semaphore a = admitted;
    return a == null ? 0 : options.maxClients() - a.availablePermits();
  }

  private static Thread daemonThread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        log.warn("control socket accept failed: {}", e.toString());
        pause(); // e.g. out of file descriptors: do not spin
        continue;
      }
      // Admission by permit, not by idle thread: a worker that has just answered its client is
      // free at once, even before its thread is back waiting for work.
      if (!admitted.tryAcquire()) {
        refuseBusy(ch);
        continue;
      }
      try {
        workers.execute(
            () -> {
              try {
                serve(ch);
              } finally {
                admitted.release();
              }
            });
      } catch (RejectedExecutionException e) {
        admitted.release();
        refuseBusy(ch);
      }
    }
  }

  /**
   * Answers "busy" without blocking the acceptor: reads what the client has sent so far, writes the
   * small answer and closes the connection a little later, once the client has read it.
   */
  private void refuseBusy(SocketChannel ch) {
    log.warn("control socket: {} clients already being served; refusing one", options.maxClients());
    try {
      ch.configureBlocking(false);
      ch.read(ByteBuffer.allocate(MAX_REQUEST));
      ch.write(
          encode(
              ControlResponse.error(
                  "the daemon is busy serving " + options.maxClients() + " clients; try again")));
      ch.shutdownOutput();
    } catch (IOException e) {
      log.debug("control client gone: {}", e.toString());
    }
    closeAfter(ch, Duration.ofSeconds(1));
  }

  private void serve(SocketChannel ch) {
    CommandRegistry.Outcome outcome = null;
    try (ch) {
      String line;
      ScheduledFuture<?> guard = closeAfter(ch, options.requestTimeout());
      try {
        line = readLine(ch);
      } catch (AsynchronousCloseException e) {
        log.info(
            "control client sent no complete request within {} ms; disconnected",
            options.requestTimeout().toMillis());
        return;
      } finally {
        guard.cancel(false);
      }
      ControlResponse response;
      boolean interrupted = false;
      if (line == null) {
        response =
            ControlResponse.error(
                "request over " + MAX_REQUEST + " bytes or not terminated by a newline");
      } else {
        try {
          outcome = commands.exchange(line, new ProgressLines(ch));
          response = outcome.response();
        } catch (InterruptedException e) {
          interrupted = true; // restored after the answer: an interrupt would close the channel
          response = ControlResponse.error("the daemon is shutting down");
        }
      }
      guard = closeAfter(ch, options.writeTimeout());
      try {
        ByteBuffer out = encode(response);
        while (out.hasRemaining()) {
          ch.write(out);
        }
        ch.shutdownOutput();
        drain(ch);
      } finally {
        guard.cancel(false);
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    } catch (IOException e) {
      log.debug("control connection failed: {}", e.toString());
    } catch (RuntimeException e) {
      log.warn("control connection failed", e);
    } finally {
      if (outcome != null) {
        outcome.answered(); // the answer is out, or the client gone: the command ran either way
      }
    }
  }

  /**
   * Writes a command's progress reports to its client as interim lines, each under the write
   * timeout. After a failed write (the client is gone or did not read in time, and the timer closed
   * the channel) it drops every further report. Used by the connection's thread only.
   */
  private final class ProgressLines implements Progress {
    private final SocketChannel ch;
    private boolean broken;

    ProgressLines(SocketChannel ch) {
      this.ch = ch;
    }

    @Override
    public void report(String line) {
      if (broken) {
        return;
      }
      ByteBuffer out =
          ByteBuffer.wrap(
              (ControlJson.write(Map.of("progress", line)) + "\n")
                  .getBytes(StandardCharsets.UTF_8));
      ScheduledFuture<?> guard = closeAfter(ch, options.writeTimeout());
      try {
        while (out.hasRemaining()) {
          ch.write(out);
        }
      } catch (IOException e) {
        broken = true;
        log.debug("control client did not take a progress line: {}", e.toString());
      } finally {
        guard.cancel(false);
      }
    }
  }

  private ScheduledFuture<?> closeAfter(SocketChannel ch, Duration timeout) {
    return timer.schedule(
        () -> {
          try {
            ch.close();
          } catch (IOException e) {
            log.debug("closing a control connection: {}", e.toString());
          }
        },
        timeout.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** The request line without its newline, or null when none fits in {@link #MAX_REQUEST}. */
  private static String readLine(SocketChannel ch) throws IOException {
    ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST);
    int scanned = 0;
    while (in.hasRemaining()) {
      if (ch.read(in) < 0) {
        break;
      }
      for (; scanned < in.position(); scanned++) {
        if (in.get(scanned) == '\n') {
          return new String(in.array(), 0, scanned, StandardCharsets.UTF_8);
        }
      }
    }
    return null;
  }

  /**
   * Reads what the client still sends (the rest of an oversize request), at most 1 MiB, until it
   * closes: closing a Unix socket with unread data would reset the connection before the client has
   * read the answer. The write timeout bounds the wait.
   */
  private static void drain(SocketChannel ch) throws IOException {
    ByteBuffer sink = ByteBuffer.allocate(8192);
    long left = 1 << 20;
    while (left > 0) {
      sink.clear();
      int n = ch.read(sink);
      if (n < 0) {
        return;
      }
      left -= n;
    }
  }

  private static ByteBuffer encode(ControlResponse r) {
    return ByteBuffer.wrap((ControlJson.write(r) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Removes the socket file if it is the one this server bound: never another process's socket that
   * replaced it, and nothing when {@link #start} refused the path.
   */
  private void deleteOwnSocketFile() throws IOException {
    if (boundFile == null) {
      return;
    }
    try {
      Object now = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
      if (boundFile.equals(now)) {
        Files.deleteIfExists(path);
      }
    } catch (NoSuchFileException e) {
      // already gone
    }
  }

  /**
   * Stops accepting, interrupts the commands still running (their clients get an error), and
   * removes the socket file it created.
   */
  @Override
  public void close() {
    try {
      if (server != null) {
        server.close();
      }
      if (acceptor != null) {
        acceptor.join(2000);
      }
      if (workers != null) {
        workers.shutdownNow();
        workers.awaitTermination(2, TimeUnit.SECONDS);
      }
      if (timer != null) {
        timer.shutdownNow();
      }
      deleteOwnSocketFile();
    } catch (IOException e) {
      log.warn("removing control socket {}: {}", path, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
