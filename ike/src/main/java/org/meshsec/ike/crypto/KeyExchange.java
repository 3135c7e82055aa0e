package org.meshsec.ike.crypto;

import java.security.SecureRandom;

/**
 * One side of an ephemeral key exchange for IKEv2 (RFC 7296 sections 1.2 and 2.14; the Key Exchange
 * payload of section 3.4): holds a private value and computes the shared secret g^ir from the
 * peer's public value.
 *
 * <p>Encodings (see {@link DhGroup}): MODP public values and shared secrets are left-padded to the
 * prime length; ECP public values are x || y without the 0x04 octet and the ECP shared secret is
 * the x-coordinate only (RFC 5903 section 7); Curve25519 uses 32-byte little-endian u-coordinates
 * (RFC 8031).
 *
 * <p>Peer values are validated as RFC 6989 requires before use, and a bad one gives a {@link
 * SharedSecretResult.Rejected}, never an exception.
 *
 * <p>Implementations are not thread-safe: one exchange belongs to one IKE SA, whose executor uses
 * it. The private value is dropped by {@link #destroy()}; where it is held as a {@code BigInteger}
 * (MODP, ECP) it cannot be overwritten, only released.
 */
public interface KeyExchange extends AutoCloseable {

  /** The group this exchange runs in. */
  DhGroup group();

  /** Our Key Exchange Data, exactly {@link DhGroup#keyExchangeLength()} bytes. A fresh copy. */
  byte[] publicValue();

  /**
   * Computes g^ir from the peer's Key Exchange Data. May be called more than once (a retransmitted
   * response gives the same result).
   *
   * @throws IllegalStateException after {@link #destroy()}
   */
  SharedSecretResult computeSharedSecret(byte[] peerPublicValue);

  /** Drops (and, where possible, overwrites) the private value. Idempotent. */
  void destroy();

  /** Same as {@link #destroy()}. */
  @Override
  default void close() {
    destroy();
  }

  /**
   * Starts an exchange with a fresh private value drawn from {@code random}. With a deterministic
   * {@code random} the exchange is deterministic, independent of the JCA provider.
   *
   * @throws IllegalArgumentException if the group is NONE or not implemented
   */
  static KeyExchange generate(DhGroup group, SecureRandom random) {
    return switch (group.kind()) {
      case MODP -> ModpKeyExchange.generate(group, random);
      case ECP -> EcpKeyExchange.generate(group, random);
      case MONTGOMERY -> X25519KeyExchange.generate(group, random);
      case OTHER -> throw new IllegalArgumentException("unsupported key exchange group " + group);
    };
  }

  /**
   * Starts an exchange with a given private value, for known-answer tests and interop checks: the
   * big-endian exponent for MODP, the big-endian scalar (field length) for ECP, the 32-byte scalar
   * for Curve25519 (clamped by X25519 itself, RFC 7748 section 5).
   *
   * @throws IllegalArgumentException if the group is not implemented or the value is out of range
   */
  static KeyExchange fromPrivateValue(DhGroup group, byte[] privateValue) {
    return switch (group.kind()) {
      case MODP -> ModpKeyExchange.fromPrivate(group, privateValue);
      case ECP -> EcpKeyExchange.fromPrivate(group, privateValue);
      case MONTGOMERY -> X25519KeyExchange.fromPrivate(group, privateValue);
      case OTHER -> throw new IllegalArgumentException("unsupported key exchange group " + group);
    };
  }
}
