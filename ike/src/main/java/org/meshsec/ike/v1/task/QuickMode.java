package org.meshsec.ike.v1.task;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.crypto.KeyExchange;
import org.meshsec.ike.crypto.SharedSecretResult;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.port.ChildSaInstall;
import org.meshsec.ike.port.IpsecPort;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.task.TaskStatus;
import org.meshsec.ike.v1.crypto.Phase1Keys;
import org.meshsec.ike.v1.crypto.V1KeyDerivation;
import org.meshsec.ike.v1.message.DataAttribute;
import org.meshsec.ike.v1.message.ExchangeType;
import org.meshsec.ike.v1.message.HashPayload;
import org.meshsec.ike.v1.message.IdPayload;
import org.meshsec.ike.v1.message.IsakmpHeader;
import org.meshsec.ike.v1.message.IsakmpMessage;
import org.meshsec.ike.v1.message.KePayload;
import org.meshsec.ike.v1.message.NatOaPayload;
import org.meshsec.ike.v1.message.NoncePayload;
import org.meshsec.ike.v1.message.NotifyPayload;
import org.meshsec.ike.v1.message.NotifyType;
import org.meshsec.ike.v1.message.ParseResult;
import org.meshsec.ike.v1.message.Payload;
import org.meshsec.ike.v1.message.ProtocolId;
import org.meshsec.ike.v1.message.SaPayload;
import org.meshsec.inet.InetText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quick Mode (RFC 2409 section 5.5): one ESP SA pair under an established ISAKMP SA, both variants.
 *
 * <pre>
 *        Initiator                          Responder
 *       -----------                        -----------
 *  (1)   HDR*, HASH(1), SA, Ni [, KE ] [, IDci, IDcr ]  -->
 *                                 <--  HDR*, HASH(2), SA, Nr [, KE ] [, IDci, IDcr ]  (2)
 *  (3)   HDR*, HASH(3)               -->
 *
 *  HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [ | KE ] [ | IDci | IDcr ])
 *  HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [ | KE ] [ | IDci | IDcr ])
 *  HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)
 *  KEYMAT  = prf(SKEYID_d, [ g(qm)^xy | ] protocol | SPI | Ni_b | Nr_b) ...  per direction, with
 *            the SPI the receiving side of that SA chose
 * </pre>
 *
 * <p><b>SAD interaction</b> (the LARVAL race). Each side reserves its inbound SPI ({@link
 * IpsecPort#getSpi}: a LARVAL inbound SA) when it sends its SA payload. The initiator installs both
 * directions ({@link IpsecPort#install}) when (2) verifies, and may send ESP at once; the responder
 * installs only when (3) verifies, which proves the initiator holds the keys. ESP that overtakes
 * (3) finds the LARVAL SA, which queues it ({@code core}'s SAD does) until the install makes it
 * MATURE. On failure the reserved SPI is released ({@link #abort}). The commit bit (RFC 2408
 * section 3.1) is neither set nor needed.
 *
 * <p><b>Proposals.</b> The initiator offers one ESP proposal with one transform per suite ({@link
 * EspTransforms}), each with its Encapsulation Mode, PFS group and lifetimes. The responder takes
 * the first transform (in the initiator's order) whose suite it also has, with the same mode (the
 * draft NAT-T values 61443/61444 count as 3/4, {@link EspTransforms#sameMode}) and PFS group, and
 * answers with it as received; when the offer has no lifetime it appends its own (as charon does),
 * when the offered lifetime is longer than its own it keeps the transform and adds
 * RESPONDER-LIFETIME (RFC 2407 section 4.6.3.1). The initiator honours both: the SA lives for the
 * shorter of what it offered and what the responder said.
 *
 * <p><b>Traffic selectors.</b> IDci / IDcr carry one selector each ({@link ClientIds}). The
 * responder narrows each to its policy ({@code TsRange.intersect}, as IKEv2 does, RFC 7296 section
 * 2.9) and answers with the narrowed IDs; the initiator accepts an answer only within what it sent.
 * A responder with several children for the peer answers with the one whose selectors contain the
 * offered IDs ({@link #responder}). Without IDs the selectors are the two outer addresses (RFC 2409
 * section 5.5).
 *
 * <p><b>Why one class of about 600 lines</b> (an eighth of them this description): the three
 * messages share the HASH inputs, the chosen transform, the reserved SPI and the narrowed
 * selectors, and the initiator and the responder differ only in a few branches of {@link #build}
 * and {@link #process}; split by role, each half would need all of that state.
 *
 * <p>Failures are typed: NO-PROPOSAL-CHOSEN, INVALID-ID-INFORMATION, INVALID-KEY-INFORMATION,
 * INVALID-HASH-INFORMATION (HASH mismatch), PAYLOAD-MALFORMED. Not implemented: AH, IPComp, several
 * proposals.
 *
 * <p><b>NAT-OA</b> (RFC 3947 section 5.2). In UDP-encapsulated transport mode both (1) and (2)
 * carry NAT-OAi (the initiator's address) and NAT-OAr (the responder's), each side writing the
 * outer addresses as it sees them (as strongSwan's {@code quick_mode.c} does), after the IDs and
 * inside the HASH. The peer's original address from the received pair ({@link
 * #peerOriginalAddress}) is what a transport-mode checksum fix-up (RFC 3948 section 3.1.2) would
 * use; it is kept here and logged at DEBUG. meshsec's data path carries transport-mode packets
 * whose inner addresses are the tunnel's own, so it needs no fix-up today.
 *
 * <p>Not thread-safe; runs on its ISAKMP SA's executor.
 */
public final class QuickMode implements V1Task {
  private static final Logger log = LoggerFactory.getLogger(QuickMode.class);
  private static final int NONCE_LENGTH = 32;
  private static final int ESP = ProtocolId.ESP.value();

  private final boolean initiator;
  private final List<QuickModeConfig> candidates;
  private QuickModeConfig config;
  private final IpsecPort ipsec;
  private final InetSocketAddress local;
  private final InetSocketAddress remote;
  private final long messageId;
  private final long began = EventOrder.next();
  private int step;

  private int ourSpi;
  private boolean spiReserved;
  private int peerSpi;
  private byte[] niB;
  private byte[] nrB;
  private KeyExchange keyExchange;
  private byte[] peerKe;
  private TsRange localTs;
  private TsRange remoteTs;
  private boolean idsSent;
  private SaPayload.Transform acceptedTransform;
  private int acceptedProposalNumber;
  private EspTransforms.Offer agreed;
  private long lifeSeconds;
  private long lifeKilobytes;
  private boolean installed;
  private InetAddress natOaI;
  private InetAddress natOaR;

  /**
   * @param initiator which side we are
   * @param config our suites, selectors and lifetimes
   * @param ipsec the data plane
   * @param local our outer address and UDP port
   * @param remote the peer's outer address and UDP port
   * @param messageId the exchange's Message ID (chosen by the initiator, never 0)
   */
  public QuickMode(
      boolean initiator,
      QuickModeConfig config,
      IpsecPort ipsec,
      InetSocketAddress local,
      InetSocketAddress remote,
      long messageId) {
    this(initiator, List.of(config), ipsec, local, remote, messageId);
  }

  /**
   * A responder that answers with whichever of {@code candidates} (the peer's children, in
   * configuration order) the initiator's IDs select; see "Traffic selectors" above.
   *
   * @param candidates the children that may answer, at least one
   * @param ipsec the data plane
   * @param local our outer address and UDP port
   * @param remote the peer's outer address and UDP port
   * @param messageId the exchange's Message ID
   */
  public static QuickMode responder(
      List<QuickModeConfig> candidates,
      IpsecPort ipsec,
      InetSocketAddress local,
      InetSocketAddress remote,
      long messageId) {
    return new QuickMode(false, candidates, ipsec, local, remote, messageId);
  }

  private QuickMode(
      boolean initiator,
      List<QuickModeConfig> candidates,
      IpsecPort ipsec,
      InetSocketAddress local,
      InetSocketAddress remote,
      long messageId) {
    if (messageId == 0 || messageId > 0xFFFF_FFFFL || messageId < 0) {
      throw new IllegalArgumentException("Quick Mode Message ID must be a non-zero 32-bit value");
    }
    this.initiator = initiator;
    this.candidates = List.copyOf(candidates);
    if (this.candidates.isEmpty() || (initiator && this.candidates.size() != 1)) {
      throw new IllegalArgumentException("an initiator has one configuration, a responder some");
    }
    this.config = this.candidates.get(0);
    this.ipsec = Objects.requireNonNull(ipsec, "ipsec");
    this.local = Objects.requireNonNull(local, "local");
    this.remote = Objects.requireNonNull(remote, "remote");
    this.messageId = messageId;
  }

  @Override
  public boolean initiator() {
    return initiator;
  }

  @Override
  public ExchangeType exchange() {
    return ExchangeType.QUICK_MODE;
  }

  /** The exchange's Message ID. */
  public long messageId() {
    return messageId;
  }

  /** When this exchange began, in this process's {@link EventOrder}. */
  public long began() {
    return began;
  }

  /** Our inbound SPI, 0 before it was reserved. */
  public int inboundSpi() {
    return ourSpi;
  }

  /**
   * The SPI the initiator proposed (its inbound SPI), which error notifications about this exchange
   * carry (RFC 2408 section 3.14, as strongSwan sends them); 0 before it is known.
   */
  public int initiatorSpi() {
    return initiator ? ourSpi : peerSpi;
  }

  /** The peer's SPI (our outbound SA), 0 before it is known. */
  public int outboundSpi() {
    return peerSpi;
  }

  /** The configuration this side negotiates with (a responder's: the child its IDs chose). */
  public QuickModeConfig config() {
    return config;
  }

  /** The longest {@link #outboundHold()}. */
  public static final Duration MAX_OUTBOUND_HOLD = Duration.ofSeconds(1);

  /**
   * How long the initiator's new outbound SA stays behind an older one of the same policy (see
   * {@code ChildSaInstall.outboundHold}): the responder installs its inbound SA only when (3)
   * arrives (RFC 2409 section 5.5), so on a rekey the old pair carries the traffic for a moment.
   * {@link #MAX_OUTBOUND_HOLD}, at most a twentieth of the lifetime (half the time between the soft
   * limit at 90 % and the hard one); zero for the responder.
   */
  public Duration outboundHold() {
    if (!initiator) {
      return Duration.ZERO;
    }
    if (lifeSeconds <= 0) {
      return MAX_OUTBOUND_HOLD;
    }
    long ms = Math.min(MAX_OUTBOUND_HOLD.toMillis(), lifeSeconds * 1000 / 20);
    return Duration.ofMillis(ms);
  }

  /** Whether the pair is installed in the data plane. */
  public boolean installed() {
    return installed;
  }

  /** The negotiated transform, null before it is known. */
  public EspTransforms.Offer agreed() {
    return agreed;
  }

  /** The negotiated lifetime (the shorter of both sides'), in seconds, 0 for none. */
  public long lifeSeconds() {
    return lifeSeconds;
  }

  /** The negotiated lifetime in kilobytes, 0 for none. */
  public long lifeKilobytes() {
    return lifeKilobytes;
  }

  /**
   * The lower of Ni_b and Nr_b, unsigned (null before both are known): of two pairs negotiated at
   * once for the same child, the one with the lowest nonce is redundant (the rule of RFC 7296
   * section 2.8.1, applied to Quick Mode).
   */
  public byte[] lowestNonce() {
    return Nonces.lowest(niB, nrB);
  }

  /**
   * The peer's original address from its NAT-OA payloads (RFC 3947 section 5.2): the initiator's
   * NAT-OAi on a responder, the responder's NAT-OAr on an initiator; null when none came.
   */
  public InetAddress peerOriginalAddress() {
    return initiator ? natOaR : natOaI;
  }

  /** Our side's negotiated selector, null before it is known. */
  public TsRange localTs() {
    return localTs;
  }

  /** The peer side's negotiated selector, null before it is known. */
  public TsRange remoteTs() {
    return remoteTs;
  }

  @Override
  public TaskStatus build(Phase1State sa, List<Payload> out) throws V1Exception {
    requireEstablished(sa);
    int s = step++;
    List<Payload> body = new ArrayList<>();
    byte[] hash;
    if (initiator && s == 0) {
      reserveSpi();
      List<SaPayload.Transform> transforms = new ArrayList<>();
      for (int i = 0; i < config.suites().size(); i++) {
        transforms.add(
            EspTransforms.toTransform(
                i + 1,
                new EspTransforms.Offer(
                    config.suites().get(i),
                    config.encapsulationMode(),
                    config.pfsGroup(),
                    config.lifeSeconds(),
                    config.lifeKilobytes())));
      }
      body.add(
          SaPayload.of(new SaPayload.Proposal(1, ProtocolId.ESP, spiBytes(ourSpi), transforms)));
      niB = nonce(sa, body);
      if (!config.pfsGroup().equals(DhGroup.NONE)) {
        keyExchange = KeyExchange.generate(config.pfsGroup(), sa.random());
        body.add(new KePayload(Bytes.of(keyExchange.publicValue())));
      }
      localTs = config.localTs().get(0);
      remoteTs = config.remoteTs().get(0);
      body.add(id(localTs));
      body.add(id(remoteTs));
      addNatOa(body);
      hash =
          V1KeyDerivation.quickModeHash1(
              keys(sa).prf(), keys(sa).skeyidA(), messageId, encode(body));
      out.add(new HashPayload(Bytes.of(hash)));
      out.addAll(body);
      return TaskStatus.NEED_MORE;
    }
    if (initiator && s == 2) {
      out.add(
          new HashPayload(
              Bytes.of(
                  V1KeyDerivation.quickModeHash3(
                      keys(sa).prf(), keys(sa).skeyidA(), messageId, niB, nrB))));
      return TaskStatus.DONE;
    }
    if (!initiator && s == 1) {
      reserveSpi();
      List<DataAttribute> attrs = new ArrayList<>(acceptedTransform.attributes());
      boolean offeredLife = agreed.lifeSeconds() > 0 || agreed.lifeKilobytes() > 0;
      if (!offeredLife) {
        attrs.addAll(EspTransforms.lifeAttributes(lifeSeconds, lifeKilobytes));
      }
      body.add(
          SaPayload.of(
              new SaPayload.Proposal(
                  acceptedProposalNumber,
                  ProtocolId.ESP,
                  spiBytes(ourSpi),
                  List.of(
                      new SaPayload.Transform(
                          acceptedTransform.number(), acceptedTransform.transformId(), attrs)))));
      nrB = nonce(sa, body);
      if (!config.pfsGroup().equals(DhGroup.NONE)) {
        keyExchange = KeyExchange.generate(config.pfsGroup(), sa.random());
        body.add(new KePayload(Bytes.of(keyExchange.publicValue())));
      }
      if (idsSent) {
        // Narrowed or not, the IDs come back in the initiator's order: IDci (its side) first.
        body.add(id(remoteTs));
        body.add(id(localTs));
      }
      if (natOaI != null) {
        addNatOa(body); // RFC 3947 section 5.2: only when the initiator proposed it
      }
      if (offeredLife
          && (shorter(lifeSeconds, agreed.lifeSeconds())
              || shorter(lifeKilobytes, agreed.lifeKilobytes()))) {
        body.add(
            NotifyPayload.responderLifetime(
                ProtocolId.ESP,
                spiBytes(ourSpi),
                EspTransforms.lifeAttributes(lifeSeconds, lifeKilobytes)));
      }
      hash =
          V1KeyDerivation.quickModeHash2(
              keys(sa).prf(), keys(sa).skeyidA(), messageId, niB, encode(body));
      out.add(new HashPayload(Bytes.of(hash)));
      out.addAll(body);
      return TaskStatus.NEED_MORE;
    }
    throw new IllegalStateException("Quick Mode cannot build message " + (s + 1) + " now");
  }

  @Override
  public TaskStatus process(Phase1State sa, IsakmpMessage in) throws V1Exception {
    requireEstablished(sa);
    if (in.payloads().isEmpty() || !(in.payloads().get(0) instanceof HashPayload received)) {
      throw V1Exception.notify(NotifyType.PAYLOAD_MALFORMED, "Quick Mode message without HASH");
    }
    int s = step++;
    Phase1Keys k = keys(sa);
    if (!initiator && s == 0) {
      offeredSpi(in);
      niB = require(in, NoncePayload.class).encodeBody();
      verify(
          V1KeyDerivation.quickModeHash1(
              k.prf(), k.skeyidA(), messageId, in.encodePayloadsAfter(0)),
          received,
          "HASH(1)");
      narrowIds(in);
      chooseTransform(require(in, SaPayload.class));
      readKe(in);
      readNatOa(in);
      return TaskStatus.NEED_MORE;
    }
    if (initiator && s == 1) {
      verify(
          V1KeyDerivation.quickModeHash2(
              k.prf(), k.skeyidA(), messageId, niB, in.encodePayloadsAfter(0)),
          received,
          "HASH(2)");
      nrB = require(in, NoncePayload.class).encodeBody();
      processChosen(in);
      readKe(in);
      checkAnsweredIds(in);
      readNatOa(in);
      install(sa);
      return TaskStatus.NEED_MORE;
    }
    if (!initiator && s == 2) {
      verify(
          V1KeyDerivation.quickModeHash3(k.prf(), k.skeyidA(), messageId, niB, nrB),
          received,
          "HASH(3)");
      install(sa);
      return TaskStatus.DONE;
    }
    throw V1Exception.silent("unexpected Quick Mode message " + (s + 1));
  }

  /**
   * Releases the reserved inbound SPI of a negotiation that failed before the pair was installed,
   * and drops the PFS private value. Idempotent.
   */
  public void abort() {
    if (spiReserved && !installed) {
      ipsec.delete(ourSpi, 0, remote.getAddress());
    }
    spiReserved = false;
    if (keyExchange != null) {
      keyExchange.destroy();
    }
  }

  private void reserveSpi() {
    ourSpi = ipsec.getSpi(local.getAddress(), remote.getAddress());
    spiReserved = true;
  }

  /** Responder, (1): the first acceptable transform of the first ESP proposal that has one. */
  private void chooseTransform(SaPayload offer) throws V1Exception {
    for (SaPayload.Proposal p : offer.proposals()) {
      if (!p.protocolId().equals(ProtocolId.ESP)
          || p.spi().length() != 4
          || countProtocols(offer, p.number()) != 1) {
        continue; // AH+ESP bundles and IPComp are not implemented
      }
      for (SaPayload.Transform t : p.transforms()) {
        EspTransforms.Offer o = EspTransforms.fromTransform(t).orElse(null);
        if (o != null
            && config.suites().contains(o.suite())
            && EspTransforms.sameMode(o.mode(), config.encapsulationMode())
            && o.group().equals(config.pfsGroup())) {
          acceptedProposalNumber = p.number();
          acceptedTransform = t;
          agreed = o;
          peerSpi = (int) p.spi().toLong();
          lifeSeconds = min(config.lifeSeconds(), o.lifeSeconds());
          lifeKilobytes = min(config.lifeKilobytes(), o.lifeKilobytes());
          return;
        }
      }
    }
    throw V1Exception.notify(NotifyType.NO_PROPOSAL_CHOSEN, "no acceptable ESP transform");
  }

  private static int countProtocols(SaPayload offer, int number) {
    int n = 0;
    for (SaPayload.Proposal p : offer.proposals()) {
      if (p.number() == number) {
        n++;
      }
    }
    return n;
  }

  /** Initiator, (2): one proposal, one transform, one we offered; lifetimes honoured. */
  private void processChosen(IsakmpMessage in) throws V1Exception {
    SaPayload chosen = require(in, SaPayload.class);
    if (chosen.proposals().size() != 1 || chosen.proposals().get(0).transforms().size() != 1) {
      throw V1Exception.notify(
          NotifyType.BAD_PROPOSAL_SYNTAX, "the responder must choose exactly one transform");
    }
    SaPayload.Proposal p = chosen.proposals().get(0);
    if (!p.protocolId().equals(ProtocolId.ESP)) {
      throw V1Exception.notify(NotifyType.INVALID_PROTOCOL_ID, "chosen proposal is not ESP");
    }
    EspTransforms.Offer o = EspTransforms.fromTransform(p.transforms().get(0)).orElse(null);
    if (o == null
        || !config.suites().contains(o.suite())
        || !EspTransforms.sameMode(o.mode(), config.encapsulationMode())
        || !o.group().equals(config.pfsGroup())) {
      throw V1Exception.notify(NotifyType.NO_PROPOSAL_CHOSEN, "chosen transform was not offered");
    }
    peerSpi = (int) p.spi().toLong();
    if (Integer.compareUnsigned(peerSpi, 256) < 0) {
      throw V1Exception.notify(NotifyType.INVALID_SPI, "reserved SPI " + peerSpi);
    }
    agreed = o;
    lifeSeconds = min(config.lifeSeconds(), o.lifeSeconds());
    lifeKilobytes = min(config.lifeKilobytes(), o.lifeKilobytes());
    Optional<NotifyPayload> rl = in.notify(NotifyType.RESPONDER_LIFETIME);
    if (rl.isPresent()) {
      ParseResult<List<DataAttribute>> attrs = rl.get().dataAttributes();
      long[] life =
          attrs instanceof ParseResult.Ok<List<DataAttribute>> ok
              ? EspTransforms.readLifetimes(ok.value())
              : null;
      if (life == null) {
        throw V1Exception.notify(NotifyType.PAYLOAD_MALFORMED, "bad RESPONDER-LIFETIME data");
      }
      lifeSeconds = min(lifeSeconds, life[0]);
      lifeKilobytes = min(lifeKilobytes, life[1]);
    }
  }

  private void readKe(IsakmpMessage in) throws V1Exception {
    Optional<KePayload> ke = in.first(KePayload.class);
    if (config.pfsGroup().equals(DhGroup.NONE)) {
      if (ke.isPresent()) {
        throw V1Exception.notify(NotifyType.INVALID_KEY_INFORMATION, "KE without PFS group");
      }
      return;
    }
    if (ke.isEmpty()) {
      throw V1Exception.notify(NotifyType.INVALID_KEY_INFORMATION, "PFS group without KE");
    }
    if (ke.get().keyExchangeData().length() != config.pfsGroup().keyExchangeLength()) {
      throw V1Exception.notify(
          NotifyType.INVALID_KEY_INFORMATION,
          "KE of " + ke.get().keyExchangeData().length() + " bytes for " + config.pfsGroup());
    }
    peerKe = ke.get().keyExchangeData().toByteArray();
  }

  /** Responder, (1): the initiator's SPI, known before anything is checked (for a notification). */
  private void offeredSpi(IsakmpMessage in) {
    Optional<SaPayload> offer = in.first(SaPayload.class);
    if (offer.isPresent()) {
      for (SaPayload.Proposal p : offer.get().proposals()) {
        if (p.protocolId().equals(ProtocolId.ESP) && p.spi().length() == 4) {
          peerSpi = (int) p.spi().toLong();
          return;
        }
      }
    }
  }

  /**
   * Responder, (1): IDci is the initiator's side (our remote), IDcr ours. The child that answers is
   * the first of the candidates whose selectors contain both IDs; failing that, the first whose
   * selectors overlap both, narrowed to the overlap (as IKEv2's narrowing does, RFC 7296 section
   * 2.9); none: INVALID-ID-INFORMATION.
   */
  private void narrowIds(IsakmpMessage in) throws V1Exception {
    List<IdPayload> ids = in.all(IdPayload.class);
    TsRange offeredI;
    TsRange offeredR;
    if (ids.isEmpty()) {
      offeredI = TsRange.host(remote.getAddress());
      offeredR = TsRange.host(local.getAddress());
    } else if (ids.size() == 2) {
      idsSent = true;
      offeredI = ClientIds.toTs(ids.get(0)).orElse(null);
      offeredR = ClientIds.toTs(ids.get(1)).orElse(null);
      if (offeredI == null || offeredR == null) {
        throw V1Exception.notify(NotifyType.INVALID_ID_INFORMATION, "IDci/IDcr not a selector");
      }
    } else {
      throw V1Exception.notify(NotifyType.INVALID_ID_INFORMATION, "one ID payload, not two");
    }
    QuickModeConfig narrowed = null;
    for (QuickModeConfig c : candidates) {
      TsRange r = ClientIds.narrow(offeredI, c.remoteTs()).orElse(null);
      TsRange l = ClientIds.narrow(offeredR, c.localTs()).orElse(null);
      if (r == null || l == null) {
        continue;
      }
      if (r.equals(offeredI) && l.equals(offeredR)) {
        config = c;
        remoteTs = r;
        localTs = l;
        return;
      }
      if (narrowed == null) {
        narrowed = c;
        remoteTs = r;
        localTs = l;
      }
    }
    if (narrowed != null) {
      config = narrowed;
    } else {
      throw V1Exception.notify(
          NotifyType.INVALID_ID_INFORMATION,
          "selectors " + offeredI + " === " + offeredR + " outside the policy");
    }
  }

  /** Initiator, (2): the answered IDs must lie within what we sent. */
  private void checkAnsweredIds(IsakmpMessage in) throws V1Exception {
    List<IdPayload> ids = in.all(IdPayload.class);
    if (ids.isEmpty()) {
      return; // RFC 2409 section 5.5: the responder echoes the IDs, or sends none if none came
    }
    TsRange i = ids.size() == 2 ? ClientIds.toTs(ids.get(0)).orElse(null) : null;
    TsRange r = ids.size() == 2 ? ClientIds.toTs(ids.get(1)).orElse(null) : null;
    if (i == null || r == null || !i.isSubsetOf(localTs) || !r.isSubsetOf(remoteTs)) {
      throw V1Exception.notify(
          NotifyType.INVALID_ID_INFORMATION, "answered selectors are not within ours");
    }
    localTs = i;
    remoteTs = r;
  }

  /** KEYMAT for both directions (RFC 2409 section 5.5), then the pair into the data plane. */
  private void install(Phase1State sa) throws V1Exception {
    SecretBytes gqmxy = null;
    if (keyExchange != null) {
      SharedSecretResult r = keyExchange.computeSharedSecret(peerKe);
      keyExchange.destroy();
      if (!(r instanceof SharedSecretResult.Agreed ok)) {
        throw V1Exception.notify(NotifyType.INVALID_KEY_INFORMATION, "peer KE refused: " + r);
      }
      gqmxy = ok.sharedSecret();
    }
    Phase1Keys k = keys(sa);
    int length = agreed.suite().keyMaterialLength();
    try (SecretBytes in =
            V1KeyDerivation.keymat(
                k.prf(),
                k.skeyidD(),
                gqmxy,
                ESP,
                spiBytes(ourSpi).toByteArray(),
                niB,
                nrB,
                length);
        SecretBytes out =
            V1KeyDerivation.keymat(
                k.prf(),
                k.skeyidD(),
                gqmxy,
                ESP,
                spiBytes(peerSpi).toByteArray(),
                niB,
                nrB,
                length)) {
      SaLifetime hard = new SaLifetime(lifeSeconds, lifeKilobytes * 1024, 0);
      // Soft limits at 90 %: the data plane asks for a new Quick Mode before the SA runs out.
      SaLifetime soft = new SaLifetime(lifeSeconds * 9 / 10, lifeKilobytes * 1024 * 9 / 10, 0);
      ipsec.install(
          new ChildSaInstall(
              config.policyRef(),
              config.name(),
              ourSpi,
              in,
              peerSpi,
              out,
              agreed.suite(),
              false,
              config.mode(),
              List.of(localTs),
              List.of(remoteTs),
              local,
              remote,
              soft,
              hard,
              outboundHold()));
    } catch (RuntimeException e) {
      throw V1Exception.notify(NotifyType.NO_PROPOSAL_CHOSEN, "the data plane refused the pair");
    } finally {
      if (gqmxy != null) {
        gqmxy.close();
      }
    }
    installed = true;
  }

  /** NAT-OAi, NAT-OAr in UDP-encapsulated transport mode (RFC 3947 section 5.2). */
  private void addNatOa(List<Payload> body) {
    if (config.mode() != IpsecMode.TRANSPORT || !config.udpEncapsulation()) {
      return;
    }
    body.add(NatOaPayload.of(initiator ? local.getAddress() : remote.getAddress()));
    body.add(NatOaPayload.of(initiator ? remote.getAddress() : local.getAddress()));
  }

  /** The peer's NAT-OAi and NAT-OAr, if it sent them. */
  private void readNatOa(IsakmpMessage in) {
    List<NatOaPayload> oa = in.all(NatOaPayload.class);
    if (oa.isEmpty()) {
      return;
    }
    natOaI = oa.get(0).inetAddress();
    natOaR = oa.size() > 1 ? oa.get(1).inetAddress() : null;
    log.debug(
        "Quick Mode {}: NAT-OA from the peer: initiator {}, responder {}",
        String.format("%08x", messageId),
        InetText.format(natOaI),
        natOaR == null ? "-" : InetText.format(natOaR));
  }

  private static long min(long a, long b) {
    if (a == 0) {
      return b;
    }
    return b == 0 ? a : Math.min(a, b);
  }

  /** Whether limit {@code ours} is set and below {@code theirs} (0: none). */
  private static boolean shorter(long ours, long theirs) {
    return ours > 0 && (theirs == 0 || ours < theirs);
  }

  private static IdPayload id(TsRange ts) throws V1Exception {
    return ClientIds.toId(ts)
        .orElseThrow(
            () ->
                V1Exception.notify(
                    NotifyType.INVALID_ID_INFORMATION, "selector " + ts + " has no ID form"));
  }

  private static Bytes spiBytes(int spi) {
    return Bytes.of((byte) (spi >>> 24), (byte) (spi >>> 16), (byte) (spi >>> 8), (byte) spi);
  }

  private static byte[] nonce(Phase1State sa, List<Payload> out) {
    byte[] n = new byte[NONCE_LENGTH];
    sa.random().nextBytes(n);
    NoncePayload payload = new NoncePayload(Bytes.of(n));
    out.add(payload);
    return payload.encodeBody();
  }

  private static byte[] encode(List<Payload> payloads) {
    return new IsakmpMessage(IsakmpHeader.of(0, 0, ExchangeType.QUICK_MODE, 0), payloads)
        .encodePayloads();
  }

  private static Phase1Keys keys(Phase1State sa) {
    return sa.keys();
  }

  private static void requireEstablished(Phase1State sa) throws V1Exception {
    if (!sa.established() || sa.keys() == null) {
      throw V1Exception.silent("Quick Mode before phase 1 completed");
    }
  }

  private static <T extends Payload> T require(IsakmpMessage in, Class<T> kind) throws V1Exception {
    return in.first(kind)
        .orElseThrow(
            () ->
                V1Exception.notify(
                    NotifyType.PAYLOAD_MALFORMED,
                    "Quick Mode message without " + kind.getSimpleName()));
  }

  private static void verify(byte[] expected, HashPayload received, String what)
      throws V1Exception {
    if (!MessageDigest.isEqual(expected, received.hashData().toByteArray())) {
      throw V1Exception.notify(NotifyType.INVALID_HASH_INFORMATION, what + " does not verify");
    }
  }

  @Override
  public String toString() {
    return String.format(
        "QuickMode[%s %08x, in %08x out %08x%s]",
        initiator ? "initiator" : "responder",
        messageId,
        ourSpi,
        peerSpi,
        installed ? " installed" : "");
  }
}
