package org.meshsec.lab.it;

/**
 * {@link TrafficTestBase} over the IPv4 underlay with {@code [tun] offload = false} on both nodes:
 * the TUN device is opened without IFF_VNET_HDR, so every read and write is one packet (the path
 * taken when offloads are not wanted). The same transfers arrive intact; {@link Ipv4UnderlayTest}
 * runs them with offloads.
 */
class OffloadFallbackTest extends Ipv4UnderlayTest {
  @Override
  boolean offload() {
    return false;
  }

  @Override
  String tcpSize(String pair) {
    return "8M";
  }
}
