package org.meshsec.lab.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ReportTest {
  @Test
  void ipv6HostsAreBracketed() throws Exception {
    assertEquals("[::1]", Report.host(InetAddress.getByName("0:0:0:0:0:0:0:1")));
    assertEquals("[2001:db8::1]", Report.host(InetAddress.getByName("2001:0DB8:0:0:0:0:0:1")));
    assertEquals("192.0.2.1", Report.host(InetAddress.getByName("192.0.2.1")));
    assertEquals(
        "[fd00::10]:5001",
        Report.endpoint(new java.net.InetSocketAddress(InetAddress.getByName("fd00::10"), 5001)));
  }

  @Test
  void sizesTakeBinarySuffixes() throws Exception {
    assertEquals(5 * 1024 * 1024, new Tools.Size().convert("5M"));
    assertEquals(64 * 1024, new Tools.Size().convert("64k"));
    assertEquals(123, new Tools.Size().convert("123"));
  }
}
