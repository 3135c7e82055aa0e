package org.meshsec.ike.task;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.crypto.IkeSaKeys;
import org.meshsec.ike.crypto.KeyDerivation;
import org.meshsec.ike.crypto.KeyExchange;
import org.meshsec.ike.crypto.Prf;
import org.meshsec.ike.crypto.SharedSecretResult;
import org.meshsec.ike.crypto.SignatureHashAlgorithm;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.CertReqPayload;
import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.KePayload;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.message.NoncePayload;
import org.meshsec.ike.message.NotifyPayload;
import org.meshsec.ike.message.NotifyType;
import org.meshsec.ike.message.Payload;
import org.meshsec.ike.message.SaPayload;
import org.meshsec.ike.sa.IkeSa;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IKE_SA_INIT exchange (RFC 7296 sections 1.2, 2.6, 2.10, 2.14, 2.23; RFC 7383 section 2.3; RFC
 * 7427 section 4):
 *
 * <pre>
 *  initiator                                   responder
 *  HDR, SAi1, KEi, Ni, N(NATD_S_IP), N(NATD_D_IP),
 *       N(FRAGMENTATION_SUPPORTED), N(SIGNATURE_HASH_ALGORITHMS)  -->
 *                    <--  HDR, SAr1, KEr, Nr, N(NATD_S_IP), N(NATD_D_IP), [CERTREQ], N(...), N(...)
 *  or                <--  HDR(SPIr=0), N(COOKIE)            : resend with N(COOKIE) first
 *  or                <--  HDR(SPIr=0), N(INVALID_KE_PAYLOAD): resend KE of the group asked for
 * </pre>
 *
 * Both sides then derive SKEYSEED and the seven keys. The initiator moves to port 4500 (meshsec
 * always encapsulates ESP in UDP, so it always does what section 2.23 does behind a NAT). At most
 * {@value #MAX_RETRIES} COOKIE / INVALID_KE rounds are followed.
 */
public final class IkeInit implements Task {
  private static final Logger log = LoggerFactory.getLogger(IkeInit.class);

  /** COOKIE and INVALID_KE_PAYLOAD rounds followed at most. */
  static final int MAX_RETRIES = 3;

  private final boolean initiator;
  private DhGroup group;
  private KeyExchange ke;
  private Bytes nonce;
  private Bytes cookie;
  private int retries;
  private Proposals.IkeChoice choice;

  /**
   * @param initiator the variant
   */
  public IkeInit(boolean initiator) {
    this.initiator = initiator;
  }

  @Override
  public TaskType type() {
    return TaskType.IKE_INIT;
  }

  @Override
  public boolean initiator() {
    return initiator;
  }

  @Override
  public ExchangeType exchange() {
    return ExchangeType.IKE_SA_INIT;
  }

  @Override
  public TaskStatus build(IkeSa sa, OutMessage out) {
    PeerConfig c = sa.config();
    if (!initiator) {
      out.add(Proposals.ikeAnswer(choice.proposal(), choice.number(), Bytes.EMPTY));
      out.add(new KePayload(group.id(), Bytes.of(ke.publicValue())));
      out.add(new NoncePayload(nonce));
      addCommonNotifies(sa, out, sa.spiR());
      CertReqPayload req = Authenticator.certRequest(c);
      if (req != null) {
        out.add(req);
      }
      ke.destroy();
      return TaskStatus.DONE;
    }
    if (ke == null) {
      if (group == null) {
        group = c.ikeProposals().get(0).dh();
      }
      ke = KeyExchange.generate(group, sa.engine().random());
    }
    if (nonce == null) {
      nonce = sa.engine().randomBytes(sa.engine().settings().nonceLength());
    }
    if (cookie != null) {
      out.add(NotifyPayload.of(NotifyType.COOKIE, cookie));
    }
    out.add(Proposals.ikeOffer(c.ikeProposals(), Bytes.EMPTY));
    out.add(new KePayload(group.id(), Bytes.of(ke.publicValue())));
    out.add(new NoncePayload(nonce));
    addCommonNotifies(sa, out, 0);
    return TaskStatus.NEED_MORE;
  }

  private static void addCommonNotifies(IkeSa sa, OutMessage out, long spiR) {
    for (NotifyPayload n :
        NatDetection.notifies(
            sa.spiI(),
            spiR,
            sa.local(),
            sa.remote(),
            sa.config().forceEncap(),
            sa.engine().fakeNatSource())) {
      out.add(n);
    }
    if (sa.engine().settings().fragmentation()) {
      out.add(NotifyPayload.of(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
    }
    out.add(Authenticator.signatureHashes());
  }

  @Override
  public TaskStatus process(IkeSa sa, Message in) throws IkeException {
    return initiator ? processResponse(sa, in) : processRequest(sa, in);
  }

  private TaskStatus processResponse(IkeSa sa, Message in) throws IkeException {
    List<IkeProposal> ours = sa.config().ikeProposals();
    Optional<NotifyPayload> cookieNotify = in.notify(NotifyType.COOKIE);
    if (cookieNotify.isPresent()) {
      if (++retries > MAX_RETRIES) {
        throw IkeException.silent("too many COOKIE rounds");
      }
      cookie = cookieNotify.get().data();
      log.debug("{}: responder asks for a COOKIE", sa);
      return TaskStatus.NEED_MORE;
    }
    Optional<NotifyPayload> invalidKe = in.notify(NotifyType.INVALID_KE_PAYLOAD);
    if (invalidKe.isPresent()) {
      Bytes d = invalidKe.get().data();
      DhGroup wanted = new DhGroup((d.getUnsigned(0) << 8) | d.getUnsigned(1));
      boolean offered = ours.stream().anyMatch(p -> p.dh().equals(wanted));
      if (!offered || wanted.equals(group) || ++retries > MAX_RETRIES) {
        throw IkeException.silent("responder wants key exchange " + wanted + ", not offered");
      }
      log.info("{}: responder wants {} instead of {}, retrying", sa, wanted, group);
      ke.destroy();
      ke = null;
      group = wanted;
      return TaskStatus.NEED_MORE;
    }
    refuseOnError(in);
    SaPayload saPayload = require(in, SaPayload.class);
    choice = Proposals.checkIkeAnswer(saPayload, ours);
    KePayload kePayload = require(in, KePayload.class);
    if (kePayload.dhGroup() != group.id() || !choice.proposal().dh().equals(group)) {
      throw IkeException.silent("responder answered with key exchange " + kePayload.dhGroup());
    }
    Bytes nr = require(in, NoncePayload.class).nonce();
    long spiR = in.header().responderSpi();
    if (spiR == 0) {
      throw IkeException.silent("IKE_SA_INIT response without a responder SPI");
    }
    sa.keying().learnResponderSpi(spiR);
    deriveKeys(sa, kePayload, nonce, nr);
    ke.destroy();
    NatDetection.Result nat = NatDetection.evaluate(in, sa.spiI(), spiR, sa.local(), sa.remote());
    sa.keying().nat(nat.natHere(), nat.natThere());
    peerSupport(sa, in);
    sa.floatToNattPort();
    return TaskStatus.DONE;
  }

  private TaskStatus processRequest(IkeSa sa, Message in) throws IkeException {
    List<IkeProposal> ours = sa.config().ikeProposals();
    choice = Proposals.chooseIke(require(in, SaPayload.class), ours);
    group = choice.proposal().dh();
    KePayload kePayload = require(in, KePayload.class);
    if (kePayload.dhGroup() != group.id()) {
      throw IkeException.notify(
          NotifyType.INVALID_KE_PAYLOAD,
          Bytes.of((byte) (group.id() >>> 8), (byte) group.id()),
          "initiator sent KE of group " + kePayload.dhGroup() + ", we chose " + group);
    }
    Bytes ni = require(in, NoncePayload.class).nonce();
    ke = KeyExchange.generate(group, sa.engine().random());
    nonce = sa.engine().randomBytes(sa.engine().settings().nonceLength());
    deriveKeys(sa, kePayload, ni, nonce);
    NatDetection.Result nat = NatDetection.evaluate(in, sa.spiI(), 0, sa.local(), sa.remote());
    sa.keying().nat(nat.natHere(), nat.natThere());
    peerSupport(sa, in);
    return TaskStatus.NEED_MORE;
  }

  /** IKEV2_FRAGMENTATION_SUPPORTED (RFC 7383) and SIGNATURE_HASH_ALGORITHMS (RFC 7427). */
  private static void peerSupport(IkeSa sa, Message in) {
    Set<SignatureHashAlgorithm> hashes =
        in.notify(NotifyType.SIGNATURE_HASH_ALGORITHMS)
            .map(n -> Set.copyOf(Authenticator.parseHashes(n)))
            .orElse(Set.of());
    sa.keying()
        .peerSupport(in.notify(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED).isPresent(), hashes);
  }

  /** SKEYSEED and the seven keys (section 2.14). */
  private void deriveKeys(IkeSa sa, KePayload peerKe, Bytes ni, Bytes nr) throws IkeException {
    SharedSecretResult shared = ke.computeSharedSecret(peerKe.keyExchangeData().toByteArray());
    if (shared instanceof SharedSecretResult.Rejected r) {
      throw IkeException.notify(NotifyType.INVALID_SYNTAX, "peer's KE refused: " + r.error());
    }
    IkeProposal p = choice.proposal();
    Prf prf = Prf.of(p.prf());
    byte[] niBytes = ni.toByteArray();
    byte[] nrBytes = nr.toByteArray();
    try (SecretBytes gir = ((SharedSecretResult.Agreed) shared).sharedSecret();
        SecretBytes skeyseed = KeyDerivation.skeyseed(prf, niBytes, nrBytes, gir)) {
      IkeSaKeys keys =
          KeyDerivation.ikeSaKeys(prf, p.suite(), skeyseed, niBytes, nrBytes, sa.spiI(), sa.spiR());
      sa.keying().negotiated(p, prf, keys, ni, nr);
    }
  }

  /** Fails on an error notification (type below 16384, section 3.10.1). */
  static void refuseOnError(Message in) throws IkeException {
    for (NotifyPayload n : in.all(NotifyPayload.class)) {
      if (n.notifyType().value() < NotifyType.FIRST_STATUS_TYPE) {
        throw IkeException.silent("peer answered " + n.notifyType());
      }
    }
  }

  /** The first payload of {@code kind}, or INVALID_SYNTAX. */
  static <T extends Payload> T require(Message in, Class<T> kind) throws IkeException {
    return in.first(kind)
        .orElseThrow(
            () ->
                IkeException.notify(NotifyType.INVALID_SYNTAX, kind.getSimpleName() + " missing"));
  }

  @Override
  public void abort(IkeSa sa) {
    if (ke != null) {
      ke.destroy();
    }
  }
}
