package org.meshsec.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LinkConfigurator against a stand-in {@code ip} script that logs its arguments and fails on
 * request; needs no privileges. The interface is "lo", which always exists, so undo runs.
 */
class LinkConfiguratorTest {
  @TempDir Path dir;
  private Path log;
  private Path ip;

  @BeforeEach
  void fakeIp() throws IOException {
    log = dir.resolve("calls.log");
    ip = dir.resolve("ip");
    Files.writeString(
        ip,
        "#!/bin/sh\n"
            + "echo \"$*\" >> '"
            + log
            + "'\n"
            + "case \"$*\" in\n"
            + "  *'route add 10.9.9.0/24'*) echo 'RTNETLINK answers: File exists' >&2; exit 2;;\n"
            + "  *'addr del'*) echo 'RTNETLINK answers: Cannot assign requested address' >&2;"
            + " exit 2;;\n"
            + "  *'mtu 1234'*) sleep 5;;\n"
            + "  *' show '*) [ -f '"
            + dir.resolve("present")
            + "' ] && echo 'still there';;\n"
            + "esac\n"
            + "exit 0\n");
    Files.setPosixFilePermissions(ip, PosixFilePermissions.fromString("rwx------"));
  }

  private List<String> calls() throws IOException {
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  @Test
  void commandsAndReverseUndo() throws Exception {
    LinkConfigurator c = new LinkConfigurator("lo", ip.toString(), Duration.ofSeconds(5));
    c.setMtu(1400);
    c.up();
    c.addAddress(InetAddress.getByName("10.1.2.3"), 24);
    c.addAddress(InetAddress.getByName("fd00::1"), 64);
    c.addRoute(InetAddress.getByName("10.7.7.77"), 24);
    c.addRoute(InetAddress.getByName("fd01::5"), 48);
    c.removeRoute(InetAddress.getByName("fd01::"), 48);
    assertEquals(
        List.of(
            "link set dev lo mtu 1400",
            "link set dev lo up",
            "-4 addr add 10.1.2.3/24 dev lo",
            "-6 addr add fd00::1/64 dev lo nodad",
            "-4 route add 10.7.7.0/24 dev lo",
            "-6 route add fd01::/48 dev lo",
            "-6 route del fd01::/48 dev lo"),
        calls());
    assertEquals(
        List.of(
            "delete route 10.7.7.0/24",
            "delete address fd00::1/64",
            "delete address 10.1.2.3/24",
            "bring link down"),
        c.pendingUndo());

    Files.delete(log);
    // The fake fails every "addr del" and says the address is still there: undo goes on, then
    // reports the first failure.
    Files.createFile(dir.resolve("present"));
    IOException e = assertThrows(IOException.class, c::close);
    assertEquals(
        List.of(
            "-4 route del 10.7.7.0/24 dev lo",
            "-6 addr del fd00::1/64 dev lo",
            "-6 -o addr show dev lo to fd00::1/128",
            "-4 addr del 10.1.2.3/24 dev lo",
            "-4 -o addr show dev lo to 10.1.2.3/32",
            "link set dev lo down"),
        calls());
    assertTrue(e.getMessage().startsWith("delete address fd00::1/64 on lo failed"));
    assertEquals(1, e.getSuppressed().length);
    assertTrue(c.pendingUndo().isEmpty());
  }

  @Test
  void failedDeletionOfSomethingAlreadyGoneIsNotAnError() throws Exception {
    // Like an IPv6 address the kernel flushed when the link went down.
    LinkConfigurator c = new LinkConfigurator("lo", ip.toString(), Duration.ofSeconds(5));
    c.addAddress(InetAddress.getByName("fd00::1"), 64);
    c.up();
    Files.delete(log);
    c.undo();
    assertEquals(
        List.of(
            "link set dev lo down",
            "-6 addr del fd00::1/64 dev lo",
            "-6 -o addr show dev lo to fd00::1/128"),
        calls());
  }

  @Test
  void failureNamesOperationCommandAndStderr() throws Exception {
    LinkConfigurator c = new LinkConfigurator("lo", ip.toString(), Duration.ofSeconds(5));
    IOException e =
        assertThrows(IOException.class, () -> c.addRoute(InetAddress.getByName("10.9.9.1"), 24));
    assertEquals(
        "add route 10.9.9.0/24 on lo failed: `"
            + ip
            + " -4 route add 10.9.9.0/24 dev lo` exited with 2: RTNETLINK answers: File exists",
        e.getMessage());
    assertTrue(c.pendingUndo().isEmpty(), "a failed add is not recorded");
  }

  @Test
  void timeoutKillsTheCommand() {
    LinkConfigurator c = new LinkConfigurator("lo", ip.toString(), Duration.ofMillis(300));
    long start = System.nanoTime();
    IOException e = assertThrows(IOException.class, () -> c.setMtu(1234));
    assertTrue(e.getMessage().contains("timed out after PT0.3S"), e.getMessage());
    assertTrue(System.nanoTime() - start < 4_000_000_000L);
  }

  @Test
  void missingBinary() {
    LinkConfigurator c =
        new LinkConfigurator("lo", dir.resolve("nope").toString(), Duration.ofSeconds(1));
    IOException e = assertThrows(IOException.class, c::up);
    assertTrue(e.getMessage().startsWith("bring link up on lo failed: cannot run"), e.getMessage());
    assertTrue(e.getMessage().contains("iproute2"), e.getMessage());
  }

  @Test
  void undoOfAVanishedInterfaceHasNothingToDo() throws Exception {
    String gone = KernelTestSupport.uniqueName();
    LinkConfigurator c = new LinkConfigurator(gone, ip.toString(), Duration.ofSeconds(5));
    c.up();
    c.addAddress(InetAddress.getByName("10.1.2.3"), 24);
    Files.delete(log);
    c.undo();
    assertEquals(List.of(), calls());
    assertTrue(c.pendingUndo().isEmpty());
  }

  @Test
  void networkMasksHostBits() throws Exception {
    assertEquals(
        InetAddress.getByName("10.1.0.0"),
        LinkConfigurator.network(InetAddress.getByName("10.1.255.255"), 16));
    assertEquals(
        InetAddress.getByName("10.1.2.0"),
        LinkConfigurator.network(InetAddress.getByName("10.1.2.255"), 23 + 1));
    assertEquals(
        InetAddress.getByName("fd00:1234::"),
        LinkConfigurator.network(InetAddress.getByName("fd00:1234::ffff"), 64));
    assertThrows(
        IllegalArgumentException.class,
        () -> LinkConfigurator.network(InetAddress.getByName("10.0.0.0"), 33));
  }

  @Test
  void rejectsNamePatterns() {
    assertThrows(IllegalArgumentException.class, () -> new LinkConfigurator("tun%d"));
  }
}
