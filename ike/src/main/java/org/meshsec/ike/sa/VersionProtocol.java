package org.meshsec.ike.sa;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.meshsec.ike.config.ChildConfig;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.port.ExpireKind;

/**
 * An IKE major version other than IKEv2 plugged into the engine by its builder ({@code
 * IkeEngine.Builder.protocol}): IKEv1 (RFC 2409) in {@code org.meshsec.ike.v1.sa}, which depends on
 * this package and never the reverse, as the IKEv2 tasks' {@link TaskFactory} does. The version
 * gets the engine's shared parts (ports, settings, listener, counters, the front's half-open limit
 * and bad-input log) and serves the peers whose {@link PeerConfig#version()} is its major version.
 *
 * <p>Implementations are stateless and thread-safe; {@link #attach} is called once per engine.
 */
public interface VersionProtocol {

  /** The header's major version this protocol serves (RFC 2408 section 3.1: 1). */
  int majorVersion();

  /** Makes this version's part of {@code engine}; the engine registers it with {@code front}. */
  Side attach(IkeEngine engine, IkeFront front);

  /**
   * One engine's part for this version: its received datagrams and what the engine's commands and
   * data-plane events do for its peers. Thread-safe.
   */
  interface Side extends IkeFront.VersionHandler {

    /**
     * Brings up {@code children} with {@code peer} at {@code remote}, on an SA that exists or new.
     */
    void connect(PeerConfig peer, List<ChildConfig> children, InetAddress remote);

    /** Deletes this version's SAs with {@code peerName}; whether there was any. */
    boolean terminate(String peerName);

    /**
     * Rekeys (or, where the version has no rekey, replaces) the established SAs with {@code
     * peerName}; whether there was any. Progress is reported through the {@link IkeListener}.
     */
    default boolean rekey(String peerName) {
      return false;
    }

    /**
     * Rekeys the Child SAs named {@code childName} with {@code peerName}; whether an established SA
     * with the peer exists.
     */
    default boolean rekeyChild(String peerName, String childName) {
      return false;
    }

    /** Snapshots of this version's SAs. */
    List<IkeSaInfo> list();

    /**
     * A data-plane expire for inbound SPI {@code spi}; whether one of this version's SAs owns it.
     */
    boolean expire(int spi, ExpireKind kind);

    /** Refuses new SAs and deletes every SA of this version; completes when none is left. */
    CompletableFuture<Void> shutdown();
  }
}
