/**
 * Address and port value types shared by the packet parser ({@code core.packet}), the SPD ({@code
 * core.spd}), the configuration and the daemon: {@link org.meshsec.core.net.IpPrefix} (an address
 * prefix in the two-long form used on the packet path) and {@link org.meshsec.core.net.PortRange}
 * (RFC 4301 section 4.4.1.1). This package imports nothing else of {@code core}, so packet and spd
 * both depend on it and not on each other's value types.
 *
 * <p>Every type here is an immutable record and thread-safe.
 */
package org.meshsec.core.net;
