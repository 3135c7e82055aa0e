package org.meshsec.core.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;
import org.meshsec.core.net.IpPrefix;

/**
 * An address assigned to the TUN device together with its on-link prefix length, as in {@code ip
 * addr add 10.9.0.1/24 dev meshsec0}. Unlike {@link IpPrefix} it keeps the host bits.
 *
 * @param address the interface address
 * @param prefixLength 0..32 for IPv4, 0..128 for IPv6
 */
public record TunAddress(InetAddress address, int prefixLength) {
  public TunAddress {
    Objects.requireNonNull(address, "address");
    int max = address instanceof Inet4Address ? 32 : 128;
    if (prefixLength < 0 || prefixLength > max) {
      throw new IllegalArgumentException("prefix length out of range 0.." + max);
    }
  }

  /** 4 or 6. */
  public int version() {
    return address instanceof Inet4Address ? 4 : 6;
  }

  /** The on-link network, host bits cleared. */
  public IpPrefix network() {
    return IpPrefix.of(address, prefixLength);
  }

  @Override
  public String toString() {
    return Addresses.format(address) + "/" + prefixLength;
  }
}
