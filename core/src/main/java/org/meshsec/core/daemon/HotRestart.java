package org.meshsec.core.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.meshsec.core.config.ManualSa;
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
import org.meshsec.ike.sa.IkeEngine;
import org.meshsec.ike.sa.IkeSaSnapshot;
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
 * and inbound replay high-water mark, manually keyed SAs included (they replace the copies the
 * start installed from the configuration at sequence 1); and every established IKEv2 SA with no
 * exchange under way ({@link IkeEngine#exportForRestart}), with its keys, Message IDs, peer,
 * endpoints, NAT state, deadlines left and Child SAs. A resumed node keeps forwarding on the old
 * Child SAs and answers, rekeys and deletes on the old IKE SAs, without any exchange at the
 * restart. What is not carried: IKEv1 ISAKMP SAs, and an IKE SA whose request was outstanding at
 * the stop (the peer may or may not have processed it); their Child SAs' ESP SAs still carry
 * traffic until their lifetimes end, or until the peer's DPD gives up on the old IKE SA and a new
 * one is negotiated as after any restart.
 *
 * <p>Stateless; called by the daemon's start and close only.
 */
final class HotRestart {
  private static final Logger log = LoggerFactory.getLogger(HotRestart.class);

  private HotRestart() {}

  /**
   * Writes the usable ESP SAs of {@code sad} and the IKE SAs {@code ikeSas} to {@code file}; logs
   * (never throws) on failure. The snapshots are wiped whatever happens.
   */
  static void save(Path file, NodeConfig config, Spd spd, Sad sad, List<IkeSaSnapshot> ikeSas) {
    List<SaSecrets> secrets = sad.secrets();
    List<RestartState.IkeSa> ikeEntries = new ArrayList<>();
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
      for (IkeSaSnapshot s : ikeSas) {
        ikeEntries.add(RestartState.ikeSa(s));
      }
      RestartState.write(
          file,
          new RestartState.Body(
              RestartState.VERSION,
              System.currentTimeMillis(),
              RestartState.configHash(config.source()),
              entries,
              ikeEntries));
      log.info(
          "stop for restart: {} ESP SAs and {} IKE SAs written to {}",
          entries.size(),
          ikeEntries.size(),
          file);
    } catch (IOException | RuntimeException e) {
      log.warn(
          "stop for restart: cannot write the state file {}: {}",
          file,
          e.getClass().getSimpleName());
    } finally {
      secrets.forEach(SaSecrets::close);
      ikeSas.forEach(IkeSaSnapshot::close);
    }
  }

  /**
   * Installs the ESP SAs of {@code file}, if there is one and it passes the checks; then deletes
   * it.
   *
   * @return the IKE SAs of the file, for {@link #resumeIke} (the caller wipes them); empty when
   *     there is no usable file
   */
  static List<IkeSaSnapshot> resume(Path file, NodeConfig config, Spd spd, Sad sad) {
    RestartState.Body body;
    try {
      body =
          RestartState.readAndDelete(
              file, RestartState.configHash(config.source()), System.currentTimeMillis());
    } catch (RestartState.Refused e) {
      log.warn(
          "hot restart: state file {} refused, negotiating normally: {}", file, e.getMessage());
      return List.of();
    } catch (IOException e) {
      log.warn("hot restart: cannot read state file {}: {}", file, e.toString());
      return List.of();
    }
    if (body == null) {
      return List.of();
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
        EspSuite suite = EspSuite.parse(e.suite());
        ManualSa manual = manualOf(config, e);
        if (manual != null) {
          if (!manual.key().contentEquals(key) || !manual.suite().equals(suite)) {
            log.info("hot restart: {} not restored: manual SA {} has new keys", e, manual.name());
            continue;
          }
          // the start installed it from the configuration at sequence 1: carry on where it was
          sad.delete(e.dir(), (int) e.spi(), e.dir() == Direction.OUT ? e.peerAddress() : null);
        }
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
                suite,
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
    List<IkeSaSnapshot> ikeSas = new ArrayList<>();
    for (RestartState.IkeSa e : body.ikeSas()) {
      try {
        ikeSas.add(RestartState.snapshot(e));
      } catch (IOException | RuntimeException x) {
        log.warn("hot restart: {} not restored: {}", e, x.getClass().getSimpleName());
      }
    }
    return ikeSas;
  }

  /**
   * Resumes the IKE SAs of the state file in {@code engine} (before it starts and before any
   * datagram is read), each with the Child SAs whose two ESP SAs {@link #resume} restored in {@code
   * sad}; a Child SA whose ESP SAs are gone would be one the IKE SA could rekey or delete but that
   * carries nothing. Wipes the snapshots.
   *
   * @param engine null when this start has no IKE (no [[peer]]): the IKE SAs are dropped
   */
  static void resumeIke(List<IkeSaSnapshot> ikeSas, IkeEngine engine, Sad sad) {
    int resumed = 0;
    try {
      for (IkeSaSnapshot s : ikeSas) {
        if (engine == null) {
          log.info("hot restart: {} not restored: no [[peer]] is configured", s);
          continue;
        }
        List<IkeSaSnapshot.Child> kept = new ArrayList<>();
        for (IkeSaSnapshot.Child c : s.children()) {
          boolean both =
              sad.get(Direction.IN, c.inboundSpi(), null).isPresent()
                  && sad.get(Direction.OUT, c.outboundSpi(), s.remote().getAddress()).isPresent();
          if (both) {
            kept.add(c);
          } else {
            log.info("hot restart: Child SA {} not restored: its ESP SAs were not", c);
          }
        }
        Optional<String> refused = engine.restore(s.withChildren(kept));
        if (refused.isPresent()) {
          log.info("hot restart: {} not restored: {}", s, refused.get());
        } else {
          resumed++;
        }
      }
      if (!ikeSas.isEmpty()) {
        log.info("hot restart: {} of {} IKE SAs resumed (no IKE exchange)", resumed, ikeSas.size());
      }
    } finally {
      ikeSas.forEach(IkeSaSnapshot::close);
    }
  }

  /** The manually keyed SA of {@code config} that {@code e} was, or null. */
  private static ManualSa manualOf(NodeConfig config, RestartState.Sa e) throws IOException {
    for (ManualSa m : config.sas()) {
      if (m.direction() == e.dir()
          && Integer.toUnsignedLong(m.spi()) == e.spi()
          && m.peer().equals(e.peerAddress())) {
        return m;
      }
    }
    return null;
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
