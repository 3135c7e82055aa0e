package org.meshsec.ike.v1.task;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.meshsec.ike.config.RetransmitPolicy;
import org.meshsec.ike.port.Cancellable;
import org.meshsec.ike.port.IpsecPort;
import org.meshsec.ike.port.Scheduler;
import org.meshsec.ike.v1.crypto.IvChain;
import org.meshsec.ike.v1.message.Datagram;
import org.meshsec.ike.v1.message.ExchangeType;
import org.meshsec.ike.v1.message.IsakmpHeader;
import org.meshsec.ike.v1.message.NotifyType;
import org.meshsec.ike.v1.message.ParseResult;
import org.meshsec.ike.v1.message.ProtocolId;
import org.meshsec.ike.v1.task.MainModeExchange.Outcome;

/**
 * The IKEv1 task manager of one ISAKMP SA ({@code ike.v1.sa.IsakmpSa} owns one): it owns the
 * exchanges of the SA, sends, retransmits and recognises retransmissions, as strongSwan's {@code
 * sa/ikev1/task_manager_v1.c} does.
 *
 * <pre>
 *  flow (one per exchange)     key           last sent          timer
 *  phase 1 (Main/Aggressive)   Message ID 0  our last message   while we await the peer's next
 *  Quick Mode                  its M-ID      our last message   while we await the peer's next
 *  informational               -             (not kept)         none (unacknowledged, RFC 2409 5.7)
 * </pre>
 *
 * <p><b>Retransmission.</b> IKEv1 has no request/response pairing: whoever sent the last message of
 * a flow and expects another waits with a timer ({@link RetransmitPolicy}: initial timeout,
 * back-off factor, retries, give-up time, as for IKEv2) and resends its last message when it fires;
 * when it gives up the flow fails (a Quick Mode releases its reserved SPI). The side that sent the
 * final message of an exchange (Main Mode (6), Aggressive Mode (3), Quick Mode (3)) arms no timer
 * but keeps that message to answer a retransmission of the peer's previous one.
 *
 * <p><b>Duplicates.</b> Phase 1 messages all carry Message ID 0, so a retransmission is recognised
 * by a hash (SHA-256) of the whole datagram, kept per flow for the last message received: a
 * datagram equal to it is not processed again; our last message is resent instead (strongSwan
 * compares the hash of the last received message the same way). Quick Mode flows are keyed by their
 * Message ID; at most {@link IvChain#MAX_EXCHANGES} are remembered.
 *
 * <p><b>Failures</b> (RFC 2408 sections 3.14.1 and 5). An exchange that fails with a notification
 * type (NO-PROPOSAL-CHOSEN, INVALID-ID-INFORMATION, INVALID-HASH-INFORMATION, ...) tells the peer
 * in an informational of its own ({@link ErrorNotify}), when the {@link #notifyGate} admits it (the
 * owner rate-limits per peer address). An error notification from the peer ends the negotiation it
 * is about at once: a pending phase 1 (protected or not, see {@link ErrorNotify}), or the pending
 * Quick Mode whose initiator's SPI it names (protected only); the reason is "peer sent TYPE".
 *
 * <p>Runs on its ISAKMP SA's executor and is not thread-safe; timers hand their work to that
 * executor.
 */
public final class V1TaskManager {

  /** Where the manager's datagrams go (the socket, in production). */
  @FunctionalInterface
  public interface Sender {
    void send(byte[] datagram);
  }

  /** What the manager reports. Default methods do nothing. */
  public interface Listener {
    /** Phase 1 completed. */
    default void established(Phase1State sa) {}

    /** A Quick Mode completed and its pair is installed. */
    default void childInstalled(QuickMode task) {}

    /** An exchange failed or timed out; {@code phase1} when it was the ISAKMP SA's own. */
    default void failed(boolean phase1, String reason) {}

    /**
     * The Quick Mode {@code task} failed or timed out; by default reported as {@link #failed
     * failed(false, reason)}.
     */
    default void quickModeFailed(QuickMode task, String reason) {
      failed(false, reason);
    }

    /** A received informational's event. */
    default void informational(Informational.Event event) {}
  }

  /** One exchange's retransmission state. */
  private static final class Flow {
    byte[] lastSent;
    byte[] lastReceivedHash;
    Cancellable timer = Cancellable.NONE;
    int sends;
    Instant firstSent;
    QuickModeExchange quickMode;
    long messageId;
    boolean over;

    /** Counts our new messages; a timer armed for an older one does nothing. */
    int generation;
  }

  private final MainModeExchange phase1;
  private final Scheduler scheduler;
  private final Executor executor;
  private final RetransmitPolicy policy;
  private final Sender sender;
  private final Listener listener;
  private final IpsecPort ipsec;
  private final InetSocketAddress local;
  private final InetSocketAddress remote;
  private final List<QuickModeConfig> responderConfigs;
  private final Flow phase1Flow = new Flow();
  private final Map<Long, Flow> quickModes =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Flow> eldest) {
          return size() > IvChain.MAX_EXCHANGES;
        }
      };
  private Informational informational;
  private int duplicates;
  private int drops;
  private int errorsSent;
  private BooleanSupplier notifyGate = () -> true;

  /**
   * @param phase1 the phase 1 exchange (Main or Aggressive Mode, either side)
   * @param scheduler time and timers
   * @param executor the ISAKMP SA's executor, where timer work runs
   * @param policy retransmission timeouts and limits
   * @param sender where datagrams go
   * @param listener what the SA's owner hears
   * @param ipsec the data plane
   * @param local our outer address
   * @param remote the peer's outer address
   * @param responderConfig the policy Quick Modes the peer starts are answered with
   */
  public V1TaskManager(
      MainModeExchange phase1,
      Scheduler scheduler,
      Executor executor,
      RetransmitPolicy policy,
      Sender sender,
      Listener listener,
      IpsecPort ipsec,
      InetSocketAddress local,
      InetSocketAddress remote,
      QuickModeConfig responderConfig) {
    this(
        phase1,
        scheduler,
        executor,
        policy,
        sender,
        listener,
        ipsec,
        local,
        remote,
        List.of(responderConfig));
  }

  /**
   * As above, for a peer with several children: the initiator's IDs choose which of {@code
   * responderConfigs} answers a Quick Mode ({@link QuickMode#responder}).
   */
  public V1TaskManager(
      MainModeExchange phase1,
      Scheduler scheduler,
      Executor executor,
      RetransmitPolicy policy,
      Sender sender,
      Listener listener,
      IpsecPort ipsec,
      InetSocketAddress local,
      InetSocketAddress remote,
      List<QuickModeConfig> responderConfigs) {
    this.phase1 = Objects.requireNonNull(phase1, "phase1");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.sender = Objects.requireNonNull(sender, "sender");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.ipsec = Objects.requireNonNull(ipsec, "ipsec");
    this.local = Objects.requireNonNull(local, "local");
    this.remote = Objects.requireNonNull(remote, "remote");
    this.responderConfigs = List.copyOf(responderConfigs);
    if (this.responderConfigs.isEmpty()) {
      throw new IllegalArgumentException("no responder configuration");
    }
  }

  /** The ISAKMP SA. */
  public Phase1State sa() {
    return phase1.sa();
  }

  /** The informational handler, null before phase 1 completed. */
  public Informational informational() {
    return informational;
  }

  /** Retransmissions of the peer recognised and answered from the last sent message. */
  public int duplicates() {
    return duplicates;
  }

  /** Datagrams dropped without effect (malformed, not for an exchange of this SA). */
  public int drops() {
    return drops;
  }

  /** Error notifications sent for failed exchanges. */
  public int errorsSent() {
    return errorsSent;
  }

  /** Asked before each error notification is sent; false suppresses it (a rate limit). */
  public void notifyGate(BooleanSupplier gate) {
    this.notifyGate = Objects.requireNonNull(gate, "gate");
  }

  /** Initiator: sends phase 1 message (1). */
  public void start() throws V1Exception {
    send(phase1Flow, phase1.start(), true);
  }

  /** Starts a Quick Mode as initiator (phase 1 must be complete). */
  public QuickModeExchange initiateQuickMode(QuickModeConfig config) throws V1Exception {
    if (!sa().established()) {
      throw V1Exception.silent("Quick Mode before phase 1 completed");
    }
    QuickModeExchange x = QuickModeExchange.initiator(sa(), config, ipsec, local, remote);
    Flow f = new Flow();
    f.quickMode = x;
    f.messageId = x.task().messageId();
    byte[] first = x.start();
    quickModes.put(x.task().messageId(), f);
    send(f, first, true);
    return x;
  }

  /** Processes a received datagram of this ISAKMP SA (cookies already matched by the front). */
  public void receive(byte[] datagram) {
    receiveOne(datagram);
    if (!sa().initiator() && phase1Flow.lastSent == null && !phase1Flow.over) {
      // A responder whose message (1) was dropped has sent nothing and so arms no timer: nothing
      // would ever end it. The initiator's retransmission of (1) makes a new one.
      phase1Flow.over = true;
      listener.failed(true, "phase 1 message (1) dropped");
    }
  }

  private void receiveOne(byte[] datagram) {
    ParseResult<Datagram> decoded = Datagram.decode(datagram);
    if (decoded instanceof ParseResult.Err<Datagram>) {
      drops++;
      return;
    }
    IsakmpHeader h = decoded.orElseThrow().header();
    byte[] hash = sha256(datagram);
    if (h.messageId() == 0) {
      if (isDuplicate(phase1Flow, hash)) {
        return;
      }
      if (phase1Flow.over) {
        drops++;
        return;
      }
      Outcome o = phase1.receive(datagram);
      handle(phase1Flow, o, true, hash);
      return;
    }
    if (!sa().established()) {
      if (h.exchangeType().equals(ExchangeType.INFORMATIONAL) && !phase1Flow.over) {
        Optional<ErrorNotify.Received> error = ErrorNotify.read(sa(), datagram);
        if (error.isPresent()) {
          ErrorNotify.Received e = error.get();
          listener.informational(new Informational.Event.Error(e.type(), e.protocol(), e.spi()));
          phase1Flow.timer.cancel();
          phase1Flow.over = true;
          listener.failed(true, "peer sent " + e.type());
          return;
        }
      }
      drops++;
      return;
    }
    if (h.exchangeType().equals(ExchangeType.INFORMATIONAL)) {
      try {
        Informational.Received r = informational.receive(datagram);
        for (Informational.Event e : r.events()) {
          listener.informational(e);
          if (e instanceof Informational.Event.Error error) {
            peerError(error);
          }
        }
        r.reply().ifPresent(sender::send);
      } catch (V1Exception e) {
        drops++;
      }
      return;
    }
    if (!h.exchangeType().equals(ExchangeType.QUICK_MODE)) {
      drops++;
      return;
    }
    Flow f = quickModes.get(h.messageId());
    if (f == null) {
      f = new Flow();
      f.quickMode = QuickModeExchange.responder(sa(), responderConfigs, ipsec, local, remote);
      f.messageId = h.messageId();
      quickModes.put(h.messageId(), f);
    } else if (isDuplicate(f, hash)) {
      return;
    } else if (f.over) {
      drops++;
      return;
    }
    Outcome o = f.quickMode.receive(datagram);
    if (o instanceof Outcome.Failed && f.lastSent == null && !f.quickMode.finished()) {
      quickModes.remove(h.messageId()); // a forged first message leaves nothing behind
    }
    handle(f, o, false, hash);
  }

  private boolean isDuplicate(Flow f, byte[] hash) {
    if (f.lastReceivedHash == null || !Arrays.equals(f.lastReceivedHash, hash)) {
      return false;
    }
    duplicates++;
    if (f.lastSent != null) {
      sender.send(f.lastSent);
    }
    return true;
  }

  private void handle(Flow f, Outcome o, boolean isPhase1, byte[] hash) {
    if (f.over) {
      drops++; // a late or forged message for a finished exchange, not a retransmission
      return;
    }
    if (o instanceof Outcome.Reply reply) {
      f.timer.cancel();
      f.lastReceivedHash = hash;
      send(f, reply.datagram(), !reply.done());
      if (reply.done()) {
        completed(f, isPhase1);
      }
    } else if (o instanceof Outcome.Done) {
      f.timer.cancel();
      f.lastReceivedHash = hash;
      completed(f, isPhase1);
    } else if (o instanceof Outcome.Dropped) {
      drops++;
    } else if (o instanceof Outcome.Failed failed) {
      boolean over = isPhase1 ? phase1.finished() : f.quickMode.finished();
      if (over) {
        f.timer.cancel();
        f.over = true;
        QuickMode task = isPhase1 ? null : f.quickMode.task();
        failed.reply().ifPresent(t -> sendError(task, t));
        failed(f, isPhase1, failed.reason());
      } else {
        drops++;
      }
    }
  }

  /** Tells the peer why an exchange failed: about phase 1, or about {@code task}. */
  private void sendError(QuickMode task, NotifyType type) {
    if ((task != null && !sa().established()) || !notifyGate.getAsBoolean()) {
      return;
    }
    errorsSent++;
    sender.send(
        task == null
            ? ErrorNotify.aboutPhase1(sa(), type)
            : ErrorNotify.aboutQuickMode(sa(), type, task.initiatorSpi()));
  }

  /**
   * An error notification after phase 1: it ends the pending Quick Mode whose initiator's SPI it
   * names (ours, or the peer's when it refused our (2)).
   */
  private void peerError(Informational.Event.Error e) {
    if (!e.protocol().equals(ProtocolId.ESP) || e.spi().length() != 4) {
      return;
    }
    int spi = (int) e.spi().toLong();
    for (Flow f : quickModes.values()) {
      QuickMode t = f.quickMode.task();
      if (!f.over && t != null && t.initiatorSpi() == spi) {
        f.timer.cancel();
        f.over = true;
        t.abort();
        listener.quickModeFailed(t, "peer sent " + e.type());
        return;
      }
    }
  }

  private void completed(Flow f, boolean isPhase1) {
    f.over = true;
    if (isPhase1) {
      informational = new Informational(sa(), ipsec, remote.getAddress());
      listener.established(sa());
    } else {
      QuickMode t = f.quickMode.task();
      informational.addChild(t.inboundSpi(), t.outboundSpi());
      listener.childInstalled(t);
    }
  }

  private void failed(Flow f, boolean isPhase1, String reason) {
    if (isPhase1) {
      listener.failed(true, reason);
    } else {
      listener.quickModeFailed(f.quickMode.task(), reason);
    }
  }

  private void send(Flow f, byte[] datagram, boolean awaitAnswer) {
    f.lastSent = datagram;
    f.generation++;
    f.sends = 0;
    f.firstSent = scheduler.now();
    sender.send(datagram);
    if (awaitAnswer) {
      arm(f);
    }
  }

  private void arm(Flow f) {
    Duration wait = policy.timeout(f.sends);
    int generation = f.generation;
    f.timer = scheduler.schedule(() -> executor.execute(() -> timeout(f, generation)), wait);
  }

  private void timeout(Flow f, int generation) {
    if (f.over || generation != f.generation) {
      // the timer fired while the answer it waited for was being processed (cancelling it came
      // too late): resending now would go on until the exchange is declared failed
      return;
    }
    boolean isPhase1 = f == phase1Flow;
    Duration elapsed = Duration.between(f.firstSent, scheduler.now());
    if (f.sends >= policy.retries() || elapsed.compareTo(policy.giveUpAfter()) >= 0) {
      f.over = true;
      if (!isPhase1) {
        f.quickMode.task().abort();
      }
      failed(f, isPhase1, "no answer after " + (f.sends + 1) + " sends");
      return;
    }
    f.sends++;
    sender.send(f.lastSent);
    arm(f);
  }

  /** Cancels every retransmission timer (the SA is going away); aborts unfinished Quick Modes. */
  public void close() {
    phase1Flow.timer.cancel();
    phase1Flow.over = true;
    for (Flow f : quickModes.values()) {
      f.timer.cancel();
      if (!f.over && f.quickMode.task() != null && !f.quickMode.finished()) {
        f.quickMode.task().abort();
      }
      f.over = true;
    }
  }

  private static byte[] sha256(byte[] datagram) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(datagram);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "V1TaskManager[" + sa() + ", " + quickModes.size() + " Quick Modes]";
  }
}
