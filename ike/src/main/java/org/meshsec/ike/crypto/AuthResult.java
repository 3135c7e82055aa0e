package org.meshsec.ike.crypto;

import org.meshsec.ike.message.AuthMethod;

/** The outcome of verifying a peer's AUTH payload (RFC 7296 section 2.15). */
public sealed interface AuthResult permits AuthResult.Authentic, AuthResult.Rejected {

  /** Whether the peer was authenticated. */
  default boolean isAuthentic() {
    return this instanceof Authentic;
  }

  /**
   * The peer proved possession of the key.
   *
   * @param method the authentication method used
   * @param scheme the RFC 7427 signature scheme for DIGITAL_SIGNATURE, null for other methods
   */
  record Authentic(AuthMethod method, SignatureScheme scheme) implements AuthResult {}

  /** The AUTH payload was refused. */
  record Rejected(AuthFailure reason) implements AuthResult {}
}
