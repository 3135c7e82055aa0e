package org.meshsec.ike.sa;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.config.StartAction;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.DecodeResult;
import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.IkeHeader;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.message.NotifyPayload;
import org.meshsec.ike.message.NotifyType;
import org.meshsec.ike.message.Payload;
import org.meshsec.ike.port.ExpireKind;
import org.meshsec.ike.port.IkeNetwork;
import org.meshsec.ike.port.IpsecPort;
import org.meshsec.ike.port.Scheduler;
import org.meshsec.ike.port.SerialExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IKEv2 engine of one node (RFC 7296): holds the IKE SAs, dispatches received datagrams to
 * them, creates responder SAs for IKE_SA_INIT requests (half-open limit, COOKIEs above a threshold,
 * section 2.6), starts and stops SAs on command or data-plane events, and resolves duplicate SAs
 * between the same peers.
 *
 * <h2>Receive path</h2>
 *
 * <pre>
 *  receive(datagram, local, remote)            any thread (core's socket)
 *    IkeHeader.decode                          malformed -&gt; dropped, counted
 *    IKE_SA_INIT request, SPIr 0:  known (remote, SPIi) -&gt; that half-open SA (retransmission)
 *                                  else half-open limit, COOKIE check, peer configs by address
 *                                  -&gt; new responder IkeSa
 *    otherwise: our SPI (SPIr if the I flag is set, else SPIi) -&gt; IkeSa, unknown -&gt; dropped
 *    -&gt; IkeSa executor: SPI check, TaskManager.receive
 * </pre>
 *
 * <h2>Duplicates</h2>
 *
 * Mesh nodes start at the same time, so two peers often initiate to each other at once. When an IKE
 * SA becomes ESTABLISHED and another independent one with the same peer configuration is
 * ESTABLISHED too, the one holding the lower of its two nonces is redundant (the rule RFC 7296
 * section 2.8.2 uses for rekey collisions, applied to simultaneous initiation) and its original
 * initiator deletes it, Child SAs included; both nodes compute the same answer, so exactly one IKE
 * SA and one Child SA pair per policy remain. Two Child SAs of one configuration on one IKE SA
 * (simultaneous acquires) are resolved the same way. Senders of IKE_AUTH add INITIAL_CONTACT only
 * when they hold no other SA with the peer; receivers then drop the older SAs with that peer
 * (section 2.4, a rebooted peer).
 *
 * <h2>Threads</h2>
 *
 * Thread-safe. Every IKE SA runs on its own {@link SerialExecutor} over the {@link Scheduler}'s
 * pool; the engine's maps are concurrent; the check-then-create of an initiator SA for a peer is
 * synchronized on the engine. With the test-jar's virtual-time {@code ManualScheduler} everything
 * runs on the test's thread in virtual time.
 */
public final class IkeEngine {
  private static final Logger log = LoggerFactory.getLogger(IkeEngine.class);

  /** The COOKIE value: 4-byte secret version and SHA-256 (RFC 7296 section 2.6). */
  private static final int COOKIE_LENGTH = 36;

  private final EngineSettings settings;
  private final List<PeerConfig> peers;
  private final IkeNetwork network;
  private final IpsecPort ipsec;
  private final Scheduler scheduler;
  private final SecureRandom random;
  private final InetAddress defaultLocal;
  private final MessageObserver observer;
  private final IkeListener listener;
  private final EngineStats stats = new EngineStats();
  private final TaskFactory taskFactory = TaskFactory.load();

  private final Map<Long, IkeSa> bySpi = new ConcurrentHashMap<>();
  private final Map<HalfOpenKey, IkeSa> halfOpen = new ConcurrentHashMap<>();
  private final Map<Integer, IkeSa> childOwners = new ConcurrentHashMap<>();
  private final AtomicInteger halfOpenCount = new AtomicInteger();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong events = new AtomicLong();
  private final byte[] fakeNatSource = new byte[4];
  private final byte[] cookieSecret = new byte[32];
  private final int cookieVersion;
  private final Map<Integer, Instant> invalidSpiSent = new ConcurrentHashMap<>();

  private record HalfOpenKey(InetAddress remote, long spiI) {}

  private IkeEngine(Builder b) {
    this.settings = b.settings;
    this.peers = List.copyOf(b.peers);
    this.network = Objects.requireNonNull(b.network, "network");
    this.ipsec = Objects.requireNonNull(b.ipsec, "ipsec");
    this.scheduler = Objects.requireNonNull(b.scheduler, "scheduler");
    this.random = Objects.requireNonNull(b.random, "random");
    this.defaultLocal = b.localAddress;
    this.observer = b.observer;
    this.listener = b.listener;
    random.nextBytes(fakeNatSource);
    random.nextBytes(cookieSecret);
    this.cookieVersion = random.nextInt();
    if (peers.stream().map(PeerConfig::name).distinct().count() != peers.size()) {
      throw new IllegalArgumentException("two peers with one name");
    }
  }

  /** A builder; network, IPsec port, scheduler and random are required. */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- public API

  /** Brings up every Child SA configured with {@link StartAction#START}. */
  public void start() {
    for (PeerConfig p : peers) {
      List<ChildConfig> start =
          p.children().stream().filter(c -> c.startAction() == StartAction.START).toList();
      if (!start.isEmpty() && p.remoteAddress() != null) {
        connectOrAdd(p, start, p.remoteAddress());
      }
    }
  }

  /**
   * Handles one received IKE datagram (without the non-ESP marker). Never throws: bad input is
   * dropped and counted in {@link #stats()}.
   *
   * @param local our address and port it arrived on
   * @param remote the sender's address and port
   */
  public void receive(byte[] datagram, InetSocketAddress local, InetSocketAddress remote) {
    try {
      dispatch(datagram, local, remote);
    } catch (RuntimeException e) {
      stats.internalErrors.incrementAndGet();
      log.warn("internal error on a received datagram", e);
    }
  }

  /**
   * Initiates an IKE SA with {@code peerName} and all its Child SAs, or adds the missing Child SAs
   * to the IKE SA that exists.
   *
   * @return false if no such peer (or it has no remote address or no child)
   */
  public boolean initiate(String peerName) {
    PeerConfig p = peer(peerName).orElse(null);
    if (p == null || p.remoteAddress() == null || p.children().isEmpty()) {
      return false;
    }
    connectOrAdd(p, p.children(), p.remoteAddress());
    return true;
  }

  /**
   * Deletes the IKE SAs with {@code peerName} (and their Child SAs).
   *
   * @return whether there was any
   */
  public boolean terminate(String peerName) {
    boolean any = false;
    for (IkeSa sa : sasOf(peerName)) {
      sa.execute(sa::terminate);
      any = true;
    }
    return any;
  }

  /**
   * Rekeys the established IKE SA(s) with {@code peerName} (section 2.18).
   *
   * @return whether there was any
   */
  public boolean rekey(String peerName) {
    boolean any = false;
    for (IkeSa sa : sasOf(peerName)) {
      if (sa.state().isUsable()) {
        sa.execute(sa::rekey);
        any = true;
      }
    }
    return any;
  }

  /**
   * Rekeys the Child SA(s) named {@code childName} with {@code peerName} (section 1.3.3).
   *
   * @return whether an IKE SA with the peer exists
   */
  public boolean rekeyChild(String peerName, String childName) {
    boolean any = false;
    for (IkeSa sa : sasOf(peerName)) {
      any = true;
      sa.execute(
          () -> {
            for (ChildSa c : sa.children()) {
              if (c.name().equals(childName)) {
                sa.rekeyChild(c);
              }
            }
          });
    }
    return any;
  }

  /** Snapshots of all IKE SAs, by id. */
  public List<IkeSaInfo> list() {
    return bySpi.values().stream()
        .distinct()
        .map(IkeSa::info)
        .sorted(Comparator.comparingLong(IkeSaInfo::id))
        .toList();
  }

  /**
   * The data plane has a packet for {@code policyRef} and {@code peer} but no SA (SADB_ACQUIRE):
   * creates the Child SA on an existing IKE SA with the peer, or initiates one.
   */
  public void acquire(long policyRef, InetAddress peer) {
    for (PeerConfig p : peers) {
      Optional<ChildConfig> c = p.childForPolicy(policyRef);
      if (c.isPresent() && (p.remoteAddress() == null || p.remoteAddress().equals(peer))) {
        connectOrAdd(p, List.of(c.get()), p.remoteAddress() != null ? p.remoteAddress() : peer);
        return;
      }
    }
    log.info("acquire for policy {} to {}: no peer configuration", policyRef, peer);
  }

  /**
   * An SA reached a lifetime (SADB_EXPIRE): SOFT rekeys the pair with inbound SPI {@code spi}, HARD
   * deletes it (the data plane already removed it).
   */
  public void expire(int spi, ExpireKind kind) {
    IkeSa owner = childOwners.get(spi);
    if (owner == null) {
      return;
    }
    owner.execute(
        () ->
            owner
                .childByInbound(spi)
                .ifPresent(
                    c -> {
                      if (kind == ExpireKind.SOFT) {
                        owner.rekeyChild(c);
                      } else {
                        owner.deleteChild(c);
                      }
                    }));
  }

  /**
   * ESP arrived for an SPI the data plane does not know: if an IKE SA with the sender exists, it
   * tells the peer with an INVALID_SPI notification (RFC 7296 section 2.21.4), at most once per SPI
   * and minute.
   */
  public void unknownSpi(int spi, InetSocketAddress from) {
    stats.unknownEspSpi.incrementAndGet();
    Instant now = scheduler.now();
    Instant last = invalidSpiSent.get(spi);
    if (last != null && last.plusSeconds(60).isAfter(now)) {
      return;
    }
    for (IkeSa sa : bySpi.values()) {
      if (sa.state() == IkeSaState.ESTABLISHED
          && sa.info().remote().getAddress().equals(from.getAddress())) {
        invalidSpiSent.put(spi, now);
        byte[] s = ByteBuffer.allocate(4).putInt(spi).array();
        sa.execute(() -> sa.tasks().inform(NotifyPayload.of(NotifyType.INVALID_SPI, Bytes.of(s))));
        return;
      }
    }
  }

  /** Counters. */
  public EngineStats stats() {
    return stats;
  }

  /** The peer configurations. */
  public List<PeerConfig> peers() {
    return peers;
  }

  // ---------------------------------------------------------------- dispatch

  private void dispatch(byte[] datagram, InetSocketAddress local, InetSocketAddress remote) {
    DecodeResult<IkeHeader> decoded = IkeHeader.decode(datagram);
    if (!(decoded instanceof DecodeResult.Ok<IkeHeader> ok)) {
      stats.malformed.incrementAndGet();
      return;
    }
    IkeHeader h = ok.value();
    if (h.majorVersion() != 2 || datagram.length > Message.MAX_MESSAGE_LENGTH) {
      stats.malformed.incrementAndGet();
      return;
    }
    if (h.exchangeType().equals(ExchangeType.IKE_SA_INIT) && h.isRequest()) {
      if (h.responderSpi() != 0 || h.messageId() != 0 || !h.initiatorFlag()) {
        stats.malformed.incrementAndGet();
        return;
      }
      IkeSa known = halfOpen.get(new HalfOpenKey(remote.getAddress(), h.initiatorSpi()));
      if (known != null) {
        known.execute(() -> known.receive(datagram, h, local, remote));
      } else {
        newResponder(datagram, h, local, remote);
      }
      return;
    }
    long ours = h.initiatorFlag() ? h.responderSpi() : h.initiatorSpi();
    IkeSa sa = bySpi.get(ours);
    if (sa == null) {
      stats.unknownSpi.incrementAndGet();
      log.debug("message for unknown IKE SA {}", Long.toHexString(ours));
      return;
    }
    sa.execute(() -> sa.receive(datagram, h, local, remote));
  }

  private void newResponder(
      byte[] datagram, IkeHeader h, InetSocketAddress local, InetSocketAddress remote) {
    DecodeResult<Message> decoded = Message.decode(datagram);
    if (!(decoded instanceof DecodeResult.Ok<Message> ok)) {
      stats.malformed.incrementAndGet();
      return;
    }
    Message m = ok.value();
    List<PeerConfig> candidates = peersFor(local.getAddress(), remote.getAddress());
    if (candidates.isEmpty()) {
      stats.noConfig.incrementAndGet();
      log.info("IKE_SA_INIT from {}: no peer configuration", remote);
      statelessReply(h, NotifyPayload.of(NotifyType.NO_PROPOSAL_CHOSEN), local, remote);
      return;
    }
    IkeSa sa;
    synchronized (this) {
      int open = halfOpenCount.get();
      if (open >= settings.halfOpenLimit()) {
        stats.halfOpenDropped.incrementAndGet();
        return;
      }
      if (open >= settings.cookieThreshold() && !validCookie(m, remote)) {
        stats.cookiesSent.incrementAndGet();
        statelessReply(
            h,
            NotifyPayload.of(NotifyType.COOKIE, cookie(m, remote, cookieVersion)),
            local,
            remote);
        return;
      }
      sa =
          new IkeSa(
              this,
              ids.incrementAndGet(),
              newExecutor(),
              new IkeKeying(false, h.initiatorSpi(), newSpi(), random),
              candidates.get(0),
              candidates,
              local,
              remote,
              null);
      bySpi.put(sa.localSpi(), sa);
      halfOpen.put(new HalfOpenKey(remote.getAddress(), h.initiatorSpi()), sa);
      halfOpenCount.incrementAndGet();
    }
    IkeSa created = sa;
    created.execute(
        () -> {
          created.acceptAsResponder();
          created.receive(datagram, h, local, remote);
        });
  }

  private void statelessReply(
      IkeHeader request, Payload payload, InetSocketAddress local, InetSocketAddress remote) {
    IkeHeader h = IkeHeader.of(request.initiatorSpi(), 0, ExchangeType.IKE_SA_INIT, false, true, 0);
    Message reply = Message.of(h, payload);
    if (observer != null) {
      observer.onMessage(0, true, reply);
    }
    network.send(reply.encode(), local, remote);
  }

  /** COOKIE = version | SHA-256(Ni | IPi | SPIi | secret) (RFC 7296 section 2.6). */
  private Bytes cookie(Message m, InetSocketAddress remote, int version) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      m.first(org.meshsec.ike.message.NoncePayload.class)
          .ifPresent(n -> sha.update(n.nonce().toByteArray()));
      sha.update(remote.getAddress().getAddress());
      sha.update(Bytes.bigEndian64(m.header().initiatorSpi()));
      sha.update(cookieSecret);
      return Bytes.of(Bytes.concat(ByteBuffer.allocate(4).putInt(version).array(), sha.digest()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private boolean validCookie(Message m, InetSocketAddress remote) {
    List<Payload> payloads = m.payloads();
    if (payloads.isEmpty()
        || !(payloads.get(0) instanceof NotifyPayload n)
        || !n.notifyType().equals(NotifyType.COOKIE)
        || n.data().length() != COOKIE_LENGTH) {
      return false;
    }
    return MessageDigest.isEqual(
        n.data().toByteArray(), cookie(m, remote, cookieVersion).toByteArray());
  }

  private List<PeerConfig> peersFor(InetAddress local, InetAddress remote) {
    List<PeerConfig> exact = new ArrayList<>();
    List<PeerConfig> any = new ArrayList<>();
    for (PeerConfig p : peers) {
      InetAddress ourAddress = p.localAddress() != null ? p.localAddress() : defaultLocal;
      if (ourAddress != null && !ourAddress.equals(local)) {
        continue;
      }
      if (remote.equals(p.remoteAddress())) {
        exact.add(p);
      } else if (p.remoteAddress() == null) {
        any.add(p);
      }
    }
    exact.addAll(any);
    return exact;
  }

  private Optional<PeerConfig> peer(String name) {
    return peers.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  private List<IkeSa> sasOf(String peerName) {
    return bySpi.values().stream()
        .distinct()
        .filter(sa -> sa.config() != null && sa.config().name().equals(peerName))
        .filter(sa -> sa.state() != IkeSaState.DESTROYED)
        .toList();
  }

  // ---------------------------------------------------------------- initiating

  private synchronized void connectOrAdd(
      PeerConfig p, List<ChildConfig> wanted, InetAddress remoteAddress) {
    IkeSa existing = null;
    for (IkeSa sa : sasOf(p.name())) {
      IkeSaState s = sa.state();
      if (s == IkeSaState.ESTABLISHED || s == IkeSaState.REKEYING) {
        existing = sa;
        break;
      }
      if (s == IkeSaState.CONNECTING || s == IkeSaState.CREATED) {
        existing = sa;
      }
    }
    if (existing != null) {
      IkeSa target = existing;
      target.execute(
          () -> {
            for (ChildConfig c : wanted) {
              target.requestChild(c);
            }
          });
      return;
    }
    InetAddress localAddress = p.localAddress() != null ? p.localAddress() : defaultLocal;
    if (localAddress == null) {
      throw new IllegalStateException("peer " + p.name() + " has no local address to send from");
    }
    IkeSa sa =
        new IkeSa(
            this,
            ids.incrementAndGet(),
            newExecutor(),
            new IkeKeying(true, newSpi(), 0, random),
            p,
            List.of(p),
            new InetSocketAddress(localAddress, settings.ikePort()),
            new InetSocketAddress(remoteAddress, p.remotePort()),
            null);
    bySpi.put(sa.localSpi(), sa);
    log.info("initiating IKE SA {} with {} ({})", sa.id(), p.name(), remoteAddress);
    sa.execute(() -> sa.connect(wanted));
  }

  /** Re-initiates after a DPD restart. */
  void restart(PeerConfig p, List<ChildConfig> had) {
    List<ChildConfig> wanted =
        had.isEmpty()
            ? p.children().stream().filter(c -> c.startAction() == StartAction.START).toList()
            : had;
    if (!wanted.isEmpty() && p.remoteAddress() != null) {
      log.info("restarting {} after a dead peer", p.name());
      connectOrAdd(p, wanted, p.remoteAddress());
    }
  }

  private SerialExecutor newExecutor() {
    return new SerialExecutor(
        scheduler,
        (t, e) -> {
          stats.internalErrors.incrementAndGet();
          log.error("internal error in an IKE SA task", e);
        });
  }

  // ---------------------------------------------------------------- engine-internal services

  /** Engine-internal. Node settings. */
  public EngineSettings settings() {
    return settings;
  }

  /** Engine-internal. The randomness source (keys, nonces, SPIs, IVs, jitter). */
  public SecureRandom random() {
    return random;
  }

  /** Engine-internal. {@code n} random bytes. */
  public Bytes randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return Bytes.of(b);
  }

  /** Engine-internal. Time and timers. */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** Engine-internal. The data plane. */
  public IpsecPort ipsec() {
    return ipsec;
  }

  /** Engine-internal. The socket. */
  public IkeNetwork network() {
    return network;
  }

  /** Engine-internal. The random IPv4 address whose hash fakes NAT detection (encap). */
  public byte[] fakeNatSource() {
    return fakeNatSource.clone();
  }

  /** Engine-internal. Makes the task manager of each IKE SA. */
  TaskFactory taskFactory() {
    return taskFactory;
  }

  /** Engine-internal. The lifecycle listener ({@link IkeListener#NONE} if none was set). */
  IkeListener listener() {
    return listener;
  }

  /** Engine-internal. Reports a message to the observer, if any. */
  public void observe(IkeSa sa, boolean outbound, Message m) {
    if (observer != null) {
      observer.onMessage(sa.id(), outbound, m);
    }
  }

  /** Engine-internal. A fresh IKE SPI of ours, unique among live SAs. */
  public long newSpi() {
    while (true) {
      long spi = random.nextLong();
      if (spi != 0 && !bySpi.containsKey(spi)) {
        return spi;
      }
    }
  }

  /**
   * Engine-internal. Whether {@code sa} is the only SA with its peer, so that its IKE_AUTH request
   * may carry INITIAL_CONTACT (section 2.4).
   */
  public boolean isFirstContact(IkeSa sa) {
    InetAddress remote = sa.remote().getAddress();
    for (IkeSa other : bySpi.values()) {
      if (other == sa || other.state() == IkeSaState.DESTROYED) {
        continue;
      }
      IkeSaInfo info = other.info();
      boolean samePeer =
          (other.config() != null && other.config().name().equals(sa.config().name()))
              || info.remote().getAddress().equals(remote);
      if (samePeer) {
        return false;
      }
    }
    return true;
  }

  /**
   * Engine-internal. {@code sa} was authenticated with INITIAL_CONTACT: the peer has no other state
   * with us, so every older SA with that peer is removed without a Delete (section 2.4).
   */
  public void initialContact(IkeSa sa) {
    for (IkeSa other : sasOf(sa.config().name())) {
      if (other == sa || other.executor() == sa.executor()) {
        continue;
      }
      if (other.establishedBeforeCreationOf(sa)) {
        log.info("INITIAL_CONTACT from {}: removing old IKE SA {}", sa.config().name(), other.id());
        other.execute(() -> other.destroy("peer sent INITIAL_CONTACT"));
      }
    }
  }

  /**
   * Engine-internal. A new IKE SA created by rekeying {@code old} (section 2.18) with the keying
   * context the rekey negotiated, established.
   */
  public IkeSa createRekeyed(IkeSa old, IkeKeying keying) {
    IkeSa sa =
        new IkeSa(
            this,
            ids.incrementAndGet(),
            old.executor(),
            keying,
            old.config(),
            List.of(old.config()),
            old.local(),
            old.remote(),
            old);
    bySpi.put(sa.localSpi(), sa);
    sa.setState(IkeSaState.CONNECTING);
    sa.establish();
    return sa;
  }

  /** Engine-internal. The live SAs that rekeyed {@code sa}. */
  public List<IkeSa> successorsOf(IkeSa sa) {
    return bySpi.values().stream()
        .distinct()
        .filter(s -> s.predecessor() == sa && s.state() != IkeSaState.DESTROYED)
        .toList();
  }

  /**
   * Engine-internal. Where the Child SAs of a dying SA go: the surviving SA that rekeyed it, or the
   * surviving sibling of a rekey collision; none for an independent SA.
   */
  public Optional<IkeSa> heirOf(IkeSa sa) {
    List<IkeSa> candidates = new ArrayList<>(successorsOf(sa));
    if (candidates.isEmpty() && sa.predecessor() != null) {
      candidates.addAll(successorsOf(sa.predecessor()));
      candidates.remove(sa);
    }
    return candidates.stream()
        .filter(s -> s.state().isUsable())
        .max((a, b) -> Bytes.compareNonces(a.lowestNonce(), b.lowestNonce()));
  }

  /**
   * Engine-internal. {@code sa} became ESTABLISHED: if another independent ESTABLISHED SA with the
   * same peer exists, the one with the lower nonce is deleted by its original initiator.
   */
  void checkDuplicates(IkeSa sa) {
    if (sa.state() != IkeSaState.ESTABLISHED || sa.config() == null) {
      return;
    }
    for (IkeSa other : sasOf(sa.config().name())) {
      if (other == sa || other.state() != IkeSaState.ESTABLISHED || related(sa, other)) {
        continue;
      }
      IkeSa loser = Bytes.compareNonces(sa.lowestNonce(), other.lowestNonce()) < 0 ? sa : other;
      log.info(
          "duplicate IKE SAs {} and {} with {}: {} is redundant",
          sa.id(),
          other.id(),
          sa.config().name(),
          loser.id());
      if (loser.isOriginalInitiator()) {
        stats.duplicatesDeleted.incrementAndGet();
        loser.execute(loser::terminate);
      }
    }
  }

  private static boolean related(IkeSa a, IkeSa b) {
    return a.predecessor() == b
        || b.predecessor() == a
        || (a.predecessor() != null && a.predecessor() == b.predecessor());
  }

  /**
   * Engine-internal. {@code child} was installed: another independent active pair of the same
   * configuration on the SA is a duplicate; the one created with the lower nonce is deleted by the
   * side that created it.
   */
  void checkDuplicateChild(IkeSa sa, ChildSa child) {
    if (child.state() != ChildSaState.INSTALLED) {
      return;
    }
    for (ChildSa other : sa.children()) {
      if (other == child
          || !other.name().equals(child.name())
          || other.state() != ChildSaState.INSTALLED
          || other.rekeyOf() == child
          || child.rekeyOf() == other
          || (child.rekeyOf() != null && child.rekeyOf() == other.rekeyOf())) {
        continue;
      }
      ChildSa loser =
          Bytes.compareNonces(child.lowestNonce(), other.lowestNonce()) < 0 ? child : other;
      log.info("duplicate Child SAs {} and {}: {} is redundant", child, other, loser);
      if (loser.weInitiated()) {
        stats.duplicatesDeleted.incrementAndGet();
        sa.deleteChild(loser);
      }
      return;
    }
  }

  /** Engine-internal. A child timer fired; runs on the child's current owner. */
  void childTimer(int spi, boolean hard) {
    IkeSa owner = childOwners.get(spi);
    if (owner != null) {
      owner.execute(() -> owner.childByInbound(spi).ifPresent(c -> owner.childTimer(c, hard)));
    }
  }

  /** Engine-internal. The IKE SA that currently owns {@code child}. */
  public Optional<IkeSa> ownerOf(ChildSa child) {
    return Optional.ofNullable(childOwners.get(child.inboundSpi()));
  }

  void registerChild(int spi, IkeSa owner) {
    childOwners.put(spi, owner);
  }

  void unregisterChild(int spi, IkeSa owner) {
    childOwners.remove(spi, owner);
  }

  void unregister(IkeSa sa) {
    bySpi.remove(sa.localSpi(), sa);
    halfOpen.values().remove(sa);
  }

  long nextEvent() {
    return events.incrementAndGet();
  }

  void halfOpenDone() {
    halfOpenCount.decrementAndGet();
  }

  /** Half-open responder SAs right now. */
  public int halfOpenCount() {
    return halfOpenCount.get();
  }

  // ---------------------------------------------------------------- builder

  /** Builder for {@link IkeEngine}. Not thread-safe. */
  public static final class Builder {
    private EngineSettings settings = EngineSettings.DEFAULT;
    private final List<PeerConfig> peers = new ArrayList<>();
    private IkeNetwork network;
    private IpsecPort ipsec;
    private Scheduler scheduler;
    private SecureRandom random;
    private InetAddress localAddress;
    private MessageObserver observer;
    private IkeListener listener = IkeListener.NONE;

    private Builder() {}

    public Builder settings(EngineSettings s) {
      this.settings = Objects.requireNonNull(s, "settings");
      return this;
    }

    public Builder peer(PeerConfig p) {
      peers.add(Objects.requireNonNull(p, "peer"));
      return this;
    }

    public Builder peers(List<PeerConfig> list) {
      peers.addAll(list);
      return this;
    }

    public Builder network(IkeNetwork n) {
      this.network = n;
      return this;
    }

    public Builder ipsec(IpsecPort p) {
      this.ipsec = p;
      return this;
    }

    public Builder scheduler(Scheduler s) {
      this.scheduler = s;
      return this;
    }

    public Builder random(SecureRandom r) {
      this.random = r;
      return this;
    }

    /** Our address for peers whose configuration names none. */
    public Builder localAddress(InetAddress a) {
      this.localAddress = a;
      return this;
    }

    /** Sees every message sent and accepted (tests, debugging). */
    public Builder observer(MessageObserver o) {
      this.observer = o;
      return this;
    }

    /** Hears IKE SA lifecycle events (the daemon's commands wait on them). */
    public Builder listener(IkeListener l) {
      this.listener = Objects.requireNonNull(l, "listener");
      return this;
    }

    public IkeEngine build() {
      return new IkeEngine(this);
    }
  }
}
