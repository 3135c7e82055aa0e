package org.meshsec.tun;

/** Outcome of {@link TunInterface#write}: the data path reports, it does not throw. */
public enum WriteResult {
  /** The kernel took the whole packet. */
  WRITTEN,
  /** The device queue was full (EAGAIN); the packet was dropped and counted. */
  WOULD_BLOCK,
  /**
   * The packet was refused as malformed (empty, or not IPv4/IPv6 by its version nibble: the kernel
   * answers EINVAL); dropped and counted.
   */
  REJECTED,
  /** Any other error (e.g. EIO when the interface is down); dropped and counted. */
  FAILED,
  /** The device was closed; dropped. */
  CLOSED
}
