package org.meshsec.ike.task;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.meshsec.esp.EncrAlgorithm;
import org.meshsec.esp.EspSuite;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.NotifyType;
import org.meshsec.ike.message.ProposalText;
import org.meshsec.ike.message.ProtocolId;
import org.meshsec.ike.message.SaPayload;
import org.meshsec.ike.message.SaPayload.Proposal;
import org.meshsec.ike.message.SaPayload.Transform;
import org.meshsec.ike.message.TransformType;

/**
 * SA payload negotiation (RFC 7296 sections 2.7 and 3.3): building offers from configured
 * proposals, the responder's choice of one proposal with one transform of each type, and the
 * initiator's check that the answer is one of its offers. Stateless.
 *
 * <p>The responder walks the peer's proposals in the peer's order and takes the first one that
 * contains all the transforms of one of its own proposals. An offered proposal with a transform
 * type meshsec does not know is skipped (section 3.3.6).
 */
final class Proposals {
  private Proposals() {}

  /** An ESN transform id: 0 = 32-bit sequence numbers, 1 = extended (section 3.3.2). */
  private static final int ESN_OFF = 0;

  private static final int ESN_ON = 1;

  // ---------------------------------------------------------------- IKE

  /** The IKE SA offer: one proposal per configured proposal, SPI empty or 8 bytes (rekey). */
  static SaPayload ikeOffer(List<IkeProposal> ours, Bytes spi) {
    List<Proposal> list = new ArrayList<>();
    for (int i = 0; i < ours.size(); i++) {
      list.add(new Proposal(i + 1, ProtocolId.IKE, spi, ikeTransforms(ours.get(i))));
    }
    return new SaPayload(list);
  }

  private static List<Transform> ikeTransforms(IkeProposal p) {
    List<Transform> t = new ArrayList<>();
    t.add(Transform.encr(p.suite().encr(), p.suite().keyBits()));
    t.add(Transform.of(TransformType.PRF, p.prf().id()));
    if (!p.suite().encr().isAead()) {
      t.add(Transform.integ(p.suite().integ()));
    }
    t.add(Transform.of(TransformType.DH, p.dh().id()));
    return t;
  }

  /** The accepted IKE proposal as the responder sends it back. */
  static SaPayload ikeAnswer(IkeProposal chosen, int number, Bytes spi) {
    return SaPayload.of(new Proposal(number, ProtocolId.IKE, spi, ikeTransforms(chosen)));
  }

  /** A responder's choice: our proposal, and the number and SPI of the offer it matched. */
  record IkeChoice(IkeProposal proposal, int number, Bytes spi) {}

  /**
   * Responder: the first offered IKE proposal that contains one of ours.
   *
   * @throws IkeException NO_PROPOSAL_CHOSEN
   */
  static IkeChoice chooseIke(SaPayload offer, List<IkeProposal> ours) throws IkeException {
    for (Proposal p : offer.proposals()) {
      if (!p.protocolId().equals(ProtocolId.IKE) || hasUnknownType(p)) {
        continue;
      }
      for (IkeProposal mine : ours) {
        if (containsIke(p, mine)) {
          return new IkeChoice(mine, p.number(), p.spi());
        }
      }
    }
    throw IkeException.notify(
        NotifyType.NO_PROPOSAL_CHOSEN,
        "no acceptable IKE proposal; " + refusal(offer, ikeOffer(ours, Bytes.EMPTY).proposals()));
  }

  /**
   * Initiator: the responder's answer must be one proposal, one transform of each type, equal to
   * one of ours.
   *
   * @throws IkeException NO_PROPOSAL_CHOSEN if it is not
   */
  static IkeChoice checkIkeAnswer(SaPayload answer, List<IkeProposal> ours) throws IkeException {
    if (answer.proposals().size() != 1) {
      throw IkeException.silent("IKE SA answer with " + answer.proposals().size() + " proposals");
    }
    Proposal p = answer.proposals().get(0);
    if (p.protocolId().equals(ProtocolId.IKE) && oneOfEach(p)) {
      for (IkeProposal mine : ours) {
        if (containsIke(p, mine) && p.transforms().size() == ikeTransforms(mine).size()) {
          return new IkeChoice(mine, p.number(), p.spi());
        }
      }
    }
    throw IkeException.silent("the responder chose an IKE proposal we did not offer");
  }

  private static boolean containsIke(Proposal p, IkeProposal mine) {
    EspSuite s = mine.suite();
    if (!hasEncr(p, s.encr(), s.keyBits())
        || !has(p, TransformType.PRF, mine.prf().id())
        || !has(p, TransformType.DH, mine.dh().id())) {
      return false;
    }
    if (s.encr().isAead()) {
      return p.all(TransformType.INTEG).stream().allMatch(t -> t.id() == 0);
    }
    return has(p, TransformType.INTEG, s.integ().id());
  }

  // ---------------------------------------------------------------- ESP

  /**
   * The Child SA offer. In IKE_AUTH ({@code withDh} false) no key exchange is offered: the Child
   * SA's keys come from the IKE SA's exchange (section 1.2).
   */
  static SaPayload espOffer(List<EspProposal> ours, int spi, boolean withDh) {
    List<Proposal> list = new ArrayList<>();
    for (int i = 0; i < ours.size(); i++) {
      list.add(
          new Proposal(i + 1, ProtocolId.ESP, spiBytes(spi), espTransforms(ours.get(i), withDh)));
    }
    return new SaPayload(list);
  }

  private static List<Transform> espTransforms(EspProposal p, boolean withDh) {
    List<Transform> t = new ArrayList<>();
    t.add(encr(p.suite()));
    if (!p.suite().encr().isAead()) {
      t.add(Transform.integ(p.suite().integ()));
    }
    if (withDh && p.hasPfs()) {
      t.add(Transform.of(TransformType.DH, p.pfsGroup().id()));
    }
    t.add(Transform.of(TransformType.ESN, p.esn() ? ESN_ON : ESN_OFF));
    return t;
  }

  /** The accepted ESP proposal as the responder sends it back. */
  static SaPayload espAnswer(EspProposal chosen, int number, int ourSpi, boolean withDh) {
    return SaPayload.of(
        new Proposal(number, ProtocolId.ESP, spiBytes(ourSpi), espTransforms(chosen, withDh)));
  }

  /** A responder's Child SA choice: our proposal, the offer's number and the peer's SPI. */
  record EspChoice(EspProposal proposal, int number, int peerSpi) {}

  /**
   * Responder: the first offered ESP proposal that contains one of ours. With {@code withDh}
   * (CREATE_CHILD_SA) the offer must carry our PFS group, or no group when we want none.
   *
   * @throws IkeException NO_PROPOSAL_CHOSEN
   */
  static EspChoice chooseEsp(SaPayload offer, List<EspProposal> ours, boolean withDh)
      throws IkeException {
    for (Proposal p : offer.proposals()) {
      if (!p.protocolId().equals(ProtocolId.ESP) || hasUnknownType(p)) {
        continue;
      }
      for (EspProposal mine : ours) {
        if (containsEsp(p, mine, withDh)) {
          return new EspChoice(mine, p.number(), (int) p.spi().toLong());
        }
      }
    }
    throw IkeException.notify(
        NotifyType.NO_PROPOSAL_CHOSEN,
        "no acceptable ESP proposal; " + refusal(offer, espOffer(ours, 0, withDh).proposals()));
  }

  /**
   * Initiator: the Child SA answer must be one ESP proposal with one transform of each type that
   * matches one of ours.
   */
  static EspChoice checkEspAnswer(SaPayload answer, List<EspProposal> ours, boolean withDh)
      throws IkeException {
    if (answer.proposals().size() == 1) {
      Proposal p = answer.proposals().get(0);
      if (p.protocolId().equals(ProtocolId.ESP) && oneOfEach(p)) {
        for (EspProposal mine : ours) {
          if (containsEsp(p, mine, withDh)) {
            return new EspChoice(mine, p.number(), (int) p.spi().toLong());
          }
        }
      }
    }
    throw IkeException.silent("the responder chose an ESP proposal we did not offer");
  }

  private static boolean containsEsp(Proposal p, EspProposal mine, boolean withDh) {
    EspSuite s = mine.suite();
    if (!hasEncr(p, s.encr(), s.keyBits())) {
      return false;
    }
    if (s.encr().isAead()) {
      if (!p.all(TransformType.INTEG).stream().allMatch(t -> t.id() == 0)) {
        return false;
      }
    } else if (!has(p, TransformType.INTEG, s.integ().id())) {
      return false;
    }
    List<Transform> esn = p.all(TransformType.ESN);
    int wanted = mine.esn() ? ESN_ON : ESN_OFF;
    if (esn.isEmpty() ? mine.esn() : esn.stream().noneMatch(t -> t.id() == wanted)) {
      return false;
    }
    if (!withDh) {
      return true; // IKE_AUTH: DH transforms are ignored
    }
    List<Transform> dh = p.all(TransformType.DH);
    if (mine.hasPfs()) {
      return dh.stream().anyMatch(t -> t.id() == mine.pfsGroup().id());
    }
    return dh.isEmpty() || dh.stream().anyMatch(t -> t.id() == DhGroup.NONE.id());
  }

  // ---------------------------------------------------------------- helpers

  /**
   * What the peer offered and what we accept, in strongSwan's notation ({@link ProposalText}), as
   * strongSwan logs a refusal: {@code received proposals: IKE:..., configured proposals: IKE:...}.
   */
  private static String refusal(SaPayload offer, List<Proposal> configured) {
    return "received proposals: "
        + ProposalText.of(offer.proposals())
        + ", configured proposals: "
        + ProposalText.of(configured);
  }

  /** ENCR with a Key Length attribute, except ChaCha20-Poly1305 (RFC 7634 section 2: none). */
  private static Transform encr(EspSuite s) {
    return s.encr().equals(EncrAlgorithm.CHACHA20_POLY1305)
        ? Transform.of(TransformType.ENCR, s.encr().id())
        : Transform.encr(s.encr(), s.keyBits());
  }

  private static boolean hasEncr(Proposal p, EncrAlgorithm encr, int keyBits) {
    boolean fixedKey = encr.equals(EncrAlgorithm.CHACHA20_POLY1305);
    for (Transform t : p.all(TransformType.ENCR)) {
      OptionalInt kl = t.keyLength();
      if (t.id() == encr.id()
          && (fixedKey ? kl.isEmpty() : kl.isPresent() && kl.getAsInt() == keyBits)) {
        return true;
      }
    }
    return false;
  }

  private static boolean has(Proposal p, TransformType type, int id) {
    return p.all(type).stream().anyMatch(t -> t.id() == id);
  }

  private static boolean hasUnknownType(Proposal p) {
    return p.transforms().stream().anyMatch(t -> t.type().value() < 1 || t.type().value() > 5);
  }

  private static boolean oneOfEach(Proposal p) {
    return p.transforms().stream().map(t -> t.type().value()).distinct().count()
        == p.transforms().size();
  }

  static Bytes spiBytes(int spi) {
    return Bytes.of((byte) (spi >>> 24), (byte) (spi >>> 16), (byte) (spi >>> 8), (byte) spi);
  }
}
