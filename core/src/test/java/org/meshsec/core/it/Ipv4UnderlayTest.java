package org.meshsec.core.it;

/**
 * {@link TrafficTestBase} over the IPv4 underlay (192.0.2.1 - 192.0.2.2): transport mode with IPv4
 * overlay addresses, IPv4-in-IPv4 and IPv6-in-IPv4 tunnels. The 50 MB transfer runs through the
 * IPv4 subnet tunnel.
 */
class Ipv4UnderlayTest extends TrafficTestBase {
  @Override
  boolean v6Underlay() {
    return false;
  }

  @Override
  String tcpSize(String pair) {
    return pair.equals("lan4") ? "50M" : "8M";
  }

  @Override
  int expectedMtu() {
    return 1438; // AES-GCM tunnel over IPv4, 1500-byte underlay
  }
}
