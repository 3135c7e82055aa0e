package org.meshsec.lab.it;

/**
 * {@link TrafficTestBase} over the IPv6 underlay (2001:db8:1::1 - 2001:db8:1::2): transport mode
 * with IPv6 overlay addresses, IPv4-in-IPv6 and IPv6-in-IPv6 tunnels. The 50 MB transfer runs
 * through the IPv6 subnet tunnel.
 */
class Ipv6UnderlayTest extends TrafficTestBase {
  @Override
  boolean v6Underlay() {
    return true;
  }

  @Override
  String tcpSize(String pair) {
    return pair.equals("lan6") ? "50M" : "8M";
  }

  @Override
  int expectedMtu() {
    return 1418; // AES-GCM tunnel over IPv6, 1500-byte underlay
  }
}
