package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.crypto.DeterministicRandom;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.port.LoopbackNetwork;
import org.meshsec.ike.port.ManualScheduler;
import org.meshsec.ike.port.MemoryIpsec;
import org.meshsec.ike.task.Ikev2TaskFactory;

/** One node of a test: an engine with a fake data plane, joined to the others by the network. */
final class TestNode {
  /** A message the node's engine sent or accepted. */
  record Seen(long saId, boolean outbound, Message message) {}

  final String name;
  final InetAddress address;
  final MemoryIpsec ipsec;
  final IkeEngine engine;
  final List<Seen> seen = new ArrayList<>();

  /** What the engine's lifecycle listener heard, in order: "STATE children" or "destroyed: why". */
  final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

  private final ManualScheduler clock;

  TestNode(
      String name,
      int lastOctet,
      ManualScheduler clock,
      LoopbackNetwork net,
      EngineSettings settings,
      long seed,
      List<PeerConfig> peers) {
    this.name = name;
    this.address = address(lastOctet);
    this.clock = clock;
    this.ipsec = new MemoryIpsec(0x01000000 * lastOctet + 0x100).clock(clock::now);
    this.engine =
        IkeEngine.builder()
            .tasks(new Ikev2TaskFactory())
            .settings(settings)
            .peers(peers)
            .network(net)
            .ipsec(ipsec)
            .scheduler(clock)
            .random(new DeterministicRandom(seed))
            .observer((id, out, m) -> seen.add(new Seen(id, out, m)))
            .listener(
                new IkeListener() {
                  @Override
                  public void ikeSaChanged(IkeSaInfo info) {
                    events.add(info.state() + " " + info.children().size());
                  }

                  @Override
                  public void ikeSaDestroyed(IkeSaInfo last, String reason) {
                    events.add("destroyed: " + reason);
                  }
                })
            .build();
    net.attach(address, engine::receive);
  }

  static InetAddress address(int lastOctet) {
    try {
      return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) lastOctet});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** initiate(peer) and run what it queued. */
  void initiate(String peer) {
    if (!engine.initiate(peer)) {
      throw new AssertionError("no peer " + peer);
    }
    clock.runPending();
  }

  /** The IKE SAs this node has. */
  List<IkeSaInfo> sas() {
    return engine.list();
  }

  /** The one IKE SA; fails if there are more or none. */
  IkeSaInfo onlySa() {
    List<IkeSaInfo> l = sas();
    assertEquals(1, l.size(), name + " IKE SAs: " + l);
    return l.get(0);
  }

  /** The last message this node sent. */
  Message lastSent() {
    for (int i = seen.size() - 1; i >= 0; i--) {
      if (seen.get(i).outbound()) {
        return seen.get(i).message();
      }
    }
    throw new AssertionError(name + " sent nothing");
  }

  /** The last message this node accepted. */
  Message lastReceived() {
    for (int i = seen.size() - 1; i >= 0; i--) {
      if (!seen.get(i).outbound()) {
        return seen.get(i).message();
      }
    }
    throw new AssertionError(name + " accepted nothing");
  }

  @Override
  public String toString() {
    return name;
  }
}
