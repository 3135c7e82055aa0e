package org.meshsec.ike.v1.task;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.config.AuthConfig;
import org.meshsec.ike.v1.crypto.V1Signatures;
import org.meshsec.ike.v1.message.IdPayload;
import org.meshsec.ike.v1.message.Phase1Attribute;

/**
 * What one side brings to a phase 1 negotiation: the proposals in order of preference, the PSK or
 * the signature credentials, its own identity and, optionally, the identity the peer must present.
 *
 * @param proposals offered (initiator) or acceptable (responder) transforms, preferred first
 * @param psk the pre-shared key, owned by the caller; null with {@code signatures}
 * @param localId our phase 1 identity (IDii / IDir)
 * @param remoteId the identity the peer must show, or empty to accept any (with signatures: any
 *     that its trusted certificate carries)
 * @param aggressiveResponder whether to answer Aggressive Mode from this peer: off by default,
 *     because with a PSK the responder's message (2) carries HASH_R in the clear, which lets anyone
 *     who asks guess the PSK offline ({@link AggressiveMode})
 * @param signatures signature authentication with certificates (RFC 2409 section 5.1) instead of
 *     the PSK, or empty
 */
public record Phase1Config(
    List<Phase1Proposal> proposals,
    SecretBytes psk,
    IdPayload localId,
    Optional<IdPayload> remoteId,
    boolean aggressiveResponder,
    Optional<Signatures> signatures) {

  /**
   * Signature authentication (RFC 2409 section 5.1): our key and certificates, the trust anchors
   * for the peer's, and the clock their validity is checked against.
   *
   * @param credentials our private key and certificate chain, the CAs and pinned certificates
   * @param clock the current time (the engine's scheduler, virtual in tests)
   */
  public record Signatures(AuthConfig.PubKey credentials, Supplier<Instant> clock) {
    public Signatures {
      Objects.requireNonNull(credentials, "credentials");
      Objects.requireNonNull(clock, "clock");
      V1Signatures.methodFor(credentials.privateKey()); // refuses keys IKEv1 cannot sign with
    }

    /** The authentication method our key signs with. */
    public Phase1Attribute.AuthMethod method() {
      return V1Signatures.methodFor(credentials.privateKey());
    }
  }

  /** A PSK configuration. */
  public Phase1Config(
      List<Phase1Proposal> proposals,
      SecretBytes psk,
      IdPayload localId,
      Optional<IdPayload> remoteId,
      boolean aggressiveResponder) {
    this(proposals, psk, localId, remoteId, aggressiveResponder, Optional.empty());
  }

  /** A PSK configuration that does not answer Aggressive Mode. */
  public Phase1Config(
      List<Phase1Proposal> proposals,
      SecretBytes psk,
      IdPayload localId,
      Optional<IdPayload> remoteId) {
    this(proposals, psk, localId, remoteId, false);
  }

  /** A signature configuration. */
  public static Phase1Config withSignatures(
      List<Phase1Proposal> proposals,
      Signatures signatures,
      IdPayload localId,
      Optional<IdPayload> remoteId,
      boolean aggressiveResponder) {
    return new Phase1Config(
        proposals, null, localId, remoteId, aggressiveResponder, Optional.of(signatures));
  }

  /** The canonical constructor. */
  public Phase1Config {
    proposals = List.copyOf(proposals);
    if (proposals.isEmpty() || proposals.size() > 255) {
      throw new IllegalArgumentException("1..255 proposals");
    }
    Objects.requireNonNull(signatures, "signatures");
    if (signatures.isEmpty()) {
      Objects.requireNonNull(psk, "psk");
    }
    Objects.requireNonNull(localId, "localId");
    Objects.requireNonNull(remoteId, "remoteId");
  }

  /** The authentication method we offer and accept: pre-shared key or our key's signature. */
  public Phase1Attribute.AuthMethod authMethod() {
    return signatures.map(Signatures::method).orElse(Phase1Attribute.AuthMethod.PRE_SHARED_KEY);
  }

  @Override
  public String toString() {
    return "Phase1Config[" + proposals + ", " + authMethod() + ", local " + localId + "]";
  }
}
