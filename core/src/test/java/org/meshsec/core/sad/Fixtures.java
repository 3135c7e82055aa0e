package org.meshsec.core.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.core.spd.Action;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.IpsecTemplate;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.Selector;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.SaLifetime;

/** Shared test data and helpers for the SAD tests. */
final class Fixtures {
  static final InetAddress LOCAL = addr("192.0.2.1");
  static final InetAddress PEER = addr("198.51.100.7");
  static final InetAddress PEER2 = addr("203.0.113.9");
  static final Selector SELECTOR =
      Selector.between(IpPrefix.parse("10.0.0.0/24"), IpPrefix.parse("10.0.1.0/24"));
  static final EspSuite SUITE = EspSuite.AES128_GCM16;

  private Fixtures() {}

  static InetAddress addr(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static Policy policy(long id, InetAddress peer) {
    return new Policy(
        id,
        "p" + id,
        0,
        Direction.OUT,
        SELECTOR,
        Action.PROTECT,
        new IpsecTemplate(IpsecMode.TUNNEL, List.of(SUITE), LOCAL, peer));
  }

  static byte[] key() {
    byte[] k = new byte[SUITE.keyMaterialLength()];
    Arrays.fill(k, (byte) 0x5A);
    return k;
  }

  static SaSpec spec(Direction dir, int spi, long policyId, InetAddress peer) {
    return spec(dir, spi, policyId, peer, SaLifetime.NONE, SaLifetime.NONE);
  }

  static SaSpec spec(
      Direction dir, int spi, long policyId, InetAddress peer, SaLifetime soft, SaLifetime hard) {
    return new SaSpec(
        dir,
        spi,
        LOCAL,
        4500,
        peer,
        4500,
        IpsecMode.TUNNEL,
        dir == Direction.IN ? SELECTOR.reverse() : SELECTOR,
        policyId,
        SUITE,
        key(),
        false,
        1024,
        soft,
        hard);
  }

  /** A numbered "packet": 4 bytes holding {@code n}. */
  static ByteBuf packet(int n) {
    return Unpooled.buffer(16).writeInt(n);
  }

  static int number(ByteBuf b) {
    return b.getInt(b.readerIndex());
  }

  static void assertAllReleased(List<ByteBuf> bufs) {
    for (int i = 0; i < bufs.size(); i++) {
      assertEquals(0, bufs.get(i).refCnt(), "buffer #" + i + " of the list not released");
    }
  }

  /** A settable clock in milliseconds. */
  static final class ManualClock implements LongSupplier {
    final AtomicLong now = new AtomicLong(1_000_000);

    @Override
    public long getAsLong() {
      return now.get();
    }

    void advance(long millis) {
      now.addAndGet(millis);
    }
  }

  /** Records events and drained packets. Thread-safe. */
  static final class Recorder implements SadListener, LarvalDrain {
    final List<SadEvent> events = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> drained = Collections.synchronizedList(new ArrayList<>());
    final List<SecurityAssociation> drainedInto = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onEvent(SadEvent event) {
      events.add(event);
    }

    @Override
    public void drain(SecurityAssociation sa, ByteBuf packet) {
      drained.add(number(packet));
      drainedInto.add(sa);
      packet.release();
    }

    <T extends SadEvent> List<T> events(Class<T> type) {
      synchronized (events) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
      }
    }
  }
}
