package org.meshsec.ike.crypto;

import org.meshsec.esp.SecretBytes;

/**
 * The outcome of {@link KeyExchange#computeSharedSecret(byte[])}: the shared secret g^ir, or the
 * reason the peer's value was refused.
 */
public sealed interface SharedSecretResult
    permits SharedSecretResult.Agreed, SharedSecretResult.Rejected {

  /**
   * The peers agree on {@code sharedSecret} (g^ir in RFC 7296 section 2.14), owned by the caller,
   * who wipes it when the keys are derived.
   */
  record Agreed(SecretBytes sharedSecret) implements SharedSecretResult {}

  /** The peer's value was refused. */
  record Rejected(KeyExchangeError error) implements SharedSecretResult {}
}
