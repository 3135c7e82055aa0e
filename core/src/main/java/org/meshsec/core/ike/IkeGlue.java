package org.meshsec.core.ike;

import io.netty.channel.IoEventLoopGroup;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.meshsec.core.config.NodeConfig;
import org.meshsec.core.config.ReloadPlan;
import org.meshsec.core.datapath.UdpTransport;
import org.meshsec.core.sad.Sad;
import org.meshsec.core.spd.Spd;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.StartAction;
import org.meshsec.ike.port.ExecutorScheduler;
import org.meshsec.ike.sa.IkeEngine;
import org.meshsec.ike.sa.IkeSaSnapshot;
import org.meshsec.ike.sa.IkeSaState;
import org.meshsec.ike.task.Ikev2TaskFactory;
import org.meshsec.ike.v1.sa.Ikev1Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds, starts and stops the daemon's IKE parts (see the package description): the {@link
 * IkeEngine} on its own pool, wired to the SAD through {@link SadIpsecPort}, to the sockets through
 * {@link IkeUdpNetwork}, and fed by {@link SadEventRouter}. The daemon registers {@link #router()}
 * as the SAD's listener and DataPath's IKE and unknown-SPI hooks, and gives {@link #service()} to
 * its control commands.
 *
 * <p>Thread-safe; {@link #start} and {@link #close} are called once each, by the daemon, and {@link
 * #apply} by the daemon's (serialised) reload.
 */
public final class IkeGlue implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IkeGlue.class);

  private volatile NodeConfig config;
  private final ScheduledThreadPoolExecutor pool;
  private final PeerConfigs peers;
  private final IkeEngine engine;
  private final IkeUdpNetwork network;
  private final SadEventRouter router;
  private final IkeService service;

  private IkeGlue(NodeConfig config, Spd spd, Sad sad, UdpTransport natt) {
    this.config = config;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ScheduledThreadPoolExecutor(
            2,
            r -> {
              Thread t = new Thread(r, "meshsec-ike-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.setRemoveOnCancelPolicy(true);
    this.peers = PeerConfigs.translate(config, spd);
    IkeListeners listeners = new IkeListeners();
    SadIpsecPort port = new SadIpsecPort(sad, peers);
    this.network = new IkeUdpNetwork(config, natt);
    EngineSettings d = EngineSettings.DEFAULT;
    this.engine =
        IkeEngine.builder()
            .tasks(new Ikev2TaskFactory())
            .protocol(new Ikev1Protocol())
            .settings(
                new EngineSettings(
                        config.listen().ikePort(),
                        config.listen().port(),
                        d.halfOpenLimit(),
                        d.cookieThreshold(),
                        d.halfOpenTimeout(),
                        d.retransmit(),
                        d.maxMessageLength(),
                        d.fragmentation(),
                        d.nonceLength())
                    .withHalfOpenPerSource(config.listen().halfOpenPerSource()))
            .peers(peers.peers())
            .network(network)
            .ipsec(port)
            .scheduler(new ExecutorScheduler(pool, Clock.systemUTC()))
            .random(new SecureRandom())
            .listener(listeners)
            .build();
    this.router = new SadEventRouter(engine, pool, peers);
    this.service = new IkeService(config, engine, port, listeners);
    listeners.add(
        new org.meshsec.ike.sa.IkeListener() {
          @Override
          public void ikeSaChanged(org.meshsec.ike.sa.IkeSaInfo info) {
            if (info.state() != IkeSaState.CONNECTING && peers.hasRetired()) {
              wipeRetiredKeys();
            }
          }

          @Override
          public void ikeSaDestroyed(org.meshsec.ike.sa.IkeSaInfo last, String reason) {
            if (peers.hasRetired()) {
              wipeRetiredKeys();
            }
          }
        });
  }

  /**
   * Wipes the pre-shared keys a reload replaced once no IKE SA is still negotiating (CREATED or
   * CONNECTING: an IKE_AUTH under the old configuration needs its key; a responder SA may have been
   * made with the old candidates). Established SAs never use their key again. Runs after each
   * reload and whenever an SA is established or destroyed while replaced keys are left.
   */
  private void wipeRetiredKeys() {
    boolean negotiating =
        engine.list().stream()
            .anyMatch(
                sa -> sa.state() == IkeSaState.CREATED || sa.state() == IkeSaState.CONNECTING);
    if (!negotiating) {
      peers.wipeRetired();
      log.debug("pre-shared keys replaced by a reload wiped");
    }
  }

  /**
   * Builds the engine for {@code config}'s peers and binds the IKE port. Nothing is initiated until
   * {@link #start()}.
   *
   * @param spd the SPD holding the configuration's policies (their ids are the Child SAs'
   *     policyRefs)
   * @param sad where negotiated SAs go
   * @param natt the daemon's ESP-in-UDP socket, shared for IKE on the NAT-T port
   * @throws IOException when the IKE port cannot be bound
   */
  public static IkeGlue create(
      NodeConfig config, Spd spd, Sad sad, UdpTransport natt, IoEventLoopGroup group)
      throws IOException {
    IkeGlue g = new IkeGlue(config, spd, sad, natt);
    try {
      g.network.open(group, g.engine);
    } catch (IOException | RuntimeException e) {
      g.close();
      throw e;
    }
    return g;
  }

  /** Initiates the peers whose start_action is "start". */
  public void start() {
    engine.start();
    log.info(
        "IKE up: {} peer(s), IKE port {}, NAT-T port {}",
        config.peers().size(),
        config.listen().ikePort(),
        config.listen().port());
  }

  /** How long a renegotiated peer's old IKE SAs may take to go before it is initiated again. */
  static final java.time.Duration RENEGOTIATE_WAIT = java.time.Duration.ofSeconds(5);

  /**
   * Applies a reload to IKE: {@code next}'s peers replace the engine's (translated against {@code
   * spd}, which already holds {@code next}'s policies), then each step of the plan acts on its
   * peer's SAs. Peers without a step keep their IKE SA and Child SAs untouched (their policies kept
   * their SPD ids, so their Child SAs' policy references stay valid).
   *
   * <pre>
   *   ADD          initiated now if its start action is "start", else on traffic (trap)
   *   REMOVE       its IKE SAs deleted with an INFORMATIONAL Delete (RFC 7296 section 1.4.1)
   *   RENEGOTIATE  deleted as REMOVE; once gone, initiated again as ADD
   *   EXTEND       the new Child SAs created on the existing IKE SA as ADD (section 1.3)
   *   CREDENTIALS  nothing: new negotiations use the new key or certificate
   * </pre>
   *
   * @return one line per step, for the reload's messages
   */
  public List<String> apply(
      NodeConfig next, org.meshsec.core.spd.Spd spd, List<ReloadPlan.PeerStep> steps) {
    peers.replaceWith(PeerConfigs.translate(next, spd));
    engine.replacePeers(peers.peers());
    network.update(next);
    service.update(next);
    config = next;
    List<String> out = new ArrayList<>();
    for (ReloadPlan.PeerStep step : steps) {
      String name = step.peer();
      boolean start = next.peer(name).map(p -> p.startAction() == StartAction.START).orElse(false);
      switch (step.action()) {
        case ADD, EXTEND -> {
          if (start) {
            engine.initiate(name);
          }
        }
        case REMOVE -> engine.terminate(name);
        case RENEGOTIATE -> {
          engine.terminate(name);
          if (start) {
            initiateWhenGone(name, System.nanoTime() + RENEGOTIATE_WAIT.toNanos());
          }
        }
        case CREDENTIALS -> {}
      }
      out.add(
          "peer "
              + name
              + ": "
              + step.action().name().toLowerCase(java.util.Locale.ROOT)
              + (start
                      && step.action() != ReloadPlan.PeerAction.REMOVE
                      && step.action() != ReloadPlan.PeerAction.CREDENTIALS
                  ? " (initiating)"
                  : ""));
    }
    for (String line : out) {
      log.info("reload: {}", line);
    }
    wipeRetiredKeys();
    return out;
  }

  /**
   * Initiates {@code peer} once it has no IKE SA left (its Deletes answered) or at the deadline.
   */
  private void initiateWhenGone(String peer, long deadline) {
    boolean gone = engine.list().stream().noneMatch(sa -> sa.peer().equals(peer));
    if (gone || System.nanoTime() > deadline) {
      engine.initiate(peer);
      return;
    }
    try {
      pool.schedule(() -> initiateWhenGone(peer, deadline), 50, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  /**
   * A stop for restart: closes the IKE port (so nothing more is sent on an IKE SA and its Message
   * IDs stay where the snapshot says), then snapshots the IKE SAs ({@link
   * IkeEngine#exportForRestart}). Call it after the ESP socket closed; the caller wipes them.
   */
  public List<IkeSaSnapshot> exportForRestart(java.time.Duration timeout) {
    network.close();
    return engine.exportForRestart(timeout);
  }

  /** What the control commands use. */
  public IkeService service() {
    return service;
  }

  /** The SAD listener and DataPath's unknown-SPI hook. */
  public SadEventRouter router() {
    return router;
  }

  /** The IKE ports; DataPath's IKE hook is {@link IkeUdpNetwork#receiveNatt}. */
  public IkeUdpNetwork network() {
    return network;
  }

  /**
   * Stops the event routing, closes the IKE port, stops the engine's pool and wipes the pre-shared
   * keys. Call {@link IkeService#shutdown} first, while the sockets are open.
   */
  @Override
  public void close() {
    router.close();
    network.close();
    pool.shutdownNow();
    try {
      pool.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    peers.wipeKeys();
  }
}
