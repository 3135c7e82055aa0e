package org.meshsec.ike.port;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * An in-memory {@link IpsecPort}: a SAD that only records (STYLE point 9: the backend fake). SPIs
 * are handed out in order from a per-instance base, so tests are deterministic; installed pairs
 * keep a copy of their keys so that tests can check that one side's outbound keys are the other
 * side's inbound keys. Also counts every call.
 *
 * <p>Thread-safe (synchronized). Not for production: it keeps key material.
 */
public final class MemoryIpsec implements IpsecPort {

  /** An installed pair and copies of its keys. */
  public record Pair(ChildSaInstall sa, byte[] inboundKeys, byte[] outboundKeys) {}

  /** One {@link #delete} call. */
  public record Deletion(int inboundSpi, int outboundSpi, InetAddress peer) {}

  private final int base;
  private int next;
  private final Set<Integer> reserved = new LinkedHashSet<>();
  private final Map<Integer, Pair> installed = new LinkedHashMap<>();
  private final List<Pair> history = new ArrayList<>();
  private final List<Deletion> deletions = new ArrayList<>();
  private final List<String> log = new ArrayList<>();
  private final Map<Integer, Instant> lastEsp = new LinkedHashMap<>();
  private final Set<String> pendingAcquires = new LinkedHashSet<>();
  private Supplier<Instant> clock;
  private final Set<Integer> outboundRemoved = new LinkedHashSet<>();

  /**
   * @param base the first SPI handed out (above 255); each node of a test should use another base
   */
  public MemoryIpsec(int base) {
    if (Integer.compareUnsigned(base, 256) < 0) {
      throw new IllegalArgumentException("SPIs 0..255 are reserved");
    }
    this.base = base;
  }

  @Override
  public synchronized int getSpi(InetAddress local, InetAddress peer) {
    int spi = base + next++;
    reserved.add(spi);
    return spi;
  }

  @Override
  public synchronized void install(ChildSaInstall sa) {
    if (!reserved.remove(sa.inboundSpi())) {
      throw new IllegalStateException(
          String.format("inbound SPI %08x was not reserved", sa.inboundSpi()));
    }
    Pair p = new Pair(sa, sa.inboundKeys().copy(), sa.outboundKeys().copy());
    installed.put(sa.inboundSpi(), p);
    history.add(p);
    log.add(String.format("install %08x/%08x", sa.inboundSpi(), sa.outboundSpi()));
  }

  @Override
  public synchronized void delete(int inboundSpi, int outboundSpi, InetAddress peer) {
    deletions.add(new Deletion(inboundSpi, outboundSpi, peer));
    log.add(String.format("delete %08x/%08x", inboundSpi, outboundSpi));
    reserved.remove(inboundSpi);
    installed.remove(inboundSpi);
  }

  /** The pairs installed now, in installation order. */
  public synchronized List<Pair> installed() {
    return new ArrayList<>(installed.values());
  }

  /** The installed pair with inbound SPI {@code spi}. */
  public synchronized Optional<Pair> byInbound(int spi) {
    return Optional.ofNullable(installed.get(spi));
  }

  /** Every pair ever installed. */
  public synchronized List<Pair> history() {
    return new ArrayList<>(history);
  }

  /** SPIs reserved and neither installed nor released. */
  public synchronized Set<Integer> reserved() {
    return new LinkedHashSet<>(reserved);
  }

  /**
   * Installs and deletes in call order: {@code "install 01000100/02000100"}, {@code "delete ..."}.
   */
  public synchronized List<String> log() {
    return new ArrayList<>(log);
  }

  /** Every delete call, in order. */
  public synchronized List<Deletion> deletions() {
    return new ArrayList<>(deletions);
  }

  @Override
  public synchronized void deleteOutbound(int outboundSpi, InetAddress peer) {
    outboundRemoved.add(outboundSpi);
    log.add(String.format("delete-out %08x", outboundSpi));
  }

  /**
   * Whether the outbound SA of the installed pair {@code inboundSpi} still sends: installed and not
   * removed by {@link #deleteOutbound}.
   */
  public synchronized boolean sendsOn(int inboundSpi) {
    Pair p = installed.get(inboundSpi);
    return p != null && !outboundRemoved.contains(p.sa().outboundSpi());
  }

  /** The time source {@link #inboundIdle} measures against (the test's virtual clock). */
  public synchronized MemoryIpsec clock(Supplier<Instant> now) {
    this.clock = now;
    return this;
  }

  /** Records that authenticated ESP arrived now on the inbound SA {@code inboundSpi}. */
  public synchronized void espReceived(int inboundSpi) {
    lastEsp.put(inboundSpi, clock.get());
  }

  @Override
  public synchronized Optional<Duration> inboundIdle(int inboundSpi) {
    Instant last = lastEsp.get(inboundSpi);
    if (last == null || clock == null || !installed.containsKey(inboundSpi)) {
      return Optional.empty();
    }
    return Optional.of(Duration.between(last, clock.get()));
  }

  /** Says whether packets for {@code policyRef} to {@code peer} wait for an SA (an acquire). */
  public synchronized void acquirePending(long policyRef, InetAddress peer, boolean pending) {
    String key = policyRef + " " + peer.getHostAddress();
    if (pending) {
      pendingAcquires.add(key);
    } else {
      pendingAcquires.remove(key);
    }
  }

  @Override
  public synchronized boolean acquirePending(long policyRef, InetAddress peer) {
    return pendingAcquires.contains(policyRef + " " + peer.getHostAddress());
  }
}
