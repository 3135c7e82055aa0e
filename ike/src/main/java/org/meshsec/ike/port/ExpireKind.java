package org.meshsec.ike.port;

/** Which lifetime an SA reached (RFC 4301 section 4.4.2.1; PF_KEY SADB_EXPIRE, RFC 2367). */
public enum ExpireKind {
  /** The soft limit: the SA still works; rekey it. */
  SOFT,
  /** The hard limit: the SA is gone from the data plane; delete the pair. */
  HARD
}
