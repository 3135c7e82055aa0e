package org.meshsec.ike.port;

/**
 * The IPsec mode of a Child SA (RFC 4301 section 4.1). Transport mode is negotiated with the
 * USE_TRANSPORT_MODE notification (RFC 7296 section 1.3.1); tunnel mode is the default.
 */
public enum IpsecMode {
  /** Host-to-host: the ESP payload is the original transport payload. */
  TRANSPORT,
  /** The ESP payload is a whole inner IP packet. */
  TUNNEL
}
