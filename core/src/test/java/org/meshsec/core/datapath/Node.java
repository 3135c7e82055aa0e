package org.meshsec.core.datapath;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.meshsec.core.sad.SaSpec;
import org.meshsec.core.sad.Sad;
import org.meshsec.core.sad.SadEvent;
import org.meshsec.core.sad.SadStatus;
import org.meshsec.core.spd.Action;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.IpsecTemplate;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.Selector;
import org.meshsec.core.spd.Spd;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;

/**
 * One meshsec data path in a test: its TUN side is a queue of delivered packets, its UDP side sends
 * to whatever {@link #wire} says (another node, a capture, a tamperer).
 */
final class Node {
  final String name;
  final InetAddress underlay;
  final Spd spd = new Spd();
  final DataPath dp;
  final ArrayDeque<byte[]> delivered = new ArrayDeque<>();
  final ArrayDeque<byte[]> clear = new ArrayDeque<>();
  final List<SadEvent> events = new ArrayList<>();
  final List<Integer> unknownSpis = new ArrayList<>();
  final ArrayDeque<byte[]> ike = new ArrayDeque<>();
  Wire wire;

  /** Where a node's sealed ESP goes. Takes ownership of {@code esp}. */
  interface Wire {
    void carry(ByteBuf esp, InetSocketAddress from, InetAddress to);
  }

  Node(String name, String underlay) throws Exception {
    this(name, underlay, 0);
  }

  Node(String name, String underlay, int pathMtu) throws Exception {
    this(name, underlay, pathMtu, b -> {});
  }

  /**
   * A node whose data path builder {@code tune} adjusts (decrypt workers); its TUN queue may then
   * be filled from other threads, so read {@link #delivered} under its monitor.
   */
  Node(String name, String underlay, int pathMtu, Consumer<DataPath.Builder> tune)
      throws Exception {
    this.name = name;
    this.underlay = InetAddress.getByName(underlay);
    Sad sad = Sad.builder().random(new Random(name.hashCode())).build();
    DataPath.Builder b =
        DataPath.builder(spd, sad)
            .allocator(PooledByteBufAllocator.DEFAULT)
            .espOut(
                (esp, peer, port) ->
                    wire.carry(esp, new InetSocketAddress(this.underlay, 4500), peer))
            .innerOut(ip -> deliver(take(ip)))
            .clearOut(ip -> clear.add(take(ip)))
            .ikeIn((msg, from) -> ike.add(take(msg)))
            .unknownSpi((spi, from) -> unknownSpis.add(spi))
            .pathMtu(pathMtu);
    tune.accept(b);
    dp = b.build();
    sad.setDrains(dp::drainInbound, dp::drainOutbound);
    sad.setListener(events::add);
  }

  /** Where the TUN side's packets go; tests may wrap it (to stall delivery). */
  volatile Consumer<byte[]> onDeliver = p -> {};

  private void deliver(byte[] ip) {
    onDeliver.accept(ip);
    synchronized (delivered) {
      delivered.add(ip);
    }
  }

  static byte[] take(ByteBuf b) {
    try {
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  Policy protect(Selector out, IpsecMode mode, EspSuite suite, Node peer) {
    return spd.add(
        "p-" + name + "-" + spd.size(),
        10,
        Direction.OUT,
        out,
        Action.PROTECT,
        new IpsecTemplate(mode, List.of(suite), underlay, peer.underlay));
  }

  /**
   * Installs a manual SA pair between {@code a} (policy {@code pa}, selector {@code sel} outbound)
   * and {@code b}: a's outbound = b's inbound with SPI {@code spi}, and the reverse with spi+1.
   */
  static void keyPair(
      Node a, Policy pa, Node b, Policy pb, Selector sel, IpsecMode mode, EspSuite suite, int spi) {
    byte[] k1 = key(suite, spi);
    byte[] k2 = key(suite, spi + 1);
    add(a, out(a, b, pa, sel, mode, suite, spi, k1));
    add(b, in(b, a, sel, mode, suite, spi, k1));
    add(b, out(b, a, pb, sel.reverse(), mode, suite, spi + 1, k2));
    add(a, in(a, b, sel.reverse(), mode, suite, spi + 1, k2));
  }

  static void add(Node n, SaSpec s) {
    SadStatus st = n.dp.sad().add(s);
    if (st != SadStatus.OK) {
      throw new IllegalStateException("add failed: " + st);
    }
  }

  static SaSpec out(
      Node self,
      Node peer,
      Policy p,
      Selector sel,
      IpsecMode mode,
      EspSuite suite,
      int spi,
      byte[] k) {
    return new SaSpec(
        Direction.OUT,
        spi,
        self.underlay,
        4500,
        peer.underlay,
        4500,
        mode,
        sel,
        p.id(),
        suite,
        k.clone(),
        false,
        1024,
        SaLifetime.NONE,
        SaLifetime.NONE);
  }

  static SaSpec in(
      Node self, Node peer, Selector sel, IpsecMode mode, EspSuite suite, int spi, byte[] k) {
    return new SaSpec(
        Direction.IN,
        spi,
        self.underlay,
        4500,
        peer.underlay,
        4500,
        mode,
        sel,
        -1,
        suite,
        k.clone(),
        false,
        1024,
        SaLifetime.NONE,
        SaLifetime.NONE);
  }

  static byte[] key(EspSuite suite, int seed) {
    byte[] k = new byte[suite.keyMaterialLength()];
    new Random(seed).nextBytes(k);
    return k;
  }

  /** Sends bytes as if read from this node's TUN device, with realistic head- and tailroom. */
  void fromTun(byte[] ip) {
    ByteBuf b =
        PooledByteBufAllocator.DEFAULT.directBuffer(
            DataPath.HEADROOM + ip.length + DataPath.TAILROOM);
    b.writerIndex(DataPath.HEADROOM).writeBytes(ip).readerIndex(DataPath.HEADROOM);
    dp.outbound(b);
    dp.flush();
  }
}
