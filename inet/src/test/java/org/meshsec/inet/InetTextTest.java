package org.meshsec.inet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class InetTextTest {

  @Test
  void formatsEndpoints() throws Exception {
    assertEquals(
        "192.0.2.1:4500",
        InetText.endpoint(
            new java.net.InetSocketAddress(InetAddress.getByName("192.0.2.1"), 4500)));
    assertEquals(
        "[2001:db8::1]:500",
        InetText.endpoint(
            new java.net.InetSocketAddress(InetAddress.getByName("2001:db8:0:0:0:0:0:1"), 500)));
  }

  @Test
  void formatsInetAddresses() throws Exception {
    assertEquals("fd00::1", InetText.format(InetAddress.getByName("fd00:0:0:0:0:0:0:1")));
    assertEquals("::", InetText.format(InetAddress.getByName("::")));
    assertEquals("::1", InetText.format(InetAddress.getByName("::1")));
    assertEquals("fd00::", InetText.format(InetAddress.getByName("fd00::")));
    assertEquals(
        "2001:db8:0:1:1:1:1:1", InetText.format(InetAddress.getByName("2001:db8:0:1:1:1:1:1")));
    assertEquals("2001:0:0:1::1", InetText.format(InetAddress.getByName("2001:0:0:1:0:0:0:1")));
    assertEquals("2001:db8::1", InetText.format(InetAddress.getByName("2001:0DB8:0:0:0:0:0:1")));
    assertEquals("fd00::10", InetText.format(InetAddress.getByName("fd00:0::10")));
    assertEquals("10.0.0.1", InetText.format(InetAddress.getByName("10.0.0.1")));
  }

  @Test
  void formatsTheTwoLongForm() {
    assertEquals("::", InetText.format(6, 0, 0));
    assertEquals("::1", InetText.format(6, 0, 1));
    assertEquals("2001:db8::1", InetText.format(6, 0x20010DB800000000L, 1));
    // a single zero group is not compressed
    assertEquals(
        "2001:db8:0:1:1:1:1:1", InetText.format(6, 0x20010DB800000001L, 0x0001000100010001L));
    // the longest run wins; on a tie the first
    assertEquals("2001:0:0:1::1", InetText.format(6, 0x2001000000000001L, 1));
    assertEquals("2001:db8::1:0:0:1", InetText.format(6, 0x20010DB800000000L, 0x0001000000000001L));
    assertEquals("fd00::", InetText.format(6, 0xFD00000000000000L, 0));
    assertEquals("192.168.0.1", InetText.format(4, 0, 0xC0A80001L));
  }
}
