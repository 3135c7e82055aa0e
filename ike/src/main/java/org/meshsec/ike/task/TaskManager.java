package org.meshsec.ike.task;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.message.DeletePayload;
import org.meshsec.ike.message.ExchangeRules;
import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.IkeHeader;
import org.meshsec.ike.message.IkeParseError;
import org.meshsec.ike.message.IkeProtocolError;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.message.NotifyPayload;
import org.meshsec.ike.message.NotifyType;
import org.meshsec.ike.message.ProtocolId;
import org.meshsec.ike.message.SaPayload;
import org.meshsec.ike.sa.ChildSa;
import org.meshsec.ike.sa.EngineStats;
import org.meshsec.ike.sa.IkeSa;
import org.meshsec.ike.sa.IkeSaState;
import org.meshsec.ike.sa.IkeSaTasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task manager of one IKE SA (RFC 7296 sections 2.1-2.3; the shape of strongSwan's {@code
 * task_manager_v2.c}): Message IDs, a window of one request in each direction, which tasks answer a
 * request, and the one place where a typed {@link IkeException} becomes an error response. The
 * bytes below it (SK protection, fragments, retransmission with exponential back-off, the cached
 * response for a retransmitted request) are its {@link MessageChannel}'s. It implements the SA's
 * {@link IkeSaTasks}: each job the SA asks for becomes a queued initiator task.
 *
 * <p>Why one class of about 600 lines: what is left is one state, the Message ID window of both
 * directions over the three task lists (queued, active, passive). Initiating and responding read
 * each other's lists (a rekey answered while ours is active, tasks activated after a response), so
 * splitting them would spread that state over two classes that must change together.
 *
 * <pre>
 *  initiating:  queued --activate--> active --build--> request(mid) --retransmit--> ...
 *                                     ^                      | response(mid)
 *                                     +---- NEED_MORE -------+ process; DONE leaves; mid+1
 *  responding:  request(mid == expected) -> tasks by exchange/payloads -> process, build
 *               -> response (cached) ; mid+1
 *               request(expected - 1) -> the cached response again (after authenticating it)
 *               other mids -> dropped
 * </pre>
 *
 * Collisions (both sides rekeying the same SA) are not special states here: the passive task is
 * answered like any request, and the rekey tasks resolve redundant SAs by the lowest-nonce rule
 * (sections 2.8.1 and 2.8.2) when they complete; see {@link ChildRekey} and {@link IkeRekey}.
 *
 * <p>Not thread-safe: one per IKE SA, used only on the SA's executor.
 */
public final class TaskManager implements IkeSaTasks {
  private static final Logger log = LoggerFactory.getLogger(TaskManager.class);

  private final IkeSa sa;
  private final ArrayDeque<Task> queued = new ArrayDeque<>();
  private final List<Task> active = new ArrayList<>();
  private final List<Task> passive = new ArrayList<>();

  private final MessageChannel channel;

  private long initiatingMid;
  private ExchangeType initiatingType;
  private long respondingMid;
  private boolean initiating;

  public TaskManager(IkeSa sa) {
    this.sa = sa;
    this.channel = new MessageChannel(sa, this::unanswered);
  }

  /** The task manager of {@code sa} (the {@link Ikev2TaskFactory} made it). */
  static TaskManager of(IkeSa sa) {
    return (TaskManager) sa.tasks();
  }

  // ---------------------------------------------------------------- jobs (IkeSaTasks)

  @Override
  public void connect(List<ChildConfig> children) {
    queue(new IkeInit(true));
    queue(new IkeAuth(true));
    boolean first = true;
    for (ChildConfig c : children) {
      queue(first ? ChildCreate.inIkeAuth(c) : ChildCreate.initiator(c, null));
      first = false;
    }
    initiate();
  }

  @Override
  public void respondToConnect() {
    passive.add(new IkeInit(false));
    passive.add(new IkeAuth(false));
    passive.add(ChildCreate.responderInIkeAuth());
  }

  @Override
  public void rekeyIke() {
    queueOnce(TaskType.IKE_REKEY, () -> new IkeRekey(true));
  }

  @Override
  public void checkLiveness() {
    queueOnce(TaskType.IKE_DPD, () -> new IkeDpd(true));
  }

  @Override
  public void deleteIke() {
    queueOnce(TaskType.IKE_DELETE, () -> new IkeDelete(true));
  }

  private void queueOnce(TaskType type, Supplier<Task> task) {
    if (!hasTask(type)) {
      queue(task.get());
      initiate();
    }
  }

  @Override
  public void createChild(ChildConfig config) {
    if (!hasChildCreate(config.name())) {
      queue(ChildCreate.initiator(config, null));
      initiate();
    }
  }

  @Override
  public void rekeyChild(ChildSa child) {
    if (!hasChildRekey(child)) {
      queue(new ChildRekey(child));
      initiate();
    }
  }

  @Override
  public void deleteChildren(List<ChildSa> children) {
    queue(new ChildDelete(children));
    initiate();
  }

  @Override
  public void inform(NotifyPayload notify) {
    queue(new Informational(notify));
    initiate();
  }

  // ---------------------------------------------------------------- queue

  /** Queues an initiator task; {@link #initiate()} starts it when the window is free. */
  public void queue(Task task) {
    if (!task.initiator()) {
      throw new IllegalArgumentException("only initiator tasks are queued");
    }
    queued.add(task);
  }

  /** Whether a request of ours is outstanding. */
  public boolean busy() {
    return initiatingType != null;
  }

  /** The next Message ID we will use for a request (or the one outstanding). */
  public long initiatingMid() {
    return initiatingMid;
  }

  /** The Message ID we expect in the peer's next request. */
  public long respondingMid() {
    return respondingMid;
  }

  @Override
  public boolean quiet() {
    return initiatingType == null && active.isEmpty() && passive.isEmpty();
  }

  @Override
  public long nextRequestId() {
    return initiatingMid;
  }

  @Override
  public long nextResponseId() {
    return respondingMid;
  }

  @Override
  public void resumeMessageIds(long nextRequest, long nextResponse) {
    if (initiatingType != null || !active.isEmpty()) {
      throw new IllegalStateException("an exchange is under way");
    }
    initiatingMid = nextRequest;
    respondingMid = nextResponse;
  }

  /** Whether an initiator task of {@code type} is queued or active. */
  public boolean hasTask(TaskType type) {
    return active.stream().anyMatch(t -> t.type() == type)
        || queued.stream().anyMatch(t -> t.type() == type);
  }

  /** The active initiator task of {@code type}, if any. */
  public Optional<Task> activeTask(TaskType type) {
    return active.stream().filter(t -> t.type() == type).findFirst();
  }

  /** Whether a Child SA of configuration {@code name} is being created by us. */
  public boolean hasChildCreate(String name) {
    return allInitiatorTasks().stream()
        .anyMatch(t -> t instanceof ChildCreate c && c.configName().equals(name));
  }

  /** Whether {@code child} is being rekeyed by us. */
  public boolean hasChildRekey(ChildSa child) {
    return allInitiatorTasks().stream()
        .anyMatch(t -> t instanceof ChildRekey r && r.child() == child);
  }

  private List<Task> allInitiatorTasks() {
    List<Task> all = new ArrayList<>(active);
    all.addAll(queued);
    return all;
  }

  @Override
  public void moveQueuedTo(IkeSaTasks heirTasks) {
    TaskManager heir = (TaskManager) heirTasks;
    for (Iterator<Task> it = queued.iterator(); it.hasNext(); ) {
      Task t = it.next();
      if (t.type() == TaskType.CHILD_CREATE
          || t.type() == TaskType.CHILD_REKEY
          || t.type() == TaskType.CHILD_DELETE) {
        heir.queued.add(t);
        it.remove();
      }
    }
    heir.initiate();
  }

  @Override
  public void abortAll() {
    channel.stopRetransmitting();
    initiatingType = null;
    List<Task> all = new ArrayList<>(active);
    all.addAll(passive);
    all.addAll(queued);
    active.clear();
    passive.clear();
    queued.clear();
    for (Task t : all) {
      t.abort(sa);
    }
  }

  // ---------------------------------------------------------------- initiating

  /** Starts the next exchange if the window is free and a task is ready. */
  public void initiate() {
    if (initiating) {
      return; // a task building a request queued more work: the loop below picks it up
    }
    initiating = true;
    try {
      initiateLoop();
    } finally {
      initiating = false;
    }
  }

  private void initiateLoop() {
    while (initiatingType == null && sa.state() != IkeSaState.DESTROYED) {
      if (active.isEmpty() && !activateNext()) {
        return;
      }
      ExchangeType type = active.get(0).exchange();
      OutMessage out = new OutMessage(type);
      boolean sending = false;
      for (Task t : List.copyOf(active)) {
        if (!t.exchange().equals(type)) {
          continue;
        }
        TaskStatus status;
        try {
          status = t.build(sa, out);
        } catch (IkeException e) {
          log.info("{}: {} failed to build: {}", sa, t.type(), e.toString());
          status = TaskStatus.FAILED;
        }
        switch (status) {
          case NEED_MORE -> sending = true;
          case DONE -> active.remove(t);
          case FAILED -> {
            active.remove(t);
            t.abort(sa);
            if (isConnectTask(t)) {
              sa.destroy(t.type() + " failed");
              return;
            }
          }
        }
      }
      if (sending) {
        sendRequest(out);
      }
    }
  }

  private boolean activateNext() {
    IkeSaState state = sa.state();
    if (queued.isEmpty()) {
      return false;
    }
    if (state == IkeSaState.CONNECTING || state == IkeSaState.CREATED) {
      for (Iterator<Task> it = queued.iterator(); it.hasNext(); ) {
        Task t = it.next();
        if (t.exchange().equals(ExchangeType.IKE_SA_INIT)
            || t.exchange().equals(ExchangeType.IKE_AUTH)) {
          active.add(t);
          it.remove();
        }
      }
    } else if (state.isUsable()) {
      Task delete = take(TaskType.IKE_DELETE);
      active.add(delete != null ? delete : queued.poll());
    } else if (state == IkeSaState.REKEYED) {
      Task delete = take(TaskType.IKE_DELETE);
      if (delete == null) {
        delete = take(TaskType.CHILD_DELETE);
      }
      if (delete != null) {
        active.add(delete);
      }
    }
    return !active.isEmpty();
  }

  private Task take(TaskType type) {
    for (Iterator<Task> it = queued.iterator(); it.hasNext(); ) {
      Task t = it.next();
      if (t.type() == type) {
        it.remove();
        return t;
      }
    }
    return null;
  }

  private static boolean isConnectTask(Task t) {
    return t.type() == TaskType.IKE_INIT || t.type() == TaskType.IKE_AUTH;
  }

  private void sendRequest(OutMessage out) {
    ExchangeType type = out.exchange();
    IkeHeader header = sa.header(type, false, initiatingMid);
    Message message = channel.wrap(header, out);
    List<byte[]> packets = channel.encode(message);
    if (type.equals(ExchangeType.IKE_SA_INIT)) {
      sa.keying().initMessages(packets.get(0), null);
    }
    sa.engine().observe(sa, true, message);
    initiatingType = type;
    channel.sendRequest(type, initiatingMid, packets);
  }

  /**
   * The initiator could not authenticate the responder: says so in one INFORMATIONAL request, sent
   * once and not retransmitted, so that the responder does not keep an SA the initiator dropped
   * (RFC 7296 section 2.21.2).
   */
  private void tellPeer(IkeProtocolError error) {
    OutMessage out = new OutMessage(ExchangeType.INFORMATIONAL);
    out.add(error.toNotifyPayload());
    Message message =
        channel.wrap(sa.header(ExchangeType.INFORMATIONAL, false, initiatingMid + 1), out);
    sa.engine().observe(sa, true, message);
    channel.transmit(channel.encode(message));
  }

  /**
   * How many give-up times (since the first send) a request is retransmitted at most while the peer
   * proves alive by other traffic: a peer whose ESP flows but whose IKE never answers is declared
   * dead then, so that the SA is set up again rather than kept without working IKE.
   */
  static final int ALIVE_GIVE_UP_FACTOR = 4;

  /**
   * Our request's retransmissions are exhausted ({@link MessageChannel.GiveUp}). An unanswered
   * exchange alone does not make the peer dead: any authenticated traffic from it (IKE, or ESP on
   * one of this SA's Child SAs) is proof of life (RFC 7296 section 2.4). The exchange cannot be
   * abandoned either, since the next request would need the next Message ID and the peer may still
   * wait for this one (section 2.3, a window of one). So, by the exchange:
   *
   * <ul>
   *   <li>IKE_SA_INIT: nothing can prove the peer alive (no keys yet); it is dead (counted as a
   *       handshake).
   *   <li>INFORMATIONAL Delete of the IKE SA, or any exchange while such a Delete waits behind it:
   *       the SA is destroyed as deleted, never a dead peer (section 1.4.1): the peer either
   *       deleted it when a copy arrived, and then has no SA to answer a retransmission with, or is
   *       gone.
   *   <li>any exchange of an IKE SA already replaced by a rekey (REKEYED, section 2.18): the SA is
   *       destroyed, never a dead peer; the peer's liveness is its successor's business.
   *   <li>every other exchange (IKE_AUTH, whose answer may be lost while the peer, which
   *       established the SA, already sends us requests in it; CREATE_CHILD_SA rekeys and Child
   *       SAs, Child SA Deletes, notifications, and our DPD check itself): while authenticated
   *       traffic from the peer arrived within the give-up time, the request keeps being
   *       retransmitted (at most every quarter of the give-up time), up to {@link
   *       #ALIVE_GIVE_UP_FACTOR} give-up times since its first send; without such traffic, or after
   *       that, the peer is dead (counted as a handshake for IKE_AUTH, as a DPD failure if the
   *       request was our DPD check, else as an unanswered exchange).
   * </ul>
   */
  private boolean unanswered(ExchangeType type, Duration elapsed, Duration limit) {
    String why = "no response to " + type + " after " + elapsed.toMillis() + " ms";
    IkeSaState state = sa.state();
    boolean handshake = state == IkeSaState.CREATED || state == IkeSaState.CONNECTING;
    if (handshake && type.equals(ExchangeType.IKE_SA_INIT)) {
      sa.peerDead(EngineStats.DeadPeerCause.HANDSHAKE, why);
      return false;
    }
    if (hasTask(TaskType.IKE_DELETE)) {
      log.info("{}: {}; the SA is being deleted: deleted", sa, why);
      sa.destroy("deleted (" + why + ")");
      return false;
    }
    if (state == IkeSaState.REKEYED) {
      log.info("{}: {} on an IKE SA already rekeyed: removed", sa, why);
      sa.destroy("rekeyed (" + why + ")");
      return false;
    }
    Duration idle = sa.idle();
    if (idle.compareTo(limit) < 0
        && elapsed.compareTo(limit.multipliedBy(ALIVE_GIVE_UP_FACTOR)) < 0) {
      log.debug(
          "{}: {}, but the peer sent traffic {} ms ago: retransmitting", sa, why, idle.toMillis());
      return true;
    }
    EngineStats.DeadPeerCause cause =
        handshake
            ? EngineStats.DeadPeerCause.HANDSHAKE
            : activeTask(TaskType.IKE_DPD).isPresent()
                ? EngineStats.DeadPeerCause.DPD
                : EngineStats.DeadPeerCause.EXCHANGE;
    sa.peerDead(cause, idle.compareTo(limit) < 0 ? why + " although its traffic arrives" : why);
    return false;
  }

  // ---------------------------------------------------------------- receiving

  /**
   * Handles a datagram for this SA (the engine has matched its SPIs). Never throws for bad input:
   * malformed, unauthenticated, stale and future messages are dropped and counted.
   */
  @Override
  public void receive(
      byte[] datagram, IkeHeader header, InetSocketAddress local, InetSocketAddress remote) {
    if (sa.state() == IkeSaState.DESTROYED) {
      return;
    }
    if (header.responseFlag()) {
      receiveResponse(datagram, header);
    } else {
      receiveRequest(datagram, header, local, remote);
    }
  }

  private void receiveResponse(byte[] datagram, IkeHeader header) {
    if (initiatingType == null || header.messageId() != initiatingMid) {
      sa.engine().stats().unexpectedMessageIds.incrementAndGet();
      log.debug("{}: response {} not expected (next {})", sa, header.messageId(), initiatingMid);
      return;
    }
    if (!header.exchangeType().equals(initiatingType)) {
      sa.engine().stats().malformed.incrementAndGet();
      return;
    }
    MessageChannel.Decoded decoded = channel.decodeResponse(datagram, header);
    if (decoded instanceof MessageChannel.Pending) {
      return;
    }
    if (decoded instanceof MessageChannel.Broken b) {
      sa.engine().stats().countDecodeError(b.error());
      log.debug("{}: bad response: {}", sa, b.error());
      return;
    }
    Message m = ((MessageChannel.Complete) decoded).message();
    Optional<IkeParseError> invalid = ExchangeRules.validate(m, false);
    if (invalid.isPresent()) {
      sa.engine().stats().malformed.incrementAndGet();
      log.info("{}: invalid {} response: {}", sa, initiatingType, invalid.get());
      return;
    }
    if (initiatingType.equals(ExchangeType.IKE_SA_INIT)) {
      sa.keying().initMessages(null, datagram);
    } else {
      sa.touch();
    }
    sa.engine().observe(sa, false, m);
    channel.stopRetransmitting();
    ExchangeType type = initiatingType;
    for (Task t : List.copyOf(active)) {
      if (!t.exchange().equals(type)) {
        continue;
      }
      TaskStatus status;
      try {
        status = t.process(sa, m);
      } catch (IkeException e) {
        logFailure(e, "{}: {} failed: {}", sa, t.type(), e.toString());
        status = TaskStatus.FAILED;
        if (t.type() == TaskType.IKE_AUTH && e.error().isPresent()) {
          tellPeer(e.error().get());
        }
      }
      if (sa.state() == IkeSaState.DESTROYED) {
        return;
      }
      switch (status) {
        case NEED_MORE -> {}
        case DONE -> active.remove(t);
        case FAILED -> {
          active.remove(t);
          t.abort(sa);
          if (isConnectTask(t)) {
            sa.destroy(t.type() + " failed");
            return;
          }
        }
      }
    }
    boolean initAgain =
        type.equals(ExchangeType.IKE_SA_INIT)
            && active.stream().anyMatch(t -> t.exchange().equals(ExchangeType.IKE_SA_INIT));
    if (!initAgain) {
      initiatingMid++; // an IKE_SA_INIT retried for COOKIE or INVALID_KE keeps Message ID 0
    }
    initiatingType = null;
    if (!initAgain) {
      sa.exchangeDone(type);
    }
    initiate();
  }

  private void receiveRequest(
      byte[] datagram, IkeHeader header, InetSocketAddress local, InetSocketAddress remote) {
    long mid = header.messageId();
    if (mid == respondingMid - 1 && channel.hasResponse()) {
      if (channel.authenticRetransmission(datagram, header)) {
        sa.engine().stats().retransmittedRequests.incrementAndGet();
        log.debug("{}: request {} retransmitted, resending response", sa, mid);
        channel.resendResponse();
      }
      return;
    }
    if (mid != respondingMid) {
      sa.engine().stats().unexpectedMessageIds.incrementAndGet();
      log.debug("{}: request {} dropped (expected {})", sa, mid, respondingMid);
      return;
    }
    MessageChannel.Decoded decoded = channel.decodeRequest(datagram, header);
    if (decoded instanceof MessageChannel.Pending) {
      return;
    }
    OutMessage out = new OutMessage(header.exchangeType());
    if (decoded instanceof MessageChannel.Broken b) {
      sa.engine().stats().countDecodeError(b.error());
      Optional<IkeProtocolError> reply = b.error().reply();
      if (reply.isEmpty() || header.exchangeType().equals(ExchangeType.IKE_SA_INIT)) {
        log.debug("{}: request dropped: {}", sa, b.error());
        return;
      }
      log.info("{}: bad request {}: {}", sa, mid, b.error());
      out.add(reply.get().toNotifyPayload());
      sendResponse(out, mid, false);
      return;
    }
    Message m = ((MessageChannel.Complete) decoded).message();
    Optional<IkeParseError> invalid = ExchangeRules.validate(m, true);
    if (invalid.isPresent()) {
      sa.engine().stats().malformed.incrementAndGet();
      log.info("{}: invalid {} request: {}", sa, header.exchangeType(), invalid.get());
      if (header.exchangeType().equals(ExchangeType.IKE_SA_INIT)) {
        sa.destroy("invalid IKE_SA_INIT request");
        return;
      }
      invalid.get().reply().ifPresent(r -> out.add(r.toNotifyPayload()));
      sendResponse(out, mid, false);
      return;
    }
    if (header.exchangeType().equals(ExchangeType.IKE_SA_INIT)) {
      sa.keying().initMessages(datagram, null);
    } else {
      sa.touch();
      sa.updatePath(local, remote);
    }
    sa.engine().observe(sa, false, m);
    respond(m);
    initiate();
  }

  private void respond(Message request) {
    ExchangeType exchange = request.header().exchangeType();
    long mid = request.header().messageId();
    OutMessage out = new OutMessage(exchange);
    boolean fatal = false;
    boolean zeroSpi = false;
    List<Task> involved = new ArrayList<>();
    try {
      if (passive.stream().noneMatch(t -> t.exchange().equals(exchange))) {
        passive.add(responderFor(request));
      }
      for (Task t : passive) {
        if (t.exchange().equals(exchange)) {
          involved.add(t);
        }
      }
      for (Task t : involved) {
        if (t.process(sa, request) == TaskStatus.FAILED) {
          throw IkeException.silent(t.type() + " failed");
        }
      }
      for (Task t : involved) {
        switch (t.build(sa, out)) {
          case DONE -> passive.remove(t);
          case NEED_MORE -> {}
          case FAILED -> throw IkeException.silent(t.type() + " failed");
        }
      }
    } catch (IkeException e) {
      logFailure(e, "{}: {} request {} refused: {}", sa, exchange, mid, e.toString());
      sa.engine().stats().errorsSent.incrementAndGet();
      out = new OutMessage(exchange);
      e.error().map(IkeProtocolError::toNotifyPayload).ifPresent(out::add);
      for (Task t : involved) {
        passive.remove(t);
        t.abort(sa);
      }
      fatal = exchange.equals(ExchangeType.IKE_SA_INIT) || exchange.equals(ExchangeType.IKE_AUTH);
      zeroSpi = exchange.equals(ExchangeType.IKE_SA_INIT);
    }
    sendResponse(out, mid, zeroSpi);
    if (fatal) {
      sa.destroy(exchange + " refused");
      return;
    }
    for (Task t : involved) {
      t.afterResponse(sa);
    }
  }

  /** Chooses the responder task for a CREATE_CHILD_SA or INFORMATIONAL request. */
  private Task responderFor(Message request) throws IkeException {
    ExchangeType exchange = request.header().exchangeType();
    if (exchange.equals(ExchangeType.CREATE_CHILD_SA)) {
      if (sa.state() != IkeSaState.ESTABLISHED && sa.state() != IkeSaState.REKEYING) {
        throw IkeException.notify(
            NotifyType.TEMPORARY_FAILURE, "CREATE_CHILD_SA on an SA in state " + sa.state());
      }
      if (sa.engine().isShuttingDown()) {
        // the SA is about to be deleted: section 2.25 answers TEMPORARY_FAILURE to a request to
        // create or rekey an SA that is being closed
        throw IkeException.notify(NotifyType.TEMPORARY_FAILURE, "shutting down");
      }
      Optional<SaPayload> saPayload = request.first(SaPayload.class);
      if (saPayload.isPresent()
          && saPayload.get().proposals().get(0).protocolId().equals(ProtocolId.IKE)) {
        return new IkeRekey(false);
      }
      if (request.notify(NotifyType.REKEY_SA).isPresent()) {
        return ChildRekey.responder();
      }
      return ChildCreate.responder();
    }
    if (exchange.equals(ExchangeType.INFORMATIONAL)) {
      List<DeletePayload> deletes = request.all(DeletePayload.class);
      if (deletes.stream().anyMatch(d -> d.protocolId().equals(ProtocolId.IKE))) {
        return new IkeDelete(false);
      }
      if (!deletes.isEmpty()) {
        return ChildDelete.responder();
      }
      return new Informational();
    }
    throw IkeException.notify(
        NotifyType.INVALID_SYNTAX, exchange + " request on an SA past that exchange");
  }

  /**
   * A failed or refused exchange at WARN when an operator must act (a refused proposal, a failed
   * authentication, unacceptable traffic selectors: the two configurations disagree), else INFO.
   */
  private static void logFailure(IkeException e, String format, Object... args) {
    String text = e.toString();
    boolean operator =
        e.error().map(err -> OPERATOR_ERRORS.contains(err.type().value())).orElse(false)
            || text.contains("NO_PROPOSAL_CHOSEN")
            || text.contains("AUTHENTICATION_FAILED")
            || text.contains("TS_UNACCEPTABLE");
    if (operator) {
      log.warn(format, args);
    } else {
      log.info(format, args);
    }
  }

  /** NO_PROPOSAL_CHOSEN, AUTHENTICATION_FAILED, TS_UNACCEPTABLE (RFC 7296 section 3.10.1). */
  private static final java.util.Set<Integer> OPERATOR_ERRORS = java.util.Set.of(14, 24, 38);

  private void sendResponse(OutMessage out, long mid, boolean zeroResponderSpi) {
    IkeHeader header =
        IkeHeader.of(
            sa.spiI(),
            zeroResponderSpi ? 0 : sa.spiR(),
            out.exchange(),
            sa.isOriginalInitiator(),
            true,
            mid);
    Message message = channel.wrap(header, out);
    List<byte[]> packets = channel.encode(message);
    if (out.exchange().equals(ExchangeType.IKE_SA_INIT)) {
      sa.keying().initMessages(null, packets.get(0));
    }
    sa.engine().observe(sa, true, message);
    respondingMid = mid + 1;
    channel.sendResponse(packets);
  }
}
