package org.meshsec.lab.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Namespace handles without creating namespaces (no root needed). Running commands is tested in
 * tun's {@code org.meshsec.tun.exec.CommandsTest}.
 */
class NetnsTest {

  @Test
  void withoutRootTestsSkipLocallyButFailInCi() {
    Optional<String> noRoot = Optional.of("not root (effective uid 1000)");
    assertTrue(Netns.requireRoot("x", Optional.empty(), "true"));
    assertTrue(Netns.requireRoot("x", Optional.empty(), null));
    assertFalse(Netns.requireRoot("x", noRoot, null));
    assertFalse(Netns.requireRoot("x", noRoot, "false"));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> Netns.requireRoot("ping test", noRoot, "true"));
    assertTrue(e.getMessage().contains("ping test needs root"), e.getMessage());
    assertTrue(e.getMessage().contains("effective uid 1000"), e.getMessage());
  }

  @Test
  void namesAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> new Topology("Bad"));
    assertThrows(IllegalArgumentException.class, () -> new Topology("toolongprefix"));
    assertThrows(IllegalArgumentException.class, () -> Netns.of("a/b"));
    assertThrows(IllegalArgumentException.class, () -> Netns.of("x").sysctl("net/../../etc", "1"));
    String n = Topology.uniqueIfName("msveth-root");
    assertTrue(n.length() <= 15 && n.startsWith("msveth-roo"), n);
  }

  @Test
  void commandsWrapIntoIpNetnsExec() {
    Netns ns = Netns.of("mst-a-1-abcd");
    assertEquals(
        List.of("ip", "netns", "exec", "mst-a-1-abcd", "ip", "addr"), ns.command("ip", "addr"));
    assertEquals(List.of("ip", "-n", "mst-a-1-abcd", "link"), ns.ipCommand("link"));
  }
}
