package org.meshsec.ike.v1.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.v1.message.CbcCipher;
import org.meshsec.ike.v1.message.DataAttribute;
import org.meshsec.ike.v1.message.Phase1Attribute;
import org.meshsec.ike.v1.message.SaPayload;

/**
 * One phase 1 transform as meshsec offers and accepts it (RFC 2409 appendix A attributes): AES-CBC
 * with a key length, a hash (whose HMAC is the prf), a MODP or ECP group and a lifetime in seconds.
 * The Authentication Method is not part of it: a transform carries the method of the SA's
 * configuration ({@link Phase1Config#authMethod()}), pre-shared key unless said otherwise.
 *
 * @param encryption the Encryption Algorithm
 * @param keyBits the Key Length attribute, 0 to omit it
 * @param hash the Hash Algorithm
 * @param group the Group Description (same numbers as IKEv2, RFC 2409 section 6)
 * @param lifetimeSeconds the Life Duration, 0 to omit the lifetime
 */
public record Phase1Proposal(
    Phase1Attribute.Encryption encryption,
    int keyBits,
    Phase1Attribute.Hash hash,
    DhGroup group,
    long lifetimeSeconds) {
  public Phase1Proposal {
    Objects.requireNonNull(encryption, "encryption");
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(group, "group");
  }

  /** The cipher key length in bytes (0 when meshsec does not implement the cipher). */
  public int keyLength() {
    return CbcCipher.keyLength(encryption, keyBits);
  }

  /** The transform, KEY_IKE, numbered {@code number}, with pre-shared key authentication. */
  public SaPayload.Transform toTransform(int number) {
    return toTransform(number, Phase1Attribute.AuthMethod.PRE_SHARED_KEY);
  }

  /**
   * The transform, KEY_IKE, numbered {@code number}, with the authentication method {@code auth}.
   */
  public SaPayload.Transform toTransform(int number, Phase1Attribute.AuthMethod auth) {
    List<DataAttribute> a = new ArrayList<>();
    a.add(DataAttribute.basic(Phase1Attribute.ENCRYPTION_ALGORITHM.value(), encryption.value()));
    if (keyBits > 0) {
      a.add(DataAttribute.basic(Phase1Attribute.KEY_LENGTH.value(), keyBits));
    }
    a.add(DataAttribute.basic(Phase1Attribute.HASH_ALGORITHM.value(), hash.value()));
    a.add(DataAttribute.basic(Phase1Attribute.GROUP_DESCRIPTION.value(), group.id()));
    a.add(DataAttribute.basic(Phase1Attribute.AUTHENTICATION_METHOD.value(), auth.value()));
    if (lifetimeSeconds > 0) {
      a.add(
          DataAttribute.basic(
              Phase1Attribute.LIFE_TYPE.value(), Phase1Attribute.LifeType.SECONDS.value()));
      a.add(DataAttribute.number(Phase1Attribute.LIFE_DURATION.value(), lifetimeSeconds));
    }
    return new SaPayload.Transform(number, SaPayload.KEY_IKE, a);
  }

  /**
   * Reads a received transform; empty if it is not KEY_IKE, uses an attribute class meshsec does
   * not know (RFC 2409 appendix A: unknown attributes make a transform unacceptable), or is not
   * pre-shared key authentication.
   */
  public static Optional<Phase1Proposal> fromTransform(SaPayload.Transform t) {
    return fromTransform(t, Phase1Attribute.AuthMethod.PRE_SHARED_KEY);
  }

  /**
   * As {@link #fromTransform(SaPayload.Transform)}, for a transform authenticated with {@code
   * want}.
   */
  public static Optional<Phase1Proposal> fromTransform(
      SaPayload.Transform t, Phase1Attribute.AuthMethod want) {
    if (t.transformId() != SaPayload.KEY_IKE) {
      return Optional.empty();
    }
    int encryption = -1;
    int keyBits = 0;
    int hash = -1;
    int group = -1;
    int auth = -1;
    long lifetime = 0;
    for (DataAttribute a : t.attributes()) {
      long v = a.longValue();
      switch (a.type()) {
        case 1 -> encryption = (int) v;
        case 2 -> hash = (int) v;
        case 3 -> auth = (int) v;
        case 4 -> group = (int) v;
        case 11 -> {
          if (v != Phase1Attribute.LifeType.SECONDS.value()) {
            return Optional.empty();
          }
        }
        case 12 -> lifetime = v;
        case 14 -> keyBits = (int) v;
        default -> {
          return Optional.empty();
        }
      }
    }
    if (encryption < 0
        || hash < 0
        || group < 0
        || auth != want.value()
        || keyBits < 0
        || lifetime < 0
        || group > 0xFFFF) {
      return Optional.empty();
    }
    return Optional.of(
        new Phase1Proposal(
            new Phase1Attribute.Encryption(encryption),
            keyBits,
            new Phase1Attribute.Hash(hash),
            new DhGroup(group),
            lifetime));
  }

  /** Whether meshsec implements every algorithm of this proposal. */
  public boolean isSupported() {
    return encryption.equals(Phase1Attribute.Encryption.AES_CBC)
        && keyLength() > 0
        && hash.jcaName() != null
        && group.isSupported();
  }

  /** This proposal with another lifetime. */
  public Phase1Proposal withLifetime(long seconds) {
    return new Phase1Proposal(encryption, keyBits, hash, group, seconds);
  }

  /** Whether {@code other} is the same suite (the lifetime may differ). */
  public boolean sameSuite(Phase1Proposal other) {
    return encryption.equals(other.encryption)
        && keyLength() == other.keyLength()
        && hash.equals(other.hash)
        && group.equals(other.group);
  }
}
