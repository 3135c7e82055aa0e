package org.meshsec.esp;

/**
 * The IPsec mode of an SA (RFC 4301 section 4.1). IKEv2 negotiates transport mode with the
 * USE_TRANSPORT_MODE notification (RFC 7296 section 1.3.1); tunnel mode is the default. ESP itself
 * only sees the difference as the next-header value of the payload it protects.
 */
public enum IpsecMode {
  /**
   * Host to host: the transport segment is protected and the receiver rebuilds the IP header from
   * the SA's addresses.
   */
  TRANSPORT,
  /** Subnet to subnet: the whole inner IP packet is protected (next header 4 or 41). */
  TUNNEL
}
