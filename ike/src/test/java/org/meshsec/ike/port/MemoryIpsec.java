package org.meshsec.ike.port;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
}
