package org.meshsec.ike.task;

import java.time.Duration;
import java.util.Optional;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.message.NotifyPayload;
import org.meshsec.ike.message.NotifyType;
import org.meshsec.ike.message.ProtocolId;
import org.meshsec.ike.sa.ChildSa;
import org.meshsec.ike.sa.ChildSaState;
import org.meshsec.ike.sa.IkeSa;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rekeys a Child SA pair (RFC 7296 sections 1.3.3, 2.8, 2.8.1) make-before-break: the new pair is
 * created and installed by a {@link ChildCreate} carrying N(REKEY_SA) with the old pair's inbound
 * SPI, and only then is the old pair deleted ({@link ChildDelete}).
 *
 * <pre>
 *  HDR, SK {N(REKEY_SA), SA, Ni, [KEi], TSi, TSr}  -->
 *                      <--  HDR, SK {SA, Nr, [KEr], TSi, TSr}
 *  HDR, SK {D(old)}  -->                      (later, by the initiator)
 * </pre>
 *
 * <b>Collisions</b> (section 2.8.1): if both peers rekey the same pair at once, each answers the
 * other's request while its own is outstanding, and two new pairs exist. When our exchange
 * completes and we find the peer's new pair for the same old one, the pair created by the exchange
 * holding the lowest of the four nonces is redundant: if it is ours we delete it (and leave the old
 * one to the peer), otherwise we delete the old pair as usual and the peer deletes its redundant
 * one. Both sides compare the same nonces, so exactly one new pair survives. A rekey request for a
 * pair we already replaced (or are deleting) is answered TEMPORARY_FAILURE, so a late collision
 * creates nothing redundant; an initiator that gets TEMPORARY_FAILURE retries after a random delay
 * if the pair is still in use.
 */
public final class ChildRekey implements Task {
  private static final Logger log = LoggerFactory.getLogger(ChildRekey.class);

  private final boolean initiator;
  private ChildSa child;
  private ChildCreate create;

  /** Initiator: rekeys {@code child}. */
  public ChildRekey(ChildSa child) {
    this.initiator = true;
    this.child = child;
  }

  private ChildRekey() {
    this.initiator = false;
  }

  /** Responder. */
  public static ChildRekey responder() {
    return new ChildRekey();
  }

  @Override
  public TaskType type() {
    return TaskType.CHILD_REKEY;
  }

  @Override
  public boolean initiator() {
    return initiator;
  }

  @Override
  public ExchangeType exchange() {
    return ExchangeType.CREATE_CHILD_SA;
  }

  /** The pair being rekeyed (initiator). */
  public ChildSa child() {
    return child;
  }

  @Override
  public TaskStatus build(IkeSa sa, OutMessage out) throws IkeException {
    if (!initiator) {
      return create.build(sa, out);
    }
    if (create == null) {
      if (sa.childByInbound(child.inboundSpi()).orElse(null) != child
          || child.state() != ChildSaState.INSTALLED) {
        return TaskStatus.DONE; // deleted or replaced meanwhile
      }
      child.setState(ChildSaState.REKEYING);
      create = ChildCreate.initiator(child.config(), child);
    }
    out.add(
        NotifyPayload.forChildSa(
            ProtocolId.ESP, child.inboundSpi(), NotifyType.REKEY_SA, Bytes.EMPTY));
    return create.build(sa, out);
  }

  @Override
  public TaskStatus process(IkeSa sa, Message in) throws IkeException {
    if (!initiator) {
      processRequest(sa, in);
      return TaskStatus.NEED_MORE;
    }
    TaskStatus status = create.process(sa, in);
    if (status == TaskStatus.NEED_MORE) {
      return status; // another round with the PFS group the peer asked for
    }
    if (status != TaskStatus.DONE) {
      if (child.state() == ChildSaState.REKEYING) {
        child.setState(ChildSaState.INSTALLED);
      }
      if (in.notify(NotifyType.TEMPORARY_FAILURE).isPresent()) {
        retryLater(sa);
      }
      return TaskStatus.FAILED;
    }
    ChildSa fresh = create.created();
    Optional<ChildSa> peers =
        sa.children().stream()
            .filter(c -> c.rekeyOf() == child && !c.weInitiated() && c.isActive())
            .findFirst();
    if (child.state() != ChildSaState.DELETED) {
      child.setState(ChildSaState.REKEYED);
    }
    if (peers.isPresent()
        && Bytes.compareNonces(fresh.lowestNonce(), peers.get().lowestNonce()) < 0) {
      log.info("{}: rekey collision for {} lost, deleting our {}", sa, child, fresh);
      sa.deleteChild(fresh);
      return TaskStatus.DONE;
    }
    if (peers.isPresent()) {
      log.info("{}: rekey collision for {} won", sa, child);
    }
    log.info(
        "{}: Child SA {} rekeyed: {} replaced by {}",
        sa,
        child.config().name(),
        child.spis(),
        fresh.spis());
    if (child.state() != ChildSaState.DELETED) {
      sa.deleteChild(child);
    }
    return TaskStatus.DONE;
  }

  private void retryLater(IkeSa sa) {
    Duration delay = Duration.ofMillis(1000 + sa.engine().random().nextInt(4000));
    ChildSa target = child;
    sa.schedule(
        () -> {
          if (target.state() == ChildSaState.INSTALLED) {
            sa.manager().ownerOf(target).ifPresent(owner -> owner.rekeyChild(target));
          }
        },
        delay);
  }

  private void processRequest(IkeSa sa, Message in) throws IkeException {
    NotifyPayload rekey =
        in.notify(NotifyType.REKEY_SA)
            .orElseThrow(() -> IkeException.notify(NotifyType.INVALID_SYNTAX, "no REKEY_SA"));
    if (!rekey.protocolId().equals(ProtocolId.ESP) || rekey.spi().length() != 4) {
      throw IkeException.notify(NotifyType.INVALID_SYNTAX, "REKEY_SA for " + rekey.protocolId());
    }
    int spi = (int) rekey.spi().toLong();
    child =
        sa.childByOutbound(spi)
            .orElseThrow(
                () ->
                    IkeException.notify(
                        NotifyType.CHILD_SA_NOT_FOUND,
                        String.format("no Child SA with peer SPI %08x", spi)));
    if (!child.isActive()) {
      throw IkeException.notify(
          NotifyType.TEMPORARY_FAILURE, child + " is already replaced or being deleted");
    }
    create = ChildCreate.rekeyResponder(child);
    create.process(sa, in);
    ChildSa fresh = create.created();
    if (fresh != null) {
      log.info(
          "{}: Child SA {} rekeyed by the peer: {} replaced by {}",
          sa,
          child.config().name(),
          child.spis(),
          fresh.spis());
    }
    if (child.state() == ChildSaState.INSTALLED) {
      child.setState(ChildSaState.REKEYED); // the initiator deletes it
    }
  }

  @Override
  public void abort(IkeSa sa) {
    if (create != null) {
      create.abort(sa);
    }
    if (initiator && child.state() == ChildSaState.REKEYING) {
      child.setState(ChildSaState.INSTALLED);
    }
  }

  @Override
  public String toString() {
    return "ChildRekey[" + child + "]";
  }
}
