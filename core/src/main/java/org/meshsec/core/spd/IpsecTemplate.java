package org.meshsec.core.spd;

import java.net.InetAddress;
import java.util.List;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;

/**
 * What a PROTECT policy requires of its SA (RFC 4301 section 4.4.1.2, "processing info"): the mode,
 * the acceptable suites in preference order, and the tunnel endpoints (outer addresses).
 *
 * @param mode transport or tunnel
 * @param suites acceptable ESP suites, most preferred first (never empty)
 * @param local our outer (underlay) address
 * @param peer the peer's outer (underlay) address
 */
public record IpsecTemplate(
    IpsecMode mode, List<EspSuite> suites, InetAddress local, InetAddress peer) {
  public IpsecTemplate {
    if (mode == null || peer == null || local == null) {
      throw new IllegalArgumentException("mode, local and peer are required");
    }
    suites = List.copyOf(suites);
    if (suites.isEmpty()) {
      throw new IllegalArgumentException("at least one suite is required");
    }
  }
}
