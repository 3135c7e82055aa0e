package org.meshsec.core.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.config.RoutingConfig;

/** Table and priority-range ownership within this process's network namespace. */
class NetnsLockTest {

  @Test
  void theSameTableOrAnOverlappingRangeIsRefusedADisjointOneIsNot(@TempDir Path dir)
      throws Exception {
    Path run = dir.resolve("run");
    try (NetnsLock first = NetnsLock.acquire(run, RoutingConfig.DEFAULTS)) {
      assertEquals(
          PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(run));
      NetnsLock.InUseException sameTable =
          assertThrows(
              NetnsLock.InUseException.class,
              () -> NetnsLock.acquire(run, new RoutingConfig(4500, 20000)));
      assertTrue(
          sameTable.getMessage().startsWith("routing table 4500 in this network namespace"),
          sameTable.getMessage());
      assertTrue(
          sameTable
              .getMessage()
              .contains(
                  "pid "
                      + ProcessHandle.current().pid()
                      + " (table 4500, rule priorities 9000-10000)"),
          sameTable.getMessage());

      NetnsLock.InUseException overlap =
          assertThrows(
              NetnsLock.InUseException.class,
              () -> NetnsLock.acquire(run, new RoutingConfig(4600, 10999)));
      assertTrue(
          overlap.getMessage().startsWith("rule priorities 9999-10999"), overlap.getMessage());

      // The refusals above closed nothing the first owner locks through: another process still
      // cannot take table 4500.
      assertFalse(anotherProcessCanLock(run.resolve(lockFile()), 4500), "lock lost");

      try (NetnsLock second = NetnsLock.acquire(run, new RoutingConfig(4600, 11001))) {
        assertTrue(Files.exists(run.resolve(ownerFile(4600))));
      }
    }
    assertTrue(Files.notExists(run.resolve(ownerFile(4500))));
    assertTrue(anotherProcessCanLock(run.resolve(lockFile()), 4500), "lock kept after close");
    try (NetnsLock again = NetnsLock.acquire(run, RoutingConfig.DEFAULTS)) {
      assertTrue(Files.exists(run.resolve(ownerFile(4500))));
    }
  }

  /** Whether python3's fcntl.lockf can take the byte at {@code offset} (a process of its own). */
  private static boolean anotherProcessCanLock(Path file, long offset) throws Exception {
    String py =
        "import fcntl,sys\n"
            + "f=open(sys.argv[1],'r+')\n"
            + "try:\n"
            + "  fcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB,1,int(sys.argv[2])); print('locked')\n"
            + "except OSError: print('busy')\n";
    Process p =
        new ProcessBuilder("python3", "-c", py, file.toString(), Long.toString(offset))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertTrue(out.equals("locked") || out.equals("busy"), out);
    return out.equals("locked");
  }

  private static String lockFile() throws Exception {
    return "netns-" + NetnsLock.namespaceInode() + ".lock";
  }

  private static String ownerFile(int table) throws Exception {
    return "netns-" + NetnsLock.namespaceInode() + ".table-" + table + ".owner";
  }
}
