package org.meshsec.core.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.core.sad.Fixtures.LOCAL;
import static org.meshsec.core.sad.Fixtures.PEER;
import static org.meshsec.core.sad.Fixtures.assertAllReleased;
import static org.meshsec.core.sad.Fixtures.packet;
import static org.meshsec.core.sad.Fixtures.spec;

import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.stats.XfrmStat;
import org.meshsec.esp.EspStatus;
import org.meshsec.esp.OpenResult;
import org.meshsec.esp.SaLifetime;

/** Inbound LARVAL queueing: ESP for an SPI from getSpi() waits for update(). */
class InboundLarvalTest extends SadTestBase {

  List<ByteBuf> deliver(int spi, int from, int to) {
    List<ByteBuf> bufs = new ArrayList<>();
    for (int n = from; n <= to; n++) {
      ByteBuf b = packet(n);
      bufs.add(b);
      assertNull(sad.inbound(spi, b), "queued");
    }
    return bufs;
  }

  @Test
  void queuedUntilUpdateThenDrainedInOrderThenDirect() {
    int spi = sad.getSpi(LOCAL, PEER);
    List<ByteBuf> bufs = deliver(spi, 1, 3);
    assertEquals(3, sad.findInbound(spi).info().queued());
    assertEquals(3, stat(XfrmStat.IN_LARVAL_QUEUED));
    assertTrue(rec.drained.isEmpty());
    assertEquals(SadStatus.OK, sad.update(spec(Direction.IN, spi, 1, PEER)));
    SecurityAssociation sa = sad.findInbound(spi);
    assertEquals(List.of(1, 2, 3), rec.drained);
    assertTrue(rec.drainedInto.stream().allMatch(s -> s == sa));
    assertAllReleased(bufs);
    assertEquals(0, sa.info().queued());
    ByteBuf b = packet(4);
    assertSame(sa, sad.inbound(spi, b));
    assertEquals(1, b.refCnt(), "caller keeps it");
    assertEquals(EspStatus.OK, sa.open(b, new OpenResult()));
    b.release();
    assertEquals(3, rec.drained.size());
  }

  @Test
  void queueIsBoundedAndDropsTheOldest() {
    sad = newSad(2, Sad.DEFAULT_ACQUIRE_TIMEOUT);
    int spi = sad.getSpi(LOCAL, PEER);
    List<ByteBuf> bufs = deliver(spi, 1, 5);
    assertEquals(3, stat(XfrmStat.IN_LARVAL_QUEUE_DROPS));
    assertEquals(5, stat(XfrmStat.IN_LARVAL_QUEUED), "cumulative: the dropped ones were queued");
    assertAllReleased(bufs.subList(0, 3));
    sad.update(spec(Direction.IN, spi, 1, PEER));
    assertEquals(List.of(4, 5), rec.drained);
    assertAllReleased(bufs);
  }

  @Test
  void larvalThatIsNeverUpdatedExpiresWithItsQueue() {
    sad = newSad(64, Duration.ofSeconds(30));
    int spi = sad.getSpi(LOCAL, PEER);
    List<ByteBuf> bufs = deliver(spi, 1, 2);
    clock.advance(29_999);
    sad.tick();
    assertEquals(SaState.LARVAL, sad.findInbound(spi).state());
    clock.advance(1);
    sad.tick();
    assertNull(sad.findInbound(spi));
    assertAllReleased(bufs);
    assertEquals(2, stat(XfrmStat.ACQUIRE_TIMEOUTS));
    SadEvent.HardExpire e = rec.events(SadEvent.HardExpire.class).get(0);
    assertEquals(ExpireCause.LARVAL_TIMEOUT, e.cause());
    assertEquals(spi, e.sa().spi());
    assertEquals(SadStatus.NO_SUCH_SA, sad.update(spec(Direction.IN, spi, 1, PEER)));
    ByteBuf late = packet(3);
    assertNull(sad.inbound(spi, late));
    assertEquals(0, late.refCnt());
    assertEquals(1, stat(XfrmStat.IN_NO_STATES));
  }

  @Test
  void deleteAndFlushReleaseQueuedBuffers() {
    int a = sad.getSpi(LOCAL, PEER);
    int b = sad.getSpi(LOCAL, PEER);
    List<ByteBuf> qa = deliver(a, 1, 3);
    List<ByteBuf> qb = deliver(b, 4, 5);
    assertEquals(SadStatus.OK, sad.delete(Direction.IN, a, null));
    assertAllReleased(qa);
    assertEquals(1, qb.get(0).refCnt());
    assertEquals(1, sad.flush());
    assertAllReleased(qb);
    assertEquals(5, stat(XfrmStat.IN_LARVAL_QUEUE_DROPS));
    assertTrue(rec.drained.isEmpty());
  }

  @Test
  void unknownSpiIsCountedAndReleased() {
    ByteBuf b = packet(1);
    assertNull(sad.inbound(0x12345678, b));
    assertEquals(0, b.refCnt());
    assertEquals(1, stat(XfrmStat.IN_NO_STATES));
  }

  @Test
  void drainMayReEnterInboundOnTheSameThreadAndGetsTheSa() {
    List<SecurityAssociation> got = new ArrayList<>();
    List<EspStatus> opened = new ArrayList<>();
    sad =
        Sad.builder()
            .clock(clock)
            .transforms(transforms)
            .inboundDrain(
                (sa, b) -> {
                  SecurityAssociation s = sad.inbound(sa.spi(), b);
                  got.add(s);
                  opened.add(s.open(b, new OpenResult()));
                  b.release();
                })
            .build();
    int spi = sad.getSpi(LOCAL, PEER);
    List<ByteBuf> bufs = deliver(spi, 1, 2);
    sad.update(spec(Direction.IN, spi, 1, PEER));
    SecurityAssociation sa = sad.findInbound(spi);
    assertEquals(List.of(sa, sa), got);
    assertEquals(List.of(EspStatus.OK, EspStatus.OK), opened);
    assertEquals(2, sa.info().packets());
    assertAllReleased(bufs);
  }

  @Test
  void hardLimitReachedDuringTheDrainDropsTheRest() {
    List<EspStatus> opened = new ArrayList<>();
    sad =
        Sad.builder()
            .clock(clock)
            .transforms(transforms)
            .inboundDrain(
                (sa, b) -> {
                  opened.add(sa.open(b, new OpenResult()));
                  b.release();
                })
            .build();
    sad.setListener(rec);
    int spi = sad.getSpi(LOCAL, PEER);
    List<ByteBuf> bufs = deliver(spi, 1, 5);
    sad.update(spec(Direction.IN, spi, 1, PEER, SaLifetime.NONE, new SaLifetime(0, 0, 2)));
    assertEquals(List.of(EspStatus.OK, EspStatus.OK), opened, "two packets allowed, then DEAD");
    assertAllReleased(bufs);
    assertEquals(3, sad.stats().get(XfrmStat.IN_LARVAL_QUEUE_DROPS));
    assertNull(sad.findInbound(spi));
    assertEquals(ExpireCause.PACKETS, rec.events(SadEvent.HardExpire.class).get(0).cause());
  }
}
