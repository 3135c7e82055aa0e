/**
 * The cryptography of IKEv2 (RFC 7296), independent of message encoding: transform identifiers
 * ({@link org.meshsec.ike.crypto.PrfAlgorithm}, {@link org.meshsec.ike.crypto.DhGroup}), key
 * exchange ({@link org.meshsec.ike.crypto.KeyExchange}), the PRF and prf+ ({@link
 * org.meshsec.ike.crypto.Prf}), key derivation ({@link org.meshsec.ike.crypto.KeyDerivation}) and
 * the AUTH payload ({@link org.meshsec.ike.crypto.AuthComputation}).
 *
 * <p>Secrets travel in {@link org.meshsec.esp.SecretBytes}, which can be wiped and never prints its
 * contents. Randomness is always injected, so exchanges are reproducible in tests.
 */
package org.meshsec.ike.crypto;
