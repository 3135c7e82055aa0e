package org.meshsec.ike.v1.task;

import java.util.ArrayList;
import java.util.List;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.crypto.KeyExchange;
import org.meshsec.ike.crypto.Prf;
import org.meshsec.ike.crypto.SharedSecretResult;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.task.TaskStatus;
import org.meshsec.ike.v1.crypto.IvChain;
import org.meshsec.ike.v1.crypto.Phase1Keys;
import org.meshsec.ike.v1.crypto.V1KeyDerivation;
import org.meshsec.ike.v1.message.CbcCipher;
import org.meshsec.ike.v1.message.ExchangeType;
import org.meshsec.ike.v1.message.IdPayload;
import org.meshsec.ike.v1.message.IsakmpMessage;
import org.meshsec.ike.v1.message.KePayload;
import org.meshsec.ike.v1.message.NoncePayload;
import org.meshsec.ike.v1.message.NotifyType;
import org.meshsec.ike.v1.message.Payload;
import org.meshsec.ike.v1.message.ProtocolId;
import org.meshsec.ike.v1.message.SaPayload;

/**
 * Main Mode (Identity Protection) with pre-shared keys (RFC 2409 section 5.4) or signatures
 * (section 5.1), both variants:
 *
 * <pre>
 *        Initiator                          Responder
 *       -----------                        -----------
 *  (1)   HDR, SA                     -->
 *                                    <--    HDR, SA                 (2)
 *  (3)   HDR, KE, Ni [, CR]          -->
 *                                    <--    HDR, KE, Nr [, CR]      (4)
 *  (5)   HDR*, IDii, HASH_I          -->
 *        or HDR*, IDii, CERT, SIG_I
 *                                    <--    HDR*, IDir, HASH_R      (6)
 *                                           or HDR*, IDir, CERT, SIG_R
 * </pre>
 *
 * The responder accepts the first offered transform whose suite it also has ({@link
 * Phase1Proposal#sameSuite}) and answers with that transform as received (RFC 2408 section 4.2).
 * Keys follow after (3)/(4): SKEYID = prf(PSK, Ni_b | Nr_b) or, with signatures, prf(Ni_b | Nr_b,
 * g^xy), SKEYID_d/a/e, Ka and the initial IV ({@code v1.crypto}); the transforms carry the
 * configured authentication method and the responder accepts only that one. The authentication
 * payloads are {@link Phase1Auth}'s. (5) and (6) are encrypted by {@link MainModeExchange}.
 * Failures are typed: NO-PROPOSAL-CHOSEN, INVALID-KEY-INFORMATION, INVALID-ID-INFORMATION,
 * AUTHENTICATION-FAILED, PAYLOAD-MALFORMED for a missing payload. NAT-D, vendor IDs and
 * INITIAL-CONTACT belong to other tasks and are ignored here.
 *
 * <p>Not thread-safe; runs on its SA's executor.
 */
public final class MainMode implements V1Task {
  private static final int NONCE_LENGTH = 32;

  private final boolean initiator;
  private int step;
  private SaPayload.Proposal acceptedProposal;
  private SaPayload.Transform acceptedTransform;

  public MainMode(boolean initiator) {
    this.initiator = initiator;
  }

  @Override
  public boolean initiator() {
    return initiator;
  }

  @Override
  public ExchangeType exchange() {
    return ExchangeType.IDENTITY_PROTECTION;
  }

  @Override
  public TaskStatus build(Phase1State sa, List<Payload> out) throws V1Exception {
    int s = step++;
    if (initiator) {
      switch (s) {
        case 0 -> {
          List<SaPayload.Transform> transforms = new ArrayList<>();
          List<Phase1Proposal> offers = sa.config().proposals();
          for (int i = 0; i < offers.size(); i++) {
            transforms.add(offers.get(i).toTransform(i + 1, sa.config().authMethod()));
          }
          SaPayload offer =
              SaPayload.of(new SaPayload.Proposal(1, ProtocolId.ISAKMP, Bytes.EMPTY, transforms));
          sa.saiB = offer.encodeBody();
          out.add(offer);
        }
        case 2 -> {
          keyExchange(sa, out);
          sa.gxi = sa.keyExchange.publicValue();
          sa.niB = nonce(sa, out);
          Phase1Auth.certRequests(sa, out);
        }
        case 4 -> {
          IdPayload idii = sa.config().localId();
          out.add(idii);
          Phase1Auth.authenticate(sa, true, idii, out);
        }
        default -> throw new IllegalStateException("Main Mode initiator cannot build now");
      }
      return TaskStatus.NEED_MORE;
    }
    switch (s) {
      case 1 ->
          out.add(
              SaPayload.of(
                  new SaPayload.Proposal(
                      acceptedProposal.number(),
                      ProtocolId.ISAKMP,
                      acceptedProposal.spi(),
                      List.of(acceptedTransform))));
      case 3 -> {
        keyExchange(sa, out);
        sa.gxr = sa.keyExchange.publicValue();
        sa.nrB = nonce(sa, out);
        Phase1Auth.certRequests(sa, out);
        deriveKeys(sa, sa.gxi);
      }
      case 5 -> {
        IdPayload idir = sa.config().localId();
        out.add(idir);
        Phase1Auth.authenticate(sa, false, idir, out);
        sa.established = true;
        return TaskStatus.DONE;
      }
      default -> throw new IllegalStateException("Main Mode responder cannot build now");
    }
    return TaskStatus.NEED_MORE;
  }

  @Override
  public TaskStatus process(Phase1State sa, IsakmpMessage in) throws V1Exception {
    // The step advances only when the message was accepted: a forged one (its HASH does not
    // verify) is dropped by the exchange and the genuine one is processed at the same step.
    TaskStatus status = process(sa, in, step);
    step++;
    return status;
  }

  private TaskStatus process(Phase1State sa, IsakmpMessage in, int s) throws V1Exception {
    if (initiator) {
      switch (s) {
        case 1 -> processChosenSa(sa, in);
        case 3 -> {
          sa.gxr = keData(sa, in);
          sa.nrB = require(in, NoncePayload.class).encodeBody();
          deriveKeys(sa, sa.gxr);
        }
        case 5 -> {
          Phase1Auth.verify(sa, false, require(in, IdPayload.class), in);
          sa.established = true;
          return TaskStatus.DONE;
        }
        default -> throw V1Exception.silent("unexpected Main Mode message " + (s + 1));
      }
      return TaskStatus.NEED_MORE;
    }
    switch (s) {
      case 0 -> chooseProposal(sa, in);
      case 2 -> {
        sa.gxi = keData(sa, in);
        sa.niB = require(in, NoncePayload.class).encodeBody();
      }
      case 4 -> {
        Phase1Auth.verify(sa, true, require(in, IdPayload.class), in);
        sa.initialContact = in.notify(NotifyType.INITIAL_CONTACT).isPresent();
      }
      default -> throw V1Exception.silent("unexpected Main Mode message " + (s + 1));
    }
    return TaskStatus.NEED_MORE;
  }

  static <T extends Payload> T require(IsakmpMessage in, Class<T> kind) throws V1Exception {
    return in.first(kind)
        .orElseThrow(
            () ->
                V1Exception.notify(
                    NotifyType.PAYLOAD_MALFORMED,
                    "Main Mode message without " + kind.getSimpleName()));
  }

  /** Responder, message 1: the first offered transform whose suite we also have. */
  private void chooseProposal(Phase1State sa, IsakmpMessage in) throws V1Exception {
    SaPayload offer = require(in, SaPayload.class);
    sa.saiB = offer.encodeBody();
    for (SaPayload.Proposal p : offer.proposals()) {
      if (!p.protocolId().equals(ProtocolId.ISAKMP)) {
        continue;
      }
      for (SaPayload.Transform t : p.transforms()) {
        Phase1Proposal theirs =
            Phase1Proposal.fromTransform(t, sa.config().authMethod()).orElse(null);
        if (theirs == null || !theirs.isSupported()) {
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

  /** Initiator, message 2: exactly one of our transforms, as offered. */
  static void processChosenSa(Phase1State sa, IsakmpMessage in) throws V1Exception {
    SaPayload chosen = require(in, SaPayload.class);
    if (chosen.proposals().size() != 1 || chosen.proposals().get(0).transforms().size() != 1) {
      throw V1Exception.notify(
          NotifyType.BAD_PROPOSAL_SYNTAX, "the responder must choose exactly one transform");
    }
    Phase1Proposal theirs =
        Phase1Proposal.fromTransform(
                chosen.proposals().get(0).transforms().get(0), sa.config().authMethod())
            .orElse(null);
    for (Phase1Proposal ours : sa.config().proposals()) {
      if (theirs != null && ours.sameSuite(theirs)) {
        sa.chosen = ours;
        return;
      }
    }
    throw V1Exception.notify(NotifyType.NO_PROPOSAL_CHOSEN, "chosen transform was not offered");
  }

  static void keyExchange(Phase1State sa, List<Payload> out) {
    sa.keyExchange = KeyExchange.generate(sa.chosen.group(), sa.random());
    out.add(new KePayload(Bytes.of(sa.keyExchange.publicValue())));
  }

  static byte[] nonce(Phase1State sa, List<Payload> out) {
    byte[] n = new byte[NONCE_LENGTH];
    sa.random().nextBytes(n);
    NoncePayload payload = new NoncePayload(Bytes.of(n));
    out.add(payload);
    return payload.encodeBody();
  }

  static byte[] keData(Phase1State sa, IsakmpMessage in) throws V1Exception {
    KePayload ke = require(in, KePayload.class);
    if (ke.keyExchangeData().length() != sa.chosen.group().keyExchangeLength()) {
      throw V1Exception.notify(
          NotifyType.INVALID_KEY_INFORMATION,
          "KE of " + ke.keyExchangeData().length() + " bytes for " + sa.chosen.group());
    }
    return ke.keyExchangeData().toByteArray();
  }

  /** SKEYID, SKEYID_d/a/e, Ka, the initial IV and the cipher, once both KE and N are in. */
  static void deriveKeys(Phase1State sa, byte[] peerKe) throws V1Exception {
    SharedSecretResult r = sa.keyExchange.computeSharedSecret(peerKe);
    if (!(r instanceof SharedSecretResult.Agreed agreed)) {
      throw V1Exception.notify(NotifyType.INVALID_KEY_INFORMATION, "peer KE refused: " + r);
    }
    Prf prf = V1KeyDerivation.prfFor(sa.chosen.hash());
    try (SecretBytes gxy = agreed.sharedSecret()) {
      SecretBytes skeyid = Phase1Auth.skeyid(sa, prf, gxy);
      sa.keys =
          Phase1Keys.derive(
              prf, skeyid, gxy, sa.initiatorCookie(), sa.responderCookie(), sa.chosen.keyLength());
    }
    sa.cipher =
        CbcCipher.forAlgorithm(
            sa.chosen.encryption(), sa.keys.encryptionKey().copy(), CbcCipher.Legacy.REFUSE);
    sa.ivs = new IvChain(sa.chosen.hash(), sa.cipher.blockSize(), sa.gxi, sa.gxr);
    sa.keyExchange.destroy();
  }
}
