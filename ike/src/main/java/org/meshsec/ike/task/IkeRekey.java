package org.meshsec.ike.task;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.meshsec.esp.SecretBytes;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.crypto.IkeSaKeys;
import org.meshsec.ike.crypto.KeyDerivation;
import org.meshsec.ike.crypto.KeyExchange;
import org.meshsec.ike.crypto.Prf;
import org.meshsec.ike.crypto.SharedSecretResult;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.KePayload;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.message.NoncePayload;
import org.meshsec.ike.message.NotifyPayload;
import org.meshsec.ike.message.NotifyType;
import org.meshsec.ike.message.SaPayload;
import org.meshsec.ike.sa.IkeKeying;
import org.meshsec.ike.sa.IkeSa;
import org.meshsec.ike.sa.IkeSaState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rekeys the IKE SA (RFC 7296 sections 1.3.2, 2.18, 2.8.2) with CREATE_CHILD_SA:
 *
 * <pre>
 *  HDR, SK {SA(IKE, SPIi'), Ni, KEi}  -->
 *                      <--  HDR, SK {SA(IKE, SPIr'), Nr, KEr}
 *  SKEYSEED' = prf(SK_d (old), g^ir (new) | Ni | Nr), then the keys of section 2.14 with SPIi', SPIr'
 * </pre>
 *
 * The rekey's initiator is the original initiator of the new SA. Child SAs and queued child work
 * move to the new SA; then the initiator deletes the old SA (old state REKEYED, then DELETING). The
 * responder moves the children when it answers, unless it is rekeying the same SA itself.
 *
 * <p><b>Collisions</b> (section 2.8.2): both peers rekey at once, so each creates a new SA as
 * responder while its own request is outstanding. When our exchange completes we compare our new SA
 * with the peer's: the one whose exchange holds the lowest of the four nonces is redundant. If it
 * is ours, the children go to the peer's new SA, we delete ours and leave the old SA to the peer;
 * otherwise the children go to ours and we delete the old SA, while the peer deletes its redundant
 * one. If our rekey fails while the peer's succeeded, the children go to the peer's. The responder
 * refuses with TEMPORARY_FAILURE while a Child SA exchange of ours is in flight (section 2.25), or
 * when the SA is already rekeyed; the initiator then retries after a random delay.
 */
public final class IkeRekey implements Task {
  private static final Logger log = LoggerFactory.getLogger(IkeRekey.class);

  private final boolean initiator;
  private long newSpi;
  private DhGroup group;
  private KeyExchange ke;
  private Bytes ni;
  private Bytes nr;
  private Proposals.IkeChoice choice;
  private IkeSa created;
  private int retries;

  /**
   * @param initiator the variant
   */
  public IkeRekey(boolean initiator) {
    this.initiator = initiator;
  }

  @Override
  public TaskType type() {
    return TaskType.IKE_REKEY;
  }

  @Override
  public boolean initiator() {
    return initiator;
  }

  @Override
  public ExchangeType exchange() {
    return ExchangeType.CREATE_CHILD_SA;
  }

  @Override
  public TaskStatus build(IkeSa sa, OutMessage out) {
    if (!initiator) {
      out.add(Proposals.ikeAnswer(choice.proposal(), choice.number(), spi8(newSpi)));
      out.add(new NoncePayload(nr));
      out.add(new KePayload(group.id(), Bytes.of(ke.publicValue())));
      ke.destroy();
      return TaskStatus.DONE;
    }
    if (sa.state() != IkeSaState.ESTABLISHED && sa.state() != IkeSaState.REKEYING) {
      return TaskStatus.DONE; // deleted or rekeyed meanwhile
    }
    sa.setState(IkeSaState.REKEYING);
    List<IkeProposal> ours = sa.config().ikeProposals();
    if (newSpi == 0) {
      newSpi = sa.manager().newSpi();
    }
    if (group == null) {
      group = ours.get(0).dh();
    }
    if (ke != null) {
      ke.destroy();
    }
    ke = KeyExchange.generate(group, sa.engine().random());
    ni = sa.engine().randomBytes(sa.engine().settings().nonceLength());
    out.add(Proposals.ikeOffer(ours, spi8(newSpi)));
    out.add(new NoncePayload(ni));
    out.add(new KePayload(group.id(), Bytes.of(ke.publicValue())));
    return TaskStatus.NEED_MORE;
  }

  private static Bytes spi8(long spi) {
    return Bytes.of(Bytes.bigEndian64(spi));
  }

  @Override
  public TaskStatus process(IkeSa sa, Message in) throws IkeException {
    if (!initiator) {
      processRequest(sa, in);
      return TaskStatus.NEED_MORE;
    }
    Optional<NotifyPayload> invalidKe = in.notify(NotifyType.INVALID_KE_PAYLOAD);
    if (invalidKe.isPresent()) {
      Bytes d = invalidKe.get().data();
      DhGroup wanted = new DhGroup((d.getUnsigned(0) << 8) | d.getUnsigned(1));
      if (sa.config().ikeProposals().stream().anyMatch(p -> p.dh().equals(wanted))
          && !wanted.equals(group)
          && ++retries <= IkeInit.MAX_RETRIES) {
        group = wanted;
        return TaskStatus.NEED_MORE;
      }
    }
    try {
      complete(sa, in);
      return TaskStatus.DONE;
    } catch (IkeException e) {
      log.info("{}: IKE rekey failed: {}", sa, e.getMessage());
      abort(sa);
      if (!adoptPeersSa(sa)) {
        if (sa.state() == IkeSaState.REKEYING) {
          sa.setState(IkeSaState.ESTABLISHED);
        }
        if (in.notify(NotifyType.TEMPORARY_FAILURE).isPresent()) {
          Duration delay = Duration.ofMillis(1000 + sa.engine().random().nextInt(4000));
          sa.schedule(sa::rekey, delay);
        }
      }
      return TaskStatus.FAILED;
    }
  }

  private void complete(IkeSa sa, Message in) throws IkeException {
    IkeInit.refuseOnError(in);
    choice =
        Proposals.checkIkeAnswer(IkeInit.require(in, SaPayload.class), sa.config().ikeProposals());
    if (choice.spi().length() != 8 || !choice.proposal().dh().equals(group)) {
      throw IkeException.silent("bad IKE rekey answer");
    }
    KePayload kePayload = IkeInit.require(in, KePayload.class);
    if (kePayload.dhGroup() != group.id()) {
      throw IkeException.silent("KE of group " + kePayload.dhGroup() + " in the answer");
    }
    nr = IkeInit.require(in, NoncePayload.class).nonce();
    IkeSa fresh = derive(sa, kePayload, newSpi, choice.spi().toLong(), true);
    Optional<IkeSa> peers = peersSuccessor(sa);
    if (peers.isPresent()
        && Bytes.compareNonces(fresh.lowestNonce(), peers.get().lowestNonce()) < 0) {
      log.info("{}: IKE rekey collision lost, keeping the peer's {}", sa, peers.get());
      handOver(sa, peers.get());
      fresh.terminate();
      return; // the peer deletes the old SA
    }
    if (peers.isPresent()) {
      log.info("{}: IKE rekey collision won", sa);
      deleteIfOrphaned(peers.get());
    }
    handOver(sa, fresh);
    sa.terminate();
  }

  /**
   * The peer's redundant new SA after a collision we won: the peer deletes it when its own rekey
   * completes (section 2.8.2). If that never happens (its answer was lost and the old SA is deleted
   * meanwhile, so the peer never learns that the SA exists), we delete it ourselves once the peer's
   * retransmissions would have given up.
   */
  private static void deleteIfOrphaned(IkeSa redundant) {
    redundant.schedule(
        () -> {
          if (redundant.state().isUsable()) {
            log.info(
                "{}: the peer's redundant IKE SA was not deleted by the peer: deleting", redundant);
            redundant.terminate();
          }
        },
        MessageChannel.giveUpAfter(redundant));
  }

  /** An SA the peer created by rekeying {@code sa}, still usable. */
  private static Optional<IkeSa> peersSuccessor(IkeSa sa) {
    return sa.manager().successorsOf(sa).stream()
        .filter(s -> !s.isOriginalInitiator() && s.state().isUsable())
        .findFirst();
  }

  /** Our rekey failed: if the peer's succeeded meanwhile, its new SA takes over. */
  private static boolean adoptPeersSa(IkeSa sa) {
    Optional<IkeSa> peers = peersSuccessor(sa);
    peers.ifPresent(p -> handOver(sa, p));
    return peers.isPresent();
  }

  private static void handOver(IkeSa old, IkeSa heir) {
    old.moveChildrenTo(heir);
    old.setState(IkeSaState.REKEYED);
    old.moveQueuedTasksTo(heir);
  }

  /** SKEYSEED' and keys (section 2.18) and the new SA. */
  private IkeSa derive(IkeSa sa, KePayload peerKe, long spiI, long spiR, boolean weInitiate)
      throws IkeException {
    SharedSecretResult r = ke.computeSharedSecret(peerKe.keyExchangeData().toByteArray());
    if (r instanceof SharedSecretResult.Rejected rej) {
      throw IkeException.notify(NotifyType.INVALID_SYNTAX, "KE refused: " + rej.error());
    }
    IkeProposal p = choice.proposal();
    Prf prf = Prf.of(p.prf());
    byte[] niBytes = ni.toByteArray();
    byte[] nrBytes = nr.toByteArray();
    try (SecretBytes gir = ((SharedSecretResult.Agreed) r).sharedSecret();
        SecretBytes skeyseed =
            KeyDerivation.rekeySkeyseed(
                sa.keying().prf(), sa.keying().keys().skD(), gir, niBytes, nrBytes)) {
      IkeSaKeys keys =
          KeyDerivation.ikeSaKeys(prf, p.suite(), skeyseed, niBytes, nrBytes, spiI, spiR);
      IkeKeying keying =
          IkeKeying.rekeyed(sa.keying(), weInitiate, spiI, spiR, p, prf, keys, ni, nr);
      created = sa.manager().createRekeyed(sa, keying);
      return created;
    }
  }

  private void processRequest(IkeSa sa, Message in) throws IkeException {
    if (sa.state() != IkeSaState.ESTABLISHED && sa.state() != IkeSaState.REKEYING) {
      throw IkeException.notify(NotifyType.TEMPORARY_FAILURE, "IKE SA is " + sa.state());
    }
    if (TaskManager.of(sa).activeTask(TaskType.CHILD_CREATE).isPresent()
        || TaskManager.of(sa).activeTask(TaskType.CHILD_REKEY).isPresent()
        || TaskManager.of(sa).activeTask(TaskType.CHILD_DELETE).isPresent()) {
      throw IkeException.notify(
          NotifyType.TEMPORARY_FAILURE, "a Child SA exchange of ours is in progress");
    }
    choice = Proposals.chooseIke(IkeInit.require(in, SaPayload.class), sa.config().ikeProposals());
    group = choice.proposal().dh();
    KePayload kePayload = IkeInit.require(in, KePayload.class);
    if (kePayload.dhGroup() != group.id()) {
      throw IkeException.notify(
          NotifyType.INVALID_KE_PAYLOAD,
          Bytes.of((byte) (group.id() >>> 8), (byte) group.id()),
          "KE of group " + kePayload.dhGroup() + ", we chose " + group);
    }
    if (choice.spi().length() != 8) {
      throw IkeException.notify(NotifyType.INVALID_SYNTAX, "IKE rekey without an 8-byte SPI");
    }
    ni = IkeInit.require(in, NoncePayload.class).nonce();
    nr = sa.engine().randomBytes(sa.engine().settings().nonceLength());
    ke = KeyExchange.generate(group, sa.engine().random());
    newSpi = sa.manager().newSpi();
    IkeSa fresh = derive(sa, kePayload, choice.spi().toLong(), newSpi, false);
    if (TaskManager.of(sa).activeTask(TaskType.IKE_REKEY).isEmpty()) {
      handOver(sa, fresh);
    }
    // else: a collision; our own rekey decides where the children go when it completes
  }

  @Override
  public void abort(IkeSa sa) {
    if (ke != null) {
      ke.destroy();
    }
  }
}
