package org.meshsec.ike.v1.sa;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.DpdAction;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.port.Cancellable;
import org.meshsec.ike.port.ExpireKind;
import org.meshsec.ike.port.SerialExecutor;
import org.meshsec.ike.sa.ChildSaInfo;
import org.meshsec.ike.sa.ChildSaState;
import org.meshsec.ike.sa.IkeEngine;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;
import org.meshsec.ike.v1.task.Informational;
import org.meshsec.ike.v1.task.MainModeExchange;
import org.meshsec.ike.v1.task.NatTraversal;
import org.meshsec.ike.v1.task.Phase1State;
import org.meshsec.ike.v1.task.QuickMode;
import org.meshsec.ike.v1.task.QuickModeConfig;
import org.meshsec.ike.v1.task.V1Exception;
import org.meshsec.ike.v1.task.V1TaskManager;
import org.meshsec.inet.InetText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ISAKMP SA (RFC 2408 section 2.4, RFC 2409 section 5): its lifecycle, its Quick Mode pairs and
 * timers, over its {@link V1TaskManager} (the IKEv1 task manager: phase 1 exchange, Quick Modes by
 * Message ID, informationals, retransmission, duplicates). The lifecycle reuses the engine's {@link
 * IkeSaState}:
 *
 * <pre>
 *  CONNECTING --phase 1 done--&gt; ESTABLISHED --terminate / peer's D(ISAKMP) / dead--&gt; DESTROYED
 *       \--phase 1 failed or timed out------------------------------------------------^
 * </pre>
 *
 * DPD (RFC 3706): after {@code dpd.delay} without a message from the peer, R-U-THERE, repeated
 * every {@code delay}; no R-U-THERE-ACK within {@code dpd.timeout} of the first one: the peer is
 * dead, the SA and its pairs go and {@code dpd.action} applies (RESTART initiates again).
 *
 * <p>Not thread-safe: confined to its {@link SerialExecutor} (only {@link #info()} and {@link
 * #execute} may be called from elsewhere).
 */
final class IsakmpSa {
  private static final Logger log = LoggerFactory.getLogger(IsakmpSa.class);

  private final Ikev1Front front;
  private final IkeEngine engine;
  private final long id;
  private final PeerConfig peer;
  private final boolean initiator;
  private final String mode;
  private final SerialExecutor executor;
  private volatile InetSocketAddress local;
  private volatile InetSocketAddress remote;
  private final NatTraversal natT;
  private final V1TaskManager tasks;
  private final Instant created;
  private final List<ChildConfig> pending = new ArrayList<>();
  private final Map<Integer, ChildSaInfo> children = new LinkedHashMap<>();
  private final Map<Integer, ChildConfig> childConfigs = new LinkedHashMap<>();
  private IkeSaState state = IkeSaState.CONNECTING;
  private Instant established;
  private Instant lastHeard;
  private Instant dpdFirstSent;
  private Cancellable dpdTimer = Cancellable.NONE;
  private boolean sendInitialContact;
  private volatile IkeSaInfo info;

  IsakmpSa(
      Ikev1Front front,
      PeerConfig peer,
      boolean initiator,
      boolean aggressive,
      InetSocketAddress local,
      InetSocketAddress remote) {
    this.front = front;
    this.engine = front.engine();
    this.id = engine.newSaId();
    this.peer = peer;
    this.initiator = initiator;
    this.mode = aggressive ? "aggressive" : "main";
    this.local = local;
    this.remote = remote;
    this.executor =
        new SerialExecutor(
            engine.scheduler(),
            (t, e) -> {
              engine.stats().internalErrors.incrementAndGet();
              log.warn("internal error on ISAKMP SA {} with {}", id, peer.name(), e);
            });
    var phase1 = V1PeerConfigs.phase1(peer);
    MainModeExchange x =
        initiator
            ? (aggressive
                ? MainModeExchange.aggressiveInitiator(phase1, engine.random())
                : MainModeExchange.initiator(phase1, engine.random()))
            : (aggressive
                ? MainModeExchange.aggressiveResponder(phase1, engine.random())
                : MainModeExchange.responder(phase1, engine.random()));
    this.natT = new NatTraversal(local, remote, peer.forceEncap() ? engine.fakeNatSource() : null);
    x.natTraversal(natT);
    this.tasks =
        new V1TaskManager(
            x,
            engine.scheduler(),
            executor,
            engine.settings().retransmit(),
            this::send,
            new Events(),
            engine.ipsec(),
            espEndpoint(local),
            espEndpoint(remote),
            peer.children().stream()
                .map(c -> V1PeerConfigs.quickMode(c, local.getAddress(), remote.getAddress()))
                .toList());
    tasks.notifyGate(() -> front.notifyLimit().admit(this.remote.getAddress()));
    this.created = engine.scheduler().now();
    this.lastHeard = created;
    publish();
  }

  /** ESP always travels in UDP to port 4500 (RFC 3948), whatever port IKE uses. */
  private InetSocketAddress espEndpoint(InetSocketAddress ike) {
    return new InetSocketAddress(ike.getAddress(), engine.settings().nattPort());
  }

  long id() {
    return id;
  }

  PeerConfig peer() {
    return peer;
  }

  boolean initiator() {
    return initiator;
  }

  InetSocketAddress remote() {
    return remote;
  }

  Phase1State phase1() {
    return tasks.sa();
  }

  /** Our cookie: the key of this SA in the front's table. */
  long localCookie() {
    return initiator ? tasks.sa().initiatorCookie() : tasks.sa().responderCookie();
  }

  IkeSaState state() {
    return state;
  }

  Instant establishedAt() {
    return established;
  }

  IkeSaInfo info() {
    return info;
  }

  void execute(Runnable r) {
    executor.execute(r);
  }

  /** Initiator: sends phase 1 message (1); {@code wanted} come up once phase 1 is done. */
  void start(List<ChildConfig> wanted, boolean initialContact) {
    pending.addAll(wanted);
    sendInitialContact = initialContact;
    try {
      tasks.start();
      log.info(
          "IKEv1 {} Mode with {} at {} initiated", mode, peer.name(), InetText.endpoint(remote));
    } catch (V1Exception e) {
      destroy("phase 1 could not start: " + e.getMessage());
    }
  }

  /** Adds Child SAs: at once when established, else after phase 1. */
  void add(List<ChildConfig> wanted) {
    for (ChildConfig c : wanted) {
      if (childConfigs.containsValue(c) || pending.contains(c)) {
        continue;
      }
      if (state == IkeSaState.ESTABLISHED) {
        quickMode(c);
      } else {
        pending.add(c);
      }
    }
  }

  /**
   * A datagram with this SA's cookies, received on {@code at} from {@code from}. An accepted
   * message that arrived on the NAT-T port moves IKE there (RFC 3947 section 4: the responder
   * answers where the initiator floated to, and follows a changed NAT mapping).
   */
  void receive(byte[] datagram, InetSocketAddress at, InetSocketAddress from) {
    if (state == IkeSaState.DESTROYED) {
      engine.stats().v1Dropped.incrementAndGet();
      return;
    }
    // A message that arrives on the NAT-T port moves IKE there before it is processed, so that the
    // answer goes back the way it came (RFC 3947 section 4); a message that is dropped moves
    // nothing back.
    InetSocketAddress oldLocal = local;
    InetSocketAddress oldRemote = remote;
    boolean moved =
        at.getPort() == engine.settings().nattPort() && (!at.equals(local) || !from.equals(remote));
    if (moved) {
      local = at;
      remote = from;
    }
    int drops = tasks.drops();
    int duplicates = tasks.duplicates();
    int errors = tasks.errorsSent();
    tasks.receive(datagram);
    engine.stats().errorsSent.addAndGet(tasks.errorsSent() - errors);
    int dropped = tasks.drops() - drops;
    engine.stats().v1Dropped.addAndGet(dropped);
    engine.stats().v1Retransmissions.addAndGet(tasks.duplicates() - duplicates);
    if (dropped == 0) {
      lastHeard = engine.scheduler().now();
      if (moved) {
        publish();
      }
    } else {
      if (moved) {
        local = oldLocal;
        remote = oldRemote;
      }
      if (front.badInputLog().admit(remote.getAddress())) {
        log.info("IKEv1 datagram from {} for ISAKMP SA {} dropped", InetText.endpoint(from), id);
      }
    }
  }

  private void quickMode(ChildConfig c) {
    QuickModeConfig qm = V1PeerConfigs.quickMode(c, local.getAddress(), remote.getAddress());
    try {
      tasks.initiateQuickMode(qm);
      log.info("IKEv1 Quick Mode {} with {} initiated", c.name(), peer.name());
    } catch (V1Exception e) {
      log.warn("IKEv1 Quick Mode {} with {} not started: {}", c.name(), peer.name(), e);
    }
  }

  /** A data-plane expire of the pair with inbound SPI {@code spi}. */
  void expire(int spi, ExpireKind kind) {
    ChildSaInfo c = children.get(spi);
    if (c == null) {
      return;
    }
    if (kind == ExpireKind.SOFT) {
      ChildConfig cfg = childConfigs.get(spi);
      if (cfg != null && state == IkeSaState.ESTABLISHED) {
        quickMode(cfg); // the new pair comes up before the old one goes (make-before-break)
      }
    } else {
      children.remove(spi);
      childConfigs.remove(spi);
      front.childGone(spi);
      publish();
    }
  }

  /** Deletes the pairs and the SA, telling the peer (RFC 2408 section 3.15). */
  void terminate(String reason) {
    if (state == IkeSaState.DESTROYED) {
      return;
    }
    Informational inf = tasks.informational();
    if (inf != null && state == IkeSaState.ESTABLISHED) {
      for (int in : List.copyOf(children.keySet())) {
        send(inf.deleteChild(in));
      }
      children.clear();
      send(inf.deleteIsakmpSa());
    }
    destroy(reason);
  }

  /** Drops the SA and its pairs without telling the peer. */
  void destroy(String reason) {
    if (state == IkeSaState.DESTROYED) {
      return;
    }
    dpdTimer.cancel();
    Informational inf = tasks.informational();
    if (inf != null) {
      inf.children().forEach((out, in) -> engine.ipsec().delete(in, out, remote.getAddress()));
    }
    children.keySet().forEach(front::childGone);
    children.clear();
    tasks.close();
    state = IkeSaState.DESTROYED;
    publish();
    front.removed(this);
    tasks.sa().wipe();
    log.info("IKEv1 ISAKMP SA {} with {} gone: {}", id, peer.name(), reason);
    try {
      engine.listener().ikeSaDestroyed(info, reason);
    } catch (RuntimeException e) {
      log.warn("IKE listener failed", e);
    }
  }

  private void send(byte[] datagram) {
    if (natT.floated() && local.getPort() != engine.settings().nattPort()) {
      // RFC 3947 section 4: from the message after NAT detection on, IKE uses port 4500.
      local = new InetSocketAddress(local.getAddress(), engine.settings().nattPort());
      remote = new InetSocketAddress(remote.getAddress(), engine.settings().nattPort());
    }
    engine.network().send(datagram, local, remote);
  }

  private void publish() {
    Phase1State p1 = tasks.sa();
    info =
        new IkeSaInfo(
            id,
            peer.name(),
            state,
            p1.initiatorCookie(),
            p1.responderCookie(),
            initiator,
            local,
            remote,
            p1.chosen() == null ? null : configuredProposal(p1),
            created,
            established,
            null,
            natT.natLocal(),
            natT.natRemote(),
            List.copyOf(children.values()),
            1,
            mode);
    if (state != IkeSaState.DESTROYED) {
      try {
        engine.listener().ikeSaChanged(info);
      } catch (RuntimeException e) {
        log.warn("IKE listener failed", e);
      }
    }
  }

  /** The configured IKE proposal the negotiated phase 1 transform came from. */
  private IkeProposal configuredProposal(Phase1State p1) {
    for (IkeProposal ip : peer.ikeProposals()) {
      if (V1PeerConfigs.phase1Proposal(ip, 0).map(x -> x.sameSuite(p1.chosen())).orElse(false)) {
        return ip;
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- DPD (RFC 3706)

  private void armDpd(Duration in) {
    dpdTimer.cancel();
    dpdTimer = engine.scheduler().schedule(() -> execute(this::dpdTick), in);
  }

  private void dpdTick() {
    if (state != IkeSaState.ESTABLISHED) {
      return;
    }
    Instant now = engine.scheduler().now();
    Duration delay = peer.dpd().delay();
    Duration idle = Duration.between(lastHeard, now);
    Informational inf = tasks.informational();
    if (inf.outstandingDpd() < 0 && idle.compareTo(delay) < 0) {
      armDpd(delay.minus(idle));
      return;
    }
    if (inf.outstandingDpd() >= 0 && dpdFirstSent != null) {
      Duration timeout =
          peer.dpd().timeout().isZero()
              ? engine.settings().retransmit().giveUpAfter()
              : peer.dpd().timeout();
      if (Duration.between(dpdFirstSent, now).compareTo(timeout) >= 0) {
        dead();
        return;
      }
    } else {
      dpdFirstSent = now;
    }
    send(inf.rUThere());
    armDpd(delay);
  }

  private void dead() {
    engine.stats().deadPeers.incrementAndGet();
    List<ChildConfig> configs = List.copyOf(childConfigs.values());
    destroy("peer dead: no R-U-THERE-ACK within the DPD timeout");
    if (peer.dpd().action() == DpdAction.RESTART && !configs.isEmpty()) {
      front.connect(peer, configs, remote.getAddress());
    }
  }

  // ---------------------------------------------------------------- task manager events

  private final class Events implements V1TaskManager.Listener {
    @Override
    public void established(Phase1State sa) {
      state = IkeSaState.ESTABLISHED;
      established = engine.scheduler().now();
      lastHeard = established;
      front.established(IsakmpSa.this);
      log.info(
          "IKEv1 ISAKMP SA {} with {} at {} established ({} Mode, {})",
          id,
          peer.name(),
          InetText.endpoint(remote),
          mode,
          initiator ? "initiator" : "responder");
      publish();
      if (sendInitialContact) {
        send(tasks.informational().initialContact());
      }
      if (peer.dpd().enabled()) {
        armDpd(peer.dpd().delay());
      }
      List<ChildConfig> start = List.copyOf(pending);
      pending.clear();
      start.forEach(IsakmpSa.this::quickMode);
    }

    @Override
    public void childInstalled(QuickMode t) {
      ChildConfig cfg =
          peer.children().stream()
              .filter(c -> c.name().equals(t.config().name()))
              .findFirst()
              .orElse(peer.children().get(0));
      ChildSaInfo c =
          new ChildSaInfo(
              cfg.name(),
              ChildSaState.INSTALLED,
              t.inboundSpi(),
              t.outboundSpi(),
              t.agreed().suite(),
              false,
              cfg.mode(),
              List.of(t.localTs()),
              List.of(t.remoteTs()),
              engine.scheduler().now(),
              null,
              t.initiator());
      children.put(t.inboundSpi(), c);
      childConfigs.put(t.inboundSpi(), cfg);
      front.childInstalled(t.inboundSpi(), IsakmpSa.this);
      log.info(
          "IKEv1 Quick Mode {} with {} installed: SPIs {} in, {} out",
          cfg.name(),
          peer.name(),
          String.format("%08x", t.inboundSpi()),
          String.format("%08x", t.outboundSpi()));
      publish();
    }

    @Override
    public void failed(boolean phase1, String reason) {
      if (phase1) {
        destroy("phase 1 failed: " + reason);
      } else {
        log.info("IKEv1 Quick Mode with {} failed: {}", peer.name(), reason);
      }
    }

    @Override
    public void quickModeFailed(QuickMode t, String reason) {
      log.info("IKEv1 Quick Mode {} with {} failed: {}", t.config().name(), peer.name(), reason);
      if (t.initiator()) {
        try {
          engine.listener().childSaFailed(info, t.config().name(), reason);
        } catch (RuntimeException e) {
          log.warn("IKE listener failed", e);
        }
      }
    }

    @Override
    public void informational(Informational.Event event) {
      if (event instanceof Informational.Event.Error e) {
        // RFC 2408 section 3.14.1: the peer says why it refused; the negotiation ends with it.
        log.warn(
            "IKEv1 {} from {} at {} (ISAKMP SA {})",
            e.type(),
            peer.name(),
            InetText.endpoint(remote),
            id);
        return;
      }
      lastHeard = engine.scheduler().now();
      if (event instanceof Informational.Event.ChildDeleted d) {
        children.remove(d.inboundSpi());
        childConfigs.remove(d.inboundSpi());
        front.childGone(d.inboundSpi());
        log.info("IKEv1 pair {} deleted by {}", String.format("%08x", d.inboundSpi()), peer.name());
        publish();
      } else if (event instanceof Informational.Event.IsakmpSaDeleted) {
        destroy("deleted by the peer");
      } else if (event instanceof Informational.Event.InitialContact) {
        front.initialContact(IsakmpSa.this);
      } else if (event instanceof Informational.Event.DpdAck) {
        dpdFirstSent = null;
      } else if (event instanceof Informational.Event.Other o) {
        log.debug("IKEv1 informational from {}: {}", peer.name(), o.what());
      }
    }
  }

  /** The child configuration a pair was installed for, if it is still known. */
  Optional<ChildConfig> childConfig(int inboundSpi) {
    return Optional.ofNullable(childConfigs.get(inboundSpi));
  }
}
