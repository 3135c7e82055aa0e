package org.meshsec.core.spd;

/** What a matching policy does (RFC 4301 section 4.4.1). */
public enum Action {
  PROTECT,
  BYPASS,
  DISCARD
}
