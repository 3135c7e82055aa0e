package org.meshsec.ike.config;

/**
 * What to do when dead peer detection (RFC 7296 section 2.4) finds the peer unreachable, as
 * strongSwan's {@code dpd_action}: the IKE SA and its Child SAs are always removed locally.
 */
public enum DpdAction {
  /** Remove the SAs and do nothing else. */
  CLEAR,
  /** Remove the SAs and initiate a new IKE SA with the same Child SAs at once. */
  RESTART,
  /**
   * Remove the SAs and wait for traffic: the data plane's policy stays and raises an acquire when a
   * packet needs an SA again.
   */
  TRAP
}
