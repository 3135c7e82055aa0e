package org.meshsec.core.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.core.sad.Fixtures.PEER;
import static org.meshsec.core.sad.Fixtures.spec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.stats.XfrmStat;
import org.meshsec.esp.EspStatus;
import org.meshsec.esp.OpenResult;
import org.meshsec.esp.SaLifetime;

/** Soft and hard lifetimes by time, bytes and packets (RFC 4301 section 4.4.2.1). */
class LifetimeTest extends SadTestBase {

  EspStatus sealBytes(SecurityAssociation sa, int n) {
    ByteBuf b = Unpooled.buffer(n).writeZero(n);
    try {
      return sa.seal(b, 4);
    } finally {
      b.release();
    }
  }

  EspStatus openBytes(SecurityAssociation sa, int n) {
    ByteBuf b = Unpooled.buffer(n).writeZero(n);
    try {
      return sa.open(b, new OpenResult());
    } finally {
      b.release();
    }
  }

  @Test
  void packetLimitsOutbound() {
    sad.add(spec(Direction.OUT, 0x2000, 1, PEER, new SaLifetime(0, 0, 3), new SaLifetime(0, 0, 5)));
    SecurityAssociation sa = sad.findOutbound(1, PEER);
    FakeTransform t = transforms.last();
    sealBytes(sa, 10);
    sealBytes(sa, 10);
    assertEquals(SaState.MATURE, sa.state());
    assertEquals(EspStatus.OK, sealBytes(sa, 10));
    assertEquals(SaState.DYING, sa.state());
    assertEquals(ExpireCause.PACKETS, rec.events(SadEvent.SoftExpire.class).get(0).cause());
    assertEquals(EspStatus.OK, sealBytes(sa, 10));
    assertEquals(EspStatus.OK, sealBytes(sa, 10), "the 5th packet is still sealed");
    assertEquals(SaState.DEAD, sa.state());
    assertTrue(t.keyWiped());
    assertEquals(EspStatus.CLOSED, sealBytes(sa, 10));
    assertEquals(5, t.calls, "the transform is never used after DEAD");
    assertEquals(1, rec.events(SadEvent.SoftExpire.class).size());
    assertEquals(ExpireCause.PACKETS, rec.events(SadEvent.HardExpire.class).get(0).cause());
    assertNull(sad.findOutbound(1, PEER));
    assertEquals(1, stat(XfrmStat.OUT_STATE_EXPIRED));
  }

  @Test
  void byteLimitsInbound() {
    sad.add(
        spec(Direction.IN, 0x2000, 1, PEER, new SaLifetime(0, 100, 0), new SaLifetime(0, 250, 0)));
    SecurityAssociation sa = sad.findInbound(0x2000);
    openBytes(sa, 99);
    assertEquals(SaState.MATURE, sa.state());
    openBytes(sa, 1);
    assertEquals(SaState.DYING, sa.state());
    assertEquals(ExpireCause.BYTES, rec.events(SadEvent.SoftExpire.class).get(0).cause());
    openBytes(sa, 100);
    assertEquals(SaState.DYING, sa.state());
    assertEquals(EspStatus.OK, openBytes(sa, 100), "the packet that crosses the limit is the last");
    assertEquals(SaState.DEAD, sa.state());
    assertEquals(300, rec.events(SadEvent.HardExpire.class).get(0).sa().bytes());
    assertEquals(ExpireCause.BYTES, rec.events(SadEvent.HardExpire.class).get(0).cause());
    assertNull(sad.findInbound(0x2000));
    assertEquals(EspStatus.CLOSED, openBytes(sa, 1));
    assertEquals(1, stat(XfrmStat.IN_STATE_EXPIRED));
  }

  @Test
  void crossingSoftAndHardAtOnceRaisesOnlyHard() {
    sad.add(
        spec(Direction.OUT, 0x2000, 1, PEER, new SaLifetime(0, 10, 0), new SaLifetime(0, 20, 0)));
    sealBytes(sad.findOutbound(1, PEER), 50);
    assertEquals(0, rec.events(SadEvent.SoftExpire.class).size());
    assertEquals(1, rec.events(SadEvent.HardExpire.class).size());
  }

  @Test
  void timeLimitsComeFromTheTickAndCountFromUpdateNotGetSpi() {
    int spi = sad.getSpi(Fixtures.LOCAL, PEER);
    clock.advance(5_000);
    sad.update(
        spec(Direction.IN, spi, 1, PEER, SaLifetime.ofSeconds(10), SaLifetime.ofSeconds(15)));
    SecurityAssociation sa = sad.findInbound(spi);
    clock.advance(9_000);
    sad.tick();
    assertEquals(SaState.MATURE, sa.state(), "14 s after getSpi, 9 s after update");
    clock.advance(1_000);
    sad.tick();
    assertEquals(SaState.DYING, sa.state());
    clock.advance(5_000);
    sad.expire(clock.getAsLong());
    assertEquals(SaState.DEAD, sa.state());
    assertEquals(ExpireCause.TIME, rec.events(SadEvent.HardExpire.class).get(0).cause());
    assertTrue(transforms.forSpi(spi).keyWiped());
  }

  @Test
  void softAboveHardIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            spec(
                Direction.OUT,
                0x2000,
                1,
                PEER,
                SaLifetime.ofSeconds(20),
                SaLifetime.ofSeconds(10)));
    assertThrows(IllegalArgumentException.class, () -> new SaLifetime(-1, 0, 0));
    // an unlimited soft or hard dimension is fine
    spec(Direction.OUT, 0x2000, 1, PEER, SaLifetime.NONE, SaLifetime.ofSeconds(10));
    spec(Direction.OUT, 0x2000, 1, PEER, SaLifetime.ofSeconds(10), SaLifetime.NONE);
  }
}
