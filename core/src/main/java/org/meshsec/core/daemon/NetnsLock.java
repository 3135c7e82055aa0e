package org.meshsec.core.daemon;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.meshsec.core.config.RoutingConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ownership of a routing table and a rule priority range within one network namespace, so that a
 * second daemon in the namespace never takes the first one's rules and routes for a dead run's
 * leftovers ({@link RoutingRules} deletes what it finds in its range at start).
 *
 * <p>The lock file is {@code RUN_DIR/netns-INODE.lock}, INODE being the namespace's inode (the
 * number in {@code readlink /proc/self/ns/net}), so daemons in different namespaces never contend
 * and daemons in one namespace always meet in one file. Ownership is a pair of exclusive byte-range
 * locks in it (fcntl(2) record locks through {@link FileChannel#tryLock(long, long, boolean)}): the
 * byte at offset TABLE for the table, and the bytes {@code 2^40 + first priority .. 2^40 +
 * priority} for the rule range, so two owners conflict exactly when their tables are equal or their
 * ranges overlap. The kernel drops the locks when the process dies, so a lock that can be taken
 * proves that whatever is left in that table and range belongs to no running daemon. Beside the
 * lock file, {@code netns-INODE.table-TABLE.owner} says who holds it, for the refusal message.
 *
 * <p>Thread-safety: {@link #acquire} may be called from any thread; {@link #close} is idempotent
 * and synchronized.
 */
public final class NetnsLock implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NetnsLock.class);

  /** Where the lock files live unless {@code -Dmeshsec.run.dir} says otherwise. */
  public static final Path DEFAULT_RUN_DIR = Path.of("/run/meshsec");

  private static final long PRIORITY_BASE = 1L << 40;
  private static final Pattern NS_LINK = Pattern.compile("net:\\[(\\d+)\\]");
  private static final Pattern OWNER =
      Pattern.compile("pid=(\\d+) table=(\\d+) priorities=(\\d+)-(\\d+)");

  /**
   * One channel per lock file in this JVM, shared by its daemons: closing any descriptor of a file
   * drops all of the process's fcntl(2) locks on it, so a daemon that is refused, or that stops,
   * must not close a descriptor another daemon of this process still locks through. Guarded by
   * itself.
   */
  private static final Map<Path, SharedChannel> OPEN = new HashMap<>();

  private static final class SharedChannel {
    final FileChannel channel;
    int users;

    SharedChannel(FileChannel channel) {
      this.channel = channel;
    }
  }

  private final Path file;
  private final List<FileLock> locks;
  private final Path ownerFile;
  private boolean closed;

  private NetnsLock(Path file, List<FileLock> locks, Path ownerFile) {
    this.file = file;
    this.locks = locks;
    this.ownerFile = ownerFile;
  }

  /** The run directory: {@code -Dmeshsec.run.dir}, else {@link #DEFAULT_RUN_DIR}. */
  public static Path runDir() {
    String p = System.getProperty("meshsec.run.dir");
    return p == null || p.isBlank() ? DEFAULT_RUN_DIR : Path.of(p);
  }

  /** The inode of this process's network namespace. */
  public static long namespaceInode() throws IOException {
    String link = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
    Matcher m = NS_LINK.matcher(link);
    if (!m.matches()) {
      throw new IOException("unexpected /proc/self/ns/net link: " + link);
    }
    return Long.parseLong(m.group(1));
  }

  /**
   * Takes the table and priority range of {@code routing} in this network namespace.
   *
   * @throws InUseException when another process (or another daemon in this one) holds the table or
   *     an overlapping range
   * @throws IOException when the run directory or lock file cannot be made
   */
  public static NetnsLock acquire(Path runDir, RoutingConfig routing) throws IOException {
    long ino = namespaceInode();
    if (!Files.isDirectory(runDir)) {
      Files.createDirectories(
          runDir,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Path file = runDir.resolve("netns-" + ino + ".lock").toAbsolutePath().normalize();
    FileChannel ch = openShared(file);
    List<FileLock> held = new ArrayList<>();
    try {
      String what = "routing table " + routing.table();
      FileLock t = tryLock(ch, routing.table(), 1);
      if (t != null) {
        held.add(t);
        what = "rule priorities " + routing.firstPriority() + "-" + routing.priority();
        FileLock p =
            tryLock(
                ch, PRIORITY_BASE + routing.firstPriority(), RoutingConfig.POLICY_RULE_RANGE + 1L);
        if (p != null) {
          held.add(p);
          Path owner = runDir.resolve("netns-" + ino + ".table-" + routing.table() + ".owner");
          Files.writeString(
              owner,
              "pid="
                  + ProcessHandle.current().pid()
                  + " table="
                  + routing.table()
                  + " priorities="
                  + routing.firstPriority()
                  + "-"
                  + routing.priority()
                  + "\n",
              StandardCharsets.US_ASCII);
          log.debug("holding {} in network namespace {} ({})", routing.describe(), ino, file);
          return new NetnsLock(file, held, owner);
        }
      }
      throw new InUseException(what, ino, owners(runDir, ino, routing));
    } catch (IOException | RuntimeException e) {
      for (FileLock l : held) {
        l.release();
      }
      closeShared(file);
      throw e;
    }
  }

  private static FileChannel openShared(Path file) throws IOException {
    synchronized (OPEN) {
      SharedChannel c = OPEN.get(file);
      if (c == null) {
        c =
            new SharedChannel(
                FileChannel.open(
                    file,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE));
        OPEN.put(file, c);
      }
      c.users++;
      return c.channel;
    }
  }

  private static void closeShared(Path file) throws IOException {
    synchronized (OPEN) {
      SharedChannel c = OPEN.get(file);
      if (c != null && --c.users == 0) {
        OPEN.remove(file);
        c.channel.close();
      }
    }
  }

  private static FileLock tryLock(FileChannel ch, long position, long size) throws IOException {
    try {
      return ch.tryLock(position, size, false);
    } catch (OverlappingFileLockException e) {
      return null; // held by another daemon in this JVM
    }
  }

  /** Who, by the owner files, holds an overlapping table or range: "pid 12 (table 4500, ...)". */
  private static List<String> owners(Path runDir, long ino, RoutingConfig routing) {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> ds =
        Files.newDirectoryStream(runDir, "netns-" + ino + ".table-*.owner")) {
      for (Path p : ds) {
        Matcher m = OWNER.matcher(Files.readString(p, StandardCharsets.US_ASCII).strip());
        if (!m.matches()) {
          continue;
        }
        long pid = Long.parseLong(m.group(1));
        int table = Integer.parseInt(m.group(2));
        int from = Integer.parseInt(m.group(3));
        int to = Integer.parseInt(m.group(4));
        boolean overlaps =
            table == routing.table()
                || (from <= routing.priority() && routing.firstPriority() <= to);
        if (overlaps && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          out.add("pid " + pid + " (table " + table + ", rule priorities " + from + "-" + to + ")");
        }
      }
    } catch (IOException e) {
      log.debug("reading owner files in {}: {}", runDir, e.getMessage());
    }
    return out;
  }

  /** Another daemon owns the table or an overlapping priority range in this namespace. */
  public static final class InUseException extends IOException {
    private static final long serialVersionUID = 1L;

    InUseException(String what, long ino, List<String> owners) {
      super(
          what
              + " in this network namespace (net:["
              + ino
              + "]) belongs to another running meshsec"
              + (owners.isEmpty() ? "" : ": " + String.join(", ", owners))
              + "; to run a second daemon here on purpose, give it its own [routing] table and a"
              + " priority whose "
              + RoutingConfig.POLICY_RULE_RANGE
              + " rules below do not overlap");
    }
  }

  /** Releases the locks (and removes the owner file). Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Files.deleteIfExists(ownerFile);
    } catch (IOException e) {
      log.debug("removing {}: {}", ownerFile, e.getMessage());
    }
    try {
      for (FileLock l : locks) {
        l.release();
      }
      closeShared(file);
    } catch (IOException e) {
      log.debug("releasing the network namespace lock: {}", e.getMessage());
    }
  }
}
