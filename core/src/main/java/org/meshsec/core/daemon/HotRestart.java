package org.meshsec.core.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.meshsec.core.config.NodeConfig;
import org.meshsec.core.sad.SaInfo;
import org.meshsec.core.sad.SaSecrets;
import org.meshsec.core.sad.SaSpec;
import org.meshsec.core.sad.Sad;
import org.meshsec.core.sad.SadStatus;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.PolicyKey;
import org.meshsec.core.spd.Spd;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.SaLifetime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hot restart's two halves over the {@link RestartState} file: {@link #save} at a stop for
 * restart (after the TUN device and the sockets closed, so no packet is sealed after the snapshot)
 * and {@link #resume} at the next start (after the manual SAs, before the sockets read and before
 * IKE starts, so a restored outbound SA is there before any packet could raise an ACQUIRE).
 *
 * <p>What is carried over: every usable ESP SA with its keys, selector, policy (by name and
 * direction), lifetimes left, outbound sequence number plus {@link RestartState#SEQUENCE_MARGIN}
 * and inbound replay high-water mark. What is not (yet): the IKE SAs. A resumed node therefore
 * keeps forwarding on the old Child SAs without any IKE exchange, but holds no IKE SA for them: it
 * cannot rekey them nor answer the peer's IKE requests on the old IKE SA; when they expire (or the
 * peer's DPD gives up on the old IKE SA) a new IKE SA is negotiated as after any restart.
 *
 * <p>Stateless; called by the daemon's start and close only.
 */
final class HotRestart {
  private static final Logger log = LoggerFactory.getLogger(HotRestart.class);

  private HotRestart() {}

  /** Writes the usable ESP SAs of {@code sad} to {@code file}; logs (never throws) on failure. */
  static void save(Path file, NodeConfig config, Spd spd, Sad sad) {
    List<SaSecrets> secrets = sad.secrets();
    List<RestartState.Sa> entries = new ArrayList<>();
    long now = sad.nowMillis();
    try {
      for (SaSecrets s : secrets) {
        SaInfo i = s.info();
        Policy p = spd.get(i.policyId());
        if (p == null || i.selector() == null || i.mode() == null) {
          continue;
        }
        long seq =
            i.direction() == Direction.OUT
                ? s.sequence() + RestartState.SEQUENCE_MARGIN
                : s.sequence();
        if (!i.esn() && seq > 0xFFFF_FFFFL) {
          continue; // would be exhausted at once: leave it to a new negotiation
        }
        long ageSeconds = i.addMillis() < 0 ? 0 : (now - i.addMillis()) / 1000;
        byte[] key = s.keyMaterial().copy();
        try {
          entries.add(
              RestartState.sa(
                  i.direction(),
                  i.spi(),
                  i.local(),
                  i.localPort(),
                  i.peer(),
                  i.peerPort(),
                  i.mode(),
                  i.selector(),
                  p.key().name(),
                  p.key().direction(),
                  i.suite().configName(),
                  key,
                  i.esn(),
                  i.replayWindow(),
                  left(i.soft(), ageSeconds, i.packets(), i.bytes()),
                  left(i.hard(), ageSeconds, i.packets(), i.bytes()),
                  seq));
        } finally {
          java.util.Arrays.fill(key, (byte) 0);
        }
      }
      RestartState.write(
          file,
          new RestartState.Body(
              RestartState.VERSION,
              System.currentTimeMillis(),
              RestartState.configHash(config.source()),
              entries));
      log.info("stop for restart: {} ESP SAs written to {}", entries.size(), file);
    } catch (IOException | RuntimeException e) {
      log.warn("stop for restart: cannot write the state file {}: {}", file, e.toString());
    } finally {
      secrets.forEach(SaSecrets::close);
    }
  }

  /**
   * Installs the SAs of {@code file}, if there is one and it passes the checks; then deletes it.
   */
  static void resume(Path file, NodeConfig config, Spd spd, Sad sad) {
    RestartState.Body body;
    try {
      body =
          RestartState.readAndDelete(
              file, RestartState.configHash(config.source()), System.currentTimeMillis());
    } catch (RestartState.Refused e) {
      log.warn(
          "hot restart: state file {} refused, negotiating normally: {}", file, e.getMessage());
      return;
    } catch (IOException e) {
      log.warn("hot restart: cannot read state file {}: {}", file, e.toString());
      return;
    }
    if (body == null) {
      return;
    }
    int restored = 0;
    for (RestartState.Sa e : body.sas()) {
      byte[] key = null;
      try {
        Policy p = find(spd, e.policyName(), Direction.valueOf(e.policyDirection()));
        if (p == null) {
          log.info("hot restart: {} skipped: policy {} is gone", e, e.policyName());
          continue;
        }
        key = e.keyBytes();
        SaSpec spec =
            new SaSpec(
                e.dir(),
                (int) e.spi(),
                e.localAddress(),
                e.localPort(),
                e.peerAddress(),
                e.peerPort(),
                e.ipsecMode(),
                e.selector(),
                p.id(),
                EspSuite.parse(e.suite()),
                key,
                e.esn(),
                e.replayWindow(),
                e.soft(),
                e.hard());
        SadStatus st = sad.restore(spec, e.sequence());
        if (st == SadStatus.OK) {
          restored++;
        } else {
          log.info("hot restart: {} not restored: {}", e, st);
        }
      } catch (IOException | RuntimeException x) {
        log.warn("hot restart: {} not restored: {}", e, x.getClass().getSimpleName());
      } finally {
        if (key != null) {
          java.util.Arrays.fill(key, (byte) 0);
        }
      }
    }
    log.info(
        "hot restart: {} of {} ESP SAs resumed from {} (no IKE exchange)",
        restored,
        body.sas().size(),
        file);
  }

  private static Policy find(Spd spd, String name, Direction direction) {
    PolicyKey k = new PolicyKey(name, direction);
    return spd.policies().stream().filter(p -> p.key().equals(k)).findFirst().orElse(null);
  }

  /** The part of a lifetime not used yet (0 stays "no limit"; a used-up limit becomes 1). */
  private static SaLifetime left(SaLifetime l, long ageSeconds, long packets, long bytes) {
    return new SaLifetime(
        l.seconds() == 0 ? 0 : Math.max(1, l.seconds() - ageSeconds),
        l.bytes() == 0 ? 0 : Math.max(1, l.bytes() - bytes),
        l.packets() == 0 ? 0 : Math.max(1, l.packets() - packets));
  }
}
