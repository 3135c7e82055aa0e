package org.meshsec.core.spd;

/** Which traffic a policy applies to (RFC 4301 section 4.4.1). */
public enum Direction {
  /** Packets leaving through the tunnel (read from TUN). */
  OUT,
  /** Packets arriving (decrypted ESP, or clear packets received). */
  IN
}
