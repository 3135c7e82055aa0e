package org.meshsec.ike.port;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * An in-memory {@link IkeNetwork} joining several engines in one process (STYLE point 9: the UDP
 * fake; wireguard-go's {@code conn/bindtest}). Sent datagrams queue up; the test delivers, drops,
 * reorders or inspects them one by one, so every exchange can be driven step by step. Delivery
 * calls the receiver registered for the destination address on the caller's thread, then the {@code
 * settle} action (typically {@link ManualScheduler#runPending()}).
 *
 * <p>Thread-safe; meant to be driven from one test thread.
 */
public final class LoopbackNetwork implements IkeNetwork {

  /** One datagram in flight. */
  public record Datagram(InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
    @Override
    public String toString() {
      return from + " -> " + to + " (" + bytes.length + " bytes)";
    }
  }

  /** Where datagrams for one address go: {@code IkeEngine::receive}. */
  @FunctionalInterface
  public interface Receiver {
    void receive(byte[] datagram, InetSocketAddress local, InetSocketAddress remote);
  }

  private final Runnable settle;
  private final Map<InetAddress, Receiver> receivers = new ConcurrentHashMap<>();
  private final ArrayDeque<Datagram> queue = new ArrayDeque<>();
  private final Set<InetAddress> unreachable = new HashSet<>();
  private long sent;
  private long dropped;

  /**
   * @param settle run after each delivery (and after each send dropped by a blackhole is not
   *     delivered): usually the scheduler's {@code runPending}
   */
  public LoopbackNetwork(Runnable settle) {
    this.settle = Objects.requireNonNull(settle, "settle");
  }

  /** Registers the receiver for datagrams to {@code address}. */
  public void attach(InetAddress address, Receiver receiver) {
    receivers.put(address, receiver);
  }

  @Override
  public synchronized void send(
      byte[] datagram, InetSocketAddress local, InetSocketAddress remote) {
    sent++;
    if (unreachable.contains(remote.getAddress()) || unreachable.contains(local.getAddress())) {
      dropped++;
      return;
    }
    queue.add(new Datagram(local, remote, datagram.clone()));
  }

  /** Makes {@code address} unreachable (both directions) or reachable again. */
  public synchronized void setUnreachable(InetAddress address, boolean on) {
    if (on) {
      unreachable.add(address);
      queue.removeIf(d -> d.from.getAddress().equals(address) || d.to.getAddress().equals(address));
    } else {
      unreachable.remove(address);
    }
  }

  /** The datagrams in flight, oldest first. */
  public synchronized List<Datagram> inFlight() {
    return new ArrayList<>(queue);
  }

  /** How many datagrams are in flight. */
  public synchronized int pending() {
    return queue.size();
  }

  /** Datagrams sent so far (including dropped ones). */
  public synchronized long sentCount() {
    return sent;
  }

  /** Delivers the oldest datagram; null if none. */
  public Datagram deliverNext() {
    Datagram d;
    synchronized (this) {
      d = queue.poll();
    }
    if (d == null) {
      return null;
    }
    deliver(d);
    return d;
  }

  /** Delivers {@code d} (which need not have been sent) to its destination. */
  public void deliver(Datagram d) {
    Receiver r = receivers.get(d.to.getAddress());
    if (r != null) {
      r.receive(d.bytes.clone(), d.to, d.from);
    }
    settle.run();
  }

  /** Removes the oldest datagram without delivering it; null if none. */
  public synchronized Datagram dropNext() {
    Datagram d = queue.poll();
    if (d != null) {
      dropped++;
    }
    return d;
  }

  /** Removes every datagram in flight matching {@code which}; returns how many. */
  public synchronized int drop(Predicate<Datagram> which) {
    int before = queue.size();
    queue.removeIf(which);
    dropped += before - queue.size();
    return before - queue.size();
  }

  /**
   * Delivers datagrams until none is in flight (new ones sent during delivery are delivered too),
   * at most {@code limit}. Returns how many were delivered.
   */
  public int deliverAll(int limit) {
    int n = 0;
    while (n < limit && deliverNext() != null) {
      n++;
    }
    return n;
  }

  /** {@link #deliverAll(int)} with a limit of 1000. */
  public int deliverAll() {
    return deliverAll(1000);
  }
}
