package org.meshsec.core.ike;

import io.netty.channel.IoEventLoopGroup;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.meshsec.core.config.NodeConfig;
import org.meshsec.core.datapath.UdpTransport;
import org.meshsec.core.sad.Sad;
import org.meshsec.core.spd.Spd;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.port.ExecutorScheduler;
import org.meshsec.ike.sa.IkeEngine;
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
 * <p>Thread-safe; {@link #start} and {@link #close} are called once each, by the daemon.
 */
public final class IkeGlue implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IkeGlue.class);

  private final NodeConfig config;
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
                    d.nonceLength()))
            .peers(peers.peers())
            .network(network)
            .ipsec(port)
            .scheduler(new ExecutorScheduler(pool, Clock.systemUTC()))
            .random(new SecureRandom())
            .listener(listeners)
            .build();
    this.router = new SadEventRouter(engine, pool, peers);
    this.service = new IkeService(config, engine, port, listeners);
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
