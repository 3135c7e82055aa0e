package org.meshsec.tun;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TunOptionsTest {

  @ParameterizedTest
  @ValueSource(strings = {"meshsec0", "meshsec%d", "a", "tun-x_1.2", "fifteen_bytes_x"})
  void acceptsValidNames(String name) {
    assertDoesNotThrow(() -> TunOptions.builder(name).build());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "sixteen_bytes_xx",
        "bad/name",
        "bad:name",
        "bad name",
        "tab\tx",
        ".",
        "..",
        "x%s",
        "a%d%d",
        "trail%",
        "caf\u00e9"
      })
  void rejectsInvalidNames(String name) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TunOptions.builder(name).build());
    assertTrue(e.getMessage().contains("interface name"), e.getMessage());
  }

  @Test
  void rejectsOutOfRangeNumbers() {
    assertThrows(IllegalArgumentException.class, () -> TunOptions.builder("t").queues(0).build());
    assertThrows(
        IllegalArgumentException.class, () -> TunOptions.builder("t").batchSize(0).build());
    assertThrows(
        IllegalArgumentException.class, () -> TunOptions.builder("t").headroom(-1).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> TunOptions.builder("t").readBufferSize(70000).build());
  }

  @Test
  void defaults() {
    TunOptions o = TunOptions.builder("meshsec%d").build();
    assertEquals(1, o.queues());
    assertEquals(TunOptions.DEFAULT_HEADROOM, o.headroom());
    assertEquals("/dev/net/tun", o.devicePath());
    assertEquals(ReaderMode.AUTO, o.readerMode());
    assertEquals(false, o.vnetHdr(), "offloads are opt-in");
    assertEquals(true, TunOptions.builder("meshsec%d").vnetHdr(true).build().vnetHdr());
  }

  /** Needs no privileges: the clone device path is wrong. */
  @Test
  void missingCloneDeviceSaysHowToFixIt(@TempDir Path dir) {
    String path = dir.resolve("tun").toString();
    IOException e =
        assertThrows(
            IOException.class,
            () -> TunDevice.open(TunOptions.builder("mst%d").devicePath(path).build()));
    assertTrue(e.getMessage().startsWith("open(" + path + ") failed: ENOENT (2)"), e.getMessage());
    assertTrue(e.getMessage().contains("modprobe tun"), e.getMessage());
    assertTrue(e.getMessage().contains("--device /dev/net/tun"), e.getMessage());
  }
}
