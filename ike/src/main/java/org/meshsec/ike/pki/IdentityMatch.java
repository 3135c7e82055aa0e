package org.meshsec.ike.pki;

/** Whether a certificate carries a claimed IKE identity (RFC 4945 section 3.1). */
public enum IdentityMatch {
  /** The certificate contains the identity in the field of the matching type. */
  MATCH,
  /** It does not. */
  NO_MATCH,
  /** The identity type (ID_KEY_ID) has no certificate field to match; policy decides. */
  NOT_APPLICABLE
}
