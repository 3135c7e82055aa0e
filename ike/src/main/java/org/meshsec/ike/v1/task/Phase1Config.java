package org.meshsec.ike.v1.task;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.v1.message.IdPayload;

/**
 * What one side brings to a phase 1 negotiation with pre-shared keys: the proposals in order of
 * preference, the PSK, its own identity and, optionally, the identity the peer must present.
 *
 * @param proposals offered (initiator) or acceptable (responder) transforms, preferred first
 * @param psk the pre-shared key; owned by the caller
 * @param localId our phase 1 identity (IDii / IDir)
 * @param remoteId the identity the peer must show, or empty to accept any
 * @param aggressiveResponder whether to answer Aggressive Mode from this peer: off by default,
 *     because the responder's message (2) carries HASH_R in the clear, which lets anyone who asks
 *     guess the PSK offline ({@link AggressiveMode})
 */
public record Phase1Config(
    List<Phase1Proposal> proposals,
    SecretBytes psk,
    IdPayload localId,
    Optional<IdPayload> remoteId,
    boolean aggressiveResponder) {

  /** A configuration that does not answer Aggressive Mode. */
  public Phase1Config(
      List<Phase1Proposal> proposals,
      SecretBytes psk,
      IdPayload localId,
      Optional<IdPayload> remoteId) {
    this(proposals, psk, localId, remoteId, false);
  }

  /** The canonical constructor. */
  public Phase1Config {
    proposals = List.copyOf(proposals);
    if (proposals.isEmpty() || proposals.size() > 255) {
      throw new IllegalArgumentException("1..255 proposals");
    }
    Objects.requireNonNull(psk, "psk");
    Objects.requireNonNull(localId, "localId");
    Objects.requireNonNull(remoteId, "remoteId");
  }

  @Override
  public String toString() {
    return "Phase1Config[" + proposals + ", local " + localId + "]";
  }
}
