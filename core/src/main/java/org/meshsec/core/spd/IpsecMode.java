package org.meshsec.core.spd;

/** ESP mode (RFC 4301 section 4.1). */
public enum IpsecMode {
  /** Host to host: the transport segment is protected, the IP header rebuilt on receipt. */
  TRANSPORT,
  /** Subnet to subnet: the whole inner packet is protected (next header 4 or 41). */
  TUNNEL
}
