package org.meshsec.ike.task;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.crypto.ChildSaKeys;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.crypto.KeyDerivation;
import org.meshsec.ike.crypto.KeyExchange;
import org.meshsec.ike.crypto.SharedSecretResult;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.KePayload;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.message.NoncePayload;
import org.meshsec.ike.message.NotifyPayload;
import org.meshsec.ike.message.NotifyType;
import org.meshsec.ike.message.SaPayload;
import org.meshsec.ike.message.TsPayload;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.sa.ChildSa;
import org.meshsec.ike.sa.IkeSa;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates one Child SA pair (RFC 7296 sections 1.3.1, 2.9, 2.17; transport mode section 1.3.1),
 * either inside IKE_AUTH (the first pair, keyed from the IKE SA's nonces) or in its own
 * CREATE_CHILD_SA exchange (fresh nonces, optional key exchange for PFS). {@link ChildRekey} uses
 * it for the new pair of a rekey.
 *
 * <pre>
 *  IKE_AUTH:         ... [N(USE_TRANSPORT_MODE)], SAi2, TSi, TSr  -->
 *                                   <--  ... [N(USE_TRANSPORT_MODE)], SAr2, TSi, TSr
 *                                   <--  ... N(NO_PROPOSAL_CHOSEN | TS_UNACCEPTABLE)
 *  CREATE_CHILD_SA:  HDR, SK {[N(REKEY_SA)], [N(USE_TRANSPORT_MODE)], SA, Ni, [KEi], TSi, TSr}  -->
 *                                   <--  HDR, SK {[N(USE_TRANSPORT_MODE)], SA, Nr, [KEr], TSi, TSr}
 * </pre>
 *
 * The responder picks the peer's first Child SA configuration whose selector templates intersect
 * what was proposed and narrows to the intersection (section 2.9). Both sides install the pair
 * through {@code IpsecPort} once they know its keys: the responder before sending its response, the
 * initiator when the response arrives. In IKE_AUTH a Child SA failure is reported in the response
 * without failing the IKE SA (section 1.2).
 */
public final class ChildCreate implements Task {
  private static final Logger log = LoggerFactory.getLogger(ChildCreate.class);

  private final boolean initiator;
  private final boolean inIkeAuth;
  private final ChildSa rekeyOf;
  private ChildConfig config;
  private int ourSpi;
  private boolean spiReserved;
  private Bytes ni;
  private Bytes nr;
  private DhGroup group;
  private KeyExchange ke;
  private List<TsRange> proposedI;
  private List<TsRange> proposedR;
  private List<TsRange> narrowedI;
  private List<TsRange> narrowedR;
  private Proposals.EspChoice choice;
  private IpsecMode mode;
  private IkeException childError;
  private ChildSa created;
  private int keRetries;

  private ChildCreate(boolean initiator, boolean inIkeAuth, ChildConfig config, ChildSa rekeyOf) {
    this.initiator = initiator;
    this.inIkeAuth = inIkeAuth;
    this.config = config;
    this.rekeyOf = rekeyOf;
  }

  /** Initiator of the first Child SA, inside IKE_AUTH. */
  public static ChildCreate inIkeAuth(ChildConfig config) {
    return new ChildCreate(true, true, config, null);
  }

  /** Initiator of a CREATE_CHILD_SA exchange; {@code rekeyOf} is the pair it replaces, or null. */
  public static ChildCreate initiator(ChildConfig config, ChildSa rekeyOf) {
    return new ChildCreate(true, false, config, rekeyOf);
  }

  /** Responder in IKE_AUTH. */
  public static ChildCreate responderInIkeAuth() {
    return new ChildCreate(false, true, null, null);
  }

  /** Responder of a CREATE_CHILD_SA exchange. */
  public static ChildCreate responder() {
    return new ChildCreate(false, false, null, null);
  }

  /** Responder of a CREATE_CHILD_SA exchange rekeying {@code old}. */
  static ChildCreate rekeyResponder(ChildSa old) {
    return new ChildCreate(false, false, old.config(), old);
  }

  @Override
  public TaskType type() {
    return TaskType.CHILD_CREATE;
  }

  @Override
  public boolean initiator() {
    return initiator;
  }

  @Override
  public ExchangeType exchange() {
    return inIkeAuth ? ExchangeType.IKE_AUTH : ExchangeType.CREATE_CHILD_SA;
  }

  /** The configuration name (initiator; null for a responder before it chose). */
  public String configName() {
    return config != null ? config.name() : "";
  }

  /** The pair created, once installed. */
  ChildSa created() {
    return created;
  }

  /** Nonces of the exchange, once known. */
  Bytes lowestNonce() {
    return Bytes.compareNonces(ni, nr) <= 0 ? ni : nr;
  }

  // ---------------------------------------------------------------- initiator

  @Override
  public TaskStatus build(IkeSa sa, OutMessage out) throws IkeException {
    return initiator ? buildRequest(sa, out) : buildResponse(sa, out);
  }

  private TaskStatus buildRequest(IkeSa sa, OutMessage out) {
    if (!inIkeAuth && rekeyOf == null && alreadyUp(sa)) {
      log.debug("{}: Child SA {} is already up", sa, config.name());
      return TaskStatus.DONE;
    }
    if (!spiReserved) {
      ourSpi = sa.engine().ipsec().getSpi(sa.local().getAddress(), sa.remote().getAddress());
      spiReserved = true;
    }
    if (rekeyOf != null) {
      proposedI = rekeyOf.localTs();
      proposedR = rekeyOf.remoteTs();
    } else {
      proposedI = TrafficSelectors.resolve(config.localTs(), sa.local().getAddress());
      proposedR = TrafficSelectors.resolve(config.remoteTs(), sa.remote().getAddress());
    }
    if (config.mode() == IpsecMode.TRANSPORT) {
      out.add(NotifyPayload.of(NotifyType.USE_TRANSPORT_MODE));
    }
    out.add(Proposals.espOffer(config.proposals(), ourSpi, !inIkeAuth));
    if (!inIkeAuth) {
      ni = sa.engine().randomBytes(sa.engine().settings().nonceLength());
      out.add(new NoncePayload(ni));
      EspProposal first = config.proposals().get(0);
      if (group == null && first.hasPfs()) {
        group = first.pfsGroup();
      }
      if (group != null) {
        if (ke != null) {
          ke.destroy();
        }
        ke = KeyExchange.generate(group, sa.engine().random());
        out.add(new KePayload(group.id(), Bytes.of(ke.publicValue())));
      }
    }
    out.add(TrafficSelectors.payload(true, proposedI));
    out.add(TrafficSelectors.payload(false, proposedR));
    return TaskStatus.NEED_MORE;
  }

  private boolean alreadyUp(IkeSa sa) {
    return sa.children().stream()
        .anyMatch(c -> c.config().name().equals(config.name()) && c.isActive());
  }

  @Override
  public TaskStatus process(IkeSa sa, Message in) throws IkeException {
    if (!initiator) {
      processRequest(sa, in);
      return TaskStatus.NEED_MORE;
    }
    Optional<NotifyPayload> invalidKe = in.notify(NotifyType.INVALID_KE_PAYLOAD);
    if (invalidKe.isPresent() && !inIkeAuth) {
      Bytes d = invalidKe.get().data();
      DhGroup wanted = new DhGroup((d.getUnsigned(0) << 8) | d.getUnsigned(1));
      boolean ours = config.proposals().stream().anyMatch(p -> p.pfsGroup().equals(wanted));
      if (ours && !wanted.equals(group) && ++keRetries <= IkeInit.MAX_RETRIES) {
        log.info("{}: peer wants PFS group {} for {}", sa, wanted, config.name());
        group = wanted;
        return TaskStatus.NEED_MORE; // a new CREATE_CHILD_SA exchange with that group
      }
    }
    try {
      return processResponse(sa, in);
    } catch (IkeException e) {
      log.info("{}: Child SA {} not created: {}", sa, config.name(), e.getMessage());
      release(sa);
      return TaskStatus.FAILED;
    }
  }

  private TaskStatus processResponse(IkeSa sa, Message in) throws IkeException {
    for (NotifyPayload n : in.all(NotifyPayload.class)) {
      if (n.notifyType().value() < NotifyType.FIRST_STATUS_TYPE) {
        throw IkeException.silent("peer answered " + n.notifyType());
      }
    }
    SaPayload saPayload =
        in.first(SaPayload.class)
            .orElseThrow(() -> IkeException.silent("no SA payload in the answer"));
    choice = Proposals.checkEspAnswer(saPayload, config.proposals(), !inIkeAuth);
    List<TsRange> tsi = TrafficSelectors.ranges(ts(in, true));
    List<TsRange> tsr = TrafficSelectors.ranges(ts(in, false));
    if (!TrafficSelectors.within(tsi, proposedI) || !TrafficSelectors.within(tsr, proposedR)) {
      throw IkeException.silent("the responder's selectors are not within ours");
    }
    boolean transport = in.notify(NotifyType.USE_TRANSPORT_MODE).isPresent();
    if (transport != (config.mode() == IpsecMode.TRANSPORT)) {
      throw IkeException.silent("the responder did not agree to " + config.mode() + " mode");
    }
    mode = config.mode();
    SecretBytes gir = null;
    if (inIkeAuth) {
      ni = sa.keying().nonceI();
      nr = sa.keying().nonceR();
    } else {
      nr = IkeInit.require(in, NoncePayload.class).nonce();
      gir = agree(in, choice.proposal());
    }
    install(sa, choice.proposal(), choice.peerSpi(), tsi, tsr, gir, true);
    return TaskStatus.DONE;
  }

  private static TsPayload ts(Message in, boolean initiatorSide) throws IkeException {
    return in.all(TsPayload.class).stream()
        .filter(t -> t.initiator() == initiatorSide)
        .findFirst()
        .orElseThrow(
            () ->
                IkeException.notify(
                    NotifyType.INVALID_SYNTAX, (initiatorSide ? "TSi" : "TSr") + " missing"));
  }

  /** The shared secret of the PFS key exchange, or null without one. */
  private SecretBytes agree(Message in, EspProposal chosen) throws IkeException {
    if (!chosen.hasPfs()) {
      return null;
    }
    KePayload kePayload =
        in.first(KePayload.class)
            .orElseThrow(() -> IkeException.silent("no KE for PFS group " + chosen.pfsGroup()));
    if (kePayload.dhGroup() != chosen.pfsGroup().id()
        || ke == null
        || !ke.group().equals(chosen.pfsGroup())) {
      throw IkeException.silent("KE of group " + kePayload.dhGroup() + " in the answer");
    }
    SharedSecretResult r = ke.computeSharedSecret(kePayload.keyExchangeData().toByteArray());
    ke.destroy();
    if (r instanceof SharedSecretResult.Rejected rej) {
      throw IkeException.notify(NotifyType.INVALID_SYNTAX, "peer's KE refused: " + rej.error());
    }
    return ((SharedSecretResult.Agreed) r).sharedSecret();
  }

  /** Derives the keys (section 2.17) and installs the pair. */
  private void install(
      IkeSa sa,
      EspProposal chosen,
      int peerSpi,
      List<TsRange> tsi,
      List<TsRange> tsr,
      SecretBytes gir,
      boolean weInitiated)
      throws IkeException {
    ChildSaKeys keys;
    try {
      keys =
          KeyDerivation.childSaKeys(
              sa.keying().prf(),
              sa.keying().keys().skD(),
              chosen.suite(),
              gir,
              ni.toByteArray(),
              nr.toByteArray());
    } finally {
      if (gir != null) {
        gir.wipe();
      }
    }
    ChildSa child =
        new ChildSa(
            config,
            ourSpi,
            peerSpi,
            chosen.suite(),
            chosen.esn(),
            mode,
            weInitiated ? tsi : tsr,
            weInitiated ? tsr : tsi,
            ni,
            nr,
            weInitiated,
            rekeyOf);
    try {
      sa.installChild(child, keys);
    } catch (IllegalStateException e) {
      log.warn("{}: {}", sa, e.getMessage());
      throw IkeException.notify(NotifyType.NO_ADDITIONAL_SAS, "data plane refused the pair");
    }
    spiReserved = false;
    created = child;
  }

  // ---------------------------------------------------------------- responder

  private void processRequest(IkeSa sa, Message in) throws IkeException {
    if (inIkeAuth && in.first(SaPayload.class).isEmpty()) {
      return; // no Child SA requested
    }
    try {
      createAsResponder(sa, in);
    } catch (IkeException e) {
      if (!inIkeAuth) {
        throw e;
      }
      log.info("{}: Child SA in IKE_AUTH refused: {}", sa, e.getMessage());
      childError = e;
    }
  }

  private void createAsResponder(IkeSa sa, Message in) throws IkeException {
    SaPayload offer = IkeInit.require(in, SaPayload.class);
    List<TsRange> tsi = TrafficSelectors.ranges(ts(in, true));
    List<TsRange> tsr = TrafficSelectors.ranges(ts(in, false));
    InetAddress us = sa.local().getAddress();
    InetAddress peer = sa.remote().getAddress();
    PeerConfig pc = sa.config();
    List<ChildConfig> choices = config != null ? List.of(config) : pc.children();
    ChildConfig found = null;
    for (ChildConfig cc : choices) {
      List<TsRange> remote =
          TrafficSelectors.narrow(tsi, TrafficSelectors.resolve(cc.remoteTs(), peer));
      List<TsRange> local =
          TrafficSelectors.narrow(tsr, TrafficSelectors.resolve(cc.localTs(), us));
      if (!remote.isEmpty() && !local.isEmpty()) {
        found = cc;
        narrowedI = remote;
        narrowedR = local;
        break;
      }
    }
    if (found == null) {
      throw IkeException.notify(
          NotifyType.TS_UNACCEPTABLE, "no Child SA configuration matches " + tsi + " === " + tsr);
    }
    config = found;
    choice = Proposals.chooseEsp(offer, config.proposals(), !inIkeAuth);
    boolean transport = in.notify(NotifyType.USE_TRANSPORT_MODE).isPresent();
    if (transport != (config.mode() == IpsecMode.TRANSPORT)) {
      throw IkeException.notify(
          NotifyType.NO_PROPOSAL_CHOSEN, "Child SA " + config.name() + " is " + config.mode());
    }
    mode = config.mode();
    SecretBytes gir = null;
    if (inIkeAuth) {
      ni = sa.keying().nonceI();
      nr = sa.keying().nonceR();
    } else {
      ni = IkeInit.require(in, NoncePayload.class).nonce();
      nr = sa.engine().randomBytes(sa.engine().settings().nonceLength());
      EspProposal chosen = choice.proposal();
      if (chosen.hasPfs()) {
        Optional<KePayload> kePayload = in.first(KePayload.class);
        DhGroup g = chosen.pfsGroup();
        if (kePayload.isEmpty() || kePayload.get().dhGroup() != g.id()) {
          throw IkeException.notify(
              NotifyType.INVALID_KE_PAYLOAD,
              Bytes.of((byte) (g.id() >>> 8), (byte) g.id()),
              "PFS group " + g + " expected");
        }
        ke = KeyExchange.generate(g, sa.engine().random());
        SharedSecretResult r =
            ke.computeSharedSecret(kePayload.get().keyExchangeData().toByteArray());
        if (r instanceof SharedSecretResult.Rejected rej) {
          throw IkeException.notify(NotifyType.INVALID_SYNTAX, "KE refused: " + rej.error());
        }
        gir = ((SharedSecretResult.Agreed) r).sharedSecret();
      }
    }
    ourSpi = sa.engine().ipsec().getSpi(us, peer);
    spiReserved = true;
    install(sa, choice.proposal(), choice.peerSpi(), narrowedI, narrowedR, gir, false);
  }

  private TaskStatus buildResponse(IkeSa sa, OutMessage out) {
    if (childError != null) {
      childError.error().ifPresent(e -> out.add(e.toNotifyPayload()));
      return TaskStatus.DONE;
    }
    if (created == null) {
      return TaskStatus.DONE;
    }
    if (mode == IpsecMode.TRANSPORT) {
      out.add(NotifyPayload.of(NotifyType.USE_TRANSPORT_MODE));
    }
    out.add(Proposals.espAnswer(choice.proposal(), choice.number(), ourSpi, !inIkeAuth));
    if (!inIkeAuth) {
      out.add(new NoncePayload(nr));
      if (ke != null) {
        out.add(new KePayload(ke.group().id(), Bytes.of(ke.publicValue())));
        ke.destroy();
      }
    }
    out.add(TrafficSelectors.payload(true, narrowedI));
    out.add(TrafficSelectors.payload(false, narrowedR));
    return TaskStatus.DONE;
  }

  private void release(IkeSa sa) {
    if (spiReserved) {
      sa.engine().ipsec().delete(ourSpi, 0, sa.remote().getAddress());
      spiReserved = false;
    }
    if (ke != null) {
      ke.destroy();
    }
  }

  @Override
  public void abort(IkeSa sa) {
    release(sa);
  }
}
