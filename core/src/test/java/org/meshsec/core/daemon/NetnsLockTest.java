package org.meshsec.core.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

      try (NetnsLock second = NetnsLock.acquire(run, new RoutingConfig(4600, 11001))) {
        assertTrue(Files.exists(run.resolve(ownerFile(4600))));
      }
    }
    assertTrue(Files.notExists(run.resolve(ownerFile(4500))));
    try (NetnsLock again = NetnsLock.acquire(run, RoutingConfig.DEFAULTS)) {
      assertTrue(Files.exists(run.resolve(ownerFile(4500))));
    }
  }

  private static String ownerFile(int table) throws Exception {
    return "netns-" + NetnsLock.namespaceInode() + ".table-" + table + ".owner";
  }
}
