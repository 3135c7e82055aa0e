package org.meshsec.ike.v1.task;

import java.util.ArrayList;
import java.util.List;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.task.TaskStatus;
import org.meshsec.ike.v1.message.ExchangeType;
import org.meshsec.ike.v1.message.IdPayload;
import org.meshsec.ike.v1.message.IsakmpMessage;
import org.meshsec.ike.v1.message.NoncePayload;
import org.meshsec.ike.v1.message.NotifyType;
import org.meshsec.ike.v1.message.Payload;
import org.meshsec.ike.v1.message.ProtocolId;
import org.meshsec.ike.v1.message.SaPayload;

/**
 * Aggressive Mode with pre-shared keys (RFC 2409 section 5.4) or signatures (section 5.1), both
 * variants:
 *
 * <pre>
 *        Initiator                          Responder
 *       -----------                        -----------
 *  (1)   HDR, SA, KE, Ni, IDii [, CR] -->
 *                                    <--    HDR, SA, KE, Nr, IDir, HASH_R   (2)
 *                                           or ..., IDir, CERT, SIG_R, CR
 *  (3)   HDR*, HASH_I                -->
 *        or HDR*, CERT, SIG_I
 * </pre>
 *
 * The same keys and authentication as {@link MainMode} ({@link Phase1Auth}), in three messages: the
 * KE goes out with the offer, so every offered transform must use the same group (the initiator
 * offers only those of its first proposal's group; the responder accepts only a transform of the
 * KE's group). Message (3) is encrypted, as strongSwan sends it; {@link MainModeExchange} accepts
 * it in the clear too.
 *
 * <p><b>Security.</b> The identities travel in the clear, and the responder's message (2) carries
 * HASH_R, a prf keyed with the PSK over values all visible on the wire: anyone who sends a message
 * (1) gets material to guess the PSK offline, without ever authenticating. The responder side is
 * therefore off unless {@link Phase1Config#aggressiveResponder()} is set for the peer; with it off
 * message (1) is dropped without an answer. Use Main Mode (or long random PSKs) where possible.
 *
 * <p>Not thread-safe; runs on its SA's executor.
 */
public final class AggressiveMode implements V1Task {
  private final boolean initiator;
  private int step;
  private SaPayload.Proposal acceptedProposal;
  private SaPayload.Transform acceptedTransform;

  public AggressiveMode(boolean initiator) {
    this.initiator = initiator;
  }

  @Override
  public boolean initiator() {
    return initiator;
  }

  @Override
  public ExchangeType exchange() {
    return ExchangeType.AGGRESSIVE;
  }

  @Override
  public TaskStatus build(Phase1State sa, List<Payload> out) throws V1Exception {
    int s = step++;
    if (initiator && s == 0) {
      List<Phase1Proposal> offers = sa.config().proposals();
      DhGroup group = offers.get(0).group();
      List<SaPayload.Transform> transforms = new ArrayList<>();
      for (Phase1Proposal p : offers) {
        if (p.group().equals(group)) {
          transforms.add(p.toTransform(transforms.size() + 1, sa.config().authMethod()));
        }
      }
      SaPayload offer =
          SaPayload.of(new SaPayload.Proposal(1, ProtocolId.ISAKMP, Bytes.EMPTY, transforms));
      sa.saiB = offer.encodeBody();
      out.add(offer);
      sa.chosen = offers.get(0); // the group of the KE until the responder chose
      MainMode.keyExchange(sa, out);
      sa.gxi = sa.keyExchange.publicValue();
      sa.niB = MainMode.nonce(sa, out);
      out.add(sa.config().localId());
      Phase1Auth.certRequests(sa, out);
      return TaskStatus.NEED_MORE;
    }
    if (initiator && s == 2) {
      Phase1Auth.authenticate(sa, true, sa.config().localId(), out);
      sa.established = true;
      return TaskStatus.DONE;
    }
    if (!initiator && s == 1) {
      out.add(
          SaPayload.of(
              new SaPayload.Proposal(
                  acceptedProposal.number(),
                  ProtocolId.ISAKMP,
                  acceptedProposal.spi(),
                  List.of(acceptedTransform))));
      MainMode.keyExchange(sa, out);
      sa.gxr = sa.keyExchange.publicValue();
      sa.nrB = MainMode.nonce(sa, out);
      MainMode.deriveKeys(sa, sa.gxi);
      IdPayload idir = sa.config().localId();
      out.add(idir);
      Phase1Auth.authenticate(sa, false, idir, out);
      Phase1Auth.certRequests(sa, out);
      return TaskStatus.NEED_MORE;
    }
    throw new IllegalStateException("Aggressive Mode cannot build message " + (s + 1) + " now");
  }

  @Override
  public TaskStatus process(Phase1State sa, IsakmpMessage in) throws V1Exception {
    // As in MainMode: the step advances only for an accepted message.
    TaskStatus status = process(sa, in, step);
    step++;
    return status;
  }

  private TaskStatus process(Phase1State sa, IsakmpMessage in, int s) throws V1Exception {
    if (!initiator && s == 0) {
      if (!sa.config().aggressiveResponder()) {
        throw V1Exception.silent("Aggressive Mode is not enabled for this peer");
      }
      SaPayload offer = MainMode.require(in, SaPayload.class);
      sa.saiB = offer.encodeBody();
      int keLength =
          MainMode.require(in, org.meshsec.ike.v1.message.KePayload.class)
              .keyExchangeData()
              .length();
      choose(sa, offer, keLength);
      sa.gxi = MainMode.keData(sa, in);
      sa.niB = MainMode.require(in, NoncePayload.class).encodeBody();
      IdPayload idii = MainMode.require(in, IdPayload.class);
      Phase1Auth.checkRemoteId(sa, idii);
      sa.remoteId = idii; // authenticated by (3)
      return TaskStatus.NEED_MORE;
    }
    if (initiator && s == 1) {
      Phase1Proposal offered = sa.chosen;
      MainMode.processChosenSa(sa, in);
      if (!sa.chosen.group().equals(offered.group())) {
        throw V1Exception.notify(
            NotifyType.NO_PROPOSAL_CHOSEN, "chosen group is not the one of our KE");
      }
      sa.gxr = MainMode.keData(sa, in);
      sa.nrB = MainMode.require(in, NoncePayload.class).encodeBody();
      MainMode.deriveKeys(sa, sa.gxr);
      Phase1Auth.verify(sa, false, MainMode.require(in, IdPayload.class), in);
      return TaskStatus.NEED_MORE;
    }
    if (!initiator && s == 2) {
      Phase1Auth.verify(sa, true, sa.remoteId, in);
      sa.established = true;
      return TaskStatus.DONE;
    }
    throw V1Exception.silent("unexpected Aggressive Mode message " + (s + 1));
  }

  /** Responder, (1): the first offered transform of the KE's group whose suite we also have. */
  private void choose(Phase1State sa, SaPayload offer, int keLength) throws V1Exception {
    for (SaPayload.Proposal p : offer.proposals()) {
      if (!p.protocolId().equals(ProtocolId.ISAKMP)) {
        continue;
      }
      for (SaPayload.Transform t : p.transforms()) {
        Phase1Proposal theirs =
            Phase1Proposal.fromTransform(t, sa.config().authMethod()).orElse(null);
        if (theirs == null
            || !theirs.isSupported()
            || theirs.group().keyExchangeLength() != keLength) {
          continue;
        }
        for (Phase1Proposal ours : sa.config().proposals()) {
          if (ours.sameSuite(theirs)) {
            acceptedProposal = p;
            acceptedTransform = t;
            sa.chosen = theirs;
            return;
          }
        }
      }
    }
    throw V1Exception.notify(NotifyType.NO_PROPOSAL_CHOSEN, "no acceptable phase 1 transform");
  }
}
