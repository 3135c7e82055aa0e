package org.meshsec.core.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.meshsec.core.sad.Fixtures.LOCAL;
import static org.meshsec.core.sad.Fixtures.PEER;
import static org.meshsec.core.sad.Fixtures.PEER2;
import static org.meshsec.core.sad.Fixtures.packet;
import static org.meshsec.core.sad.Fixtures.spec;

import io.netty.buffer.ByteBuf;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.stats.XfrmStat;
import org.meshsec.esp.EspStatus;
import org.meshsec.esp.IpsecMode;
import org.meshsec.esp.OpenResult;
import org.meshsec.esp.SaLifetime;

/** State transitions and the key-engine operations. */
class SaLifecycleTest extends SadTestBase {

  @Test
  void larvalToMatureToDyingToDeadByTime() {
    int spi = sad.getSpi(LOCAL, PEER);
    SecurityAssociation sa = sad.findInbound(spi);
    assertEquals(SaState.LARVAL, sa.state());
    assertNull(sa.mode());
    assertEquals(-1, sa.policyId());
    assertTrue(transforms.made.isEmpty(), "a LARVAL SA has no keys");

    assertEquals(
        SadStatus.OK,
        sad.update(
            spec(Direction.IN, spi, 7, PEER, SaLifetime.ofSeconds(10), SaLifetime.ofSeconds(20))));
    assertSame(sa, sad.findInbound(spi), "updated in place");
    assertEquals(SaState.MATURE, sa.state());
    assertEquals(IpsecMode.TUNNEL, sa.mode());
    assertEquals(7, sa.policyId());
    assertEquals(4500, sa.peerPort());

    clock.advance(9_999);
    sad.tick();
    assertEquals(SaState.MATURE, sa.state());
    clock.advance(1);
    sad.tick();
    assertEquals(SaState.DYING, sa.state());
    sad.tick();
    List<SadEvent.SoftExpire> soft = rec.events(SadEvent.SoftExpire.class);
    assertEquals(1, soft.size(), "SOFT_EXPIRE once");
    assertEquals(ExpireCause.TIME, soft.get(0).cause());
    assertEquals(spi, soft.get(0).sa().spi());

    FakeTransform t = transforms.forSpi(spi);
    assertFalse(t.closed);
    clock.advance(10_000);
    sad.tick();
    assertEquals(SaState.DEAD, sa.state());
    assertTrue(t.closed && t.keyWiped(), "keys wiped on DEAD");
    assertNull(sad.findInbound(spi), "removed");
    List<SadEvent.HardExpire> hard = rec.events(SadEvent.HardExpire.class);
    assertEquals(1, hard.size());
    assertEquals(ExpireCause.TIME, hard.get(0).cause());
    assertEquals(SaState.DEAD, hard.get(0).sa().state());

    ByteBuf b = packet(1);
    assertEquals(EspStatus.CLOSED, sa.open(b, new OpenResult()));
    assertEquals(1, stat(XfrmStat.IN_STATE_EXPIRED));
    b.release();
    sad.tick();
    assertEquals(1, rec.events(SadEvent.HardExpire.class).size(), "DEAD is terminal");
  }

  @Test
  void updateErrorsAreTypedAndLeaveTheSaAlone() {
    int spi = sad.getSpi(LOCAL, PEER);
    assertEquals(SadStatus.WRONG_DIRECTION, sad.update(spec(Direction.OUT, spi, 1, PEER)));
    assertEquals(SadStatus.NO_SUCH_SA, sad.update(spec(Direction.IN, spi + 1, 1, PEER)));
    transforms.fail = true;
    assertEquals(SadStatus.TRANSFORM_FAILED, sad.update(spec(Direction.IN, spi, 1, PEER)));
    assertEquals(SaState.LARVAL, sad.findInbound(spi).state());
    transforms.fail = false;
    assertEquals(SadStatus.OK, sad.update(spec(Direction.IN, spi, 1, PEER)));
    int built = transforms.made.size();
    assertEquals(SadStatus.NOT_LARVAL, sad.update(spec(Direction.IN, spi, 1, PEER)));
    assertEquals(built, transforms.made.size(), "no keys installed by a refused update");
    assertFalse(transforms.forSpi(spi).closed);
  }

  @Test
  void addInstallsMatureAndRefusesDuplicateSpis() {
    assertEquals(SadStatus.OK, sad.add(spec(Direction.IN, 0x1000, 1, PEER)));
    assertEquals(SaState.MATURE, sad.findInbound(0x1000).state());
    assertEquals(SadStatus.SPI_IN_USE, sad.add(spec(Direction.IN, 0x1000, 2, PEER2)));
    int larval = sad.getSpi(LOCAL, PEER);
    assertEquals(SadStatus.SPI_IN_USE, sad.add(spec(Direction.IN, larval, 2, PEER)));

    // Outbound SPIs are the peers' choice: unique per peer only.
    assertEquals(SadStatus.OK, sad.add(spec(Direction.OUT, 0x2000, 1, PEER)));
    assertEquals(SadStatus.OK, sad.add(spec(Direction.OUT, 0x2000, 2, PEER2)));
    assertEquals(SadStatus.SPI_IN_USE, sad.add(spec(Direction.OUT, 0x2000, 3, PEER)));
    assertEquals(2, sad.outboundCount());
    assertEquals(1, sad.get(Direction.OUT, 0x2000, PEER).orElseThrow().policyId());
    assertEquals(2, sad.get(Direction.OUT, 0x2000, PEER2).orElseThrow().policyId());
    assertTrue(sad.get(Direction.OUT, 0x2000, LOCAL).isEmpty());

    transforms.fail = true;
    assertEquals(SadStatus.TRANSFORM_FAILED, sad.add(spec(Direction.IN, 0x3000, 1, PEER)));
    assertNull(sad.findInbound(0x3000));
  }

  @Test
  void deleteWipesKeysRaisesDeleteAndIsNotRepeatable() {
    sad.add(spec(Direction.OUT, 0x2000, 1, PEER));
    FakeTransform t = transforms.last();
    SecurityAssociation sa = sad.findOutbound(1, PEER);
    assertEquals(SadStatus.OK, sad.delete(Direction.OUT, 0x2000, PEER));
    assertEquals(SaState.DEAD, sa.state());
    assertTrue(t.keyWiped());
    assertNull(sad.findOutbound(1, PEER));
    assertTrue(sad.get(Direction.OUT, 0x2000, PEER).isEmpty());
    assertEquals(1, rec.events(SadEvent.Deleted.class).size());
    assertEquals(SadStatus.NO_SUCH_SA, sad.delete(Direction.OUT, 0x2000, PEER));
    assertEquals(SadStatus.NO_SUCH_SA, sad.delete(Direction.IN, 0x2000, null));
    ByteBuf b = packet(1);
    assertEquals(EspStatus.CLOSED, sa.seal(b, 4));
    assertEquals(1, stat(XfrmStat.OUT_STATE_EXPIRED));
    b.release();
  }

  @Test
  void flushKillsEverythingAndDumpIsOrdered() {
    sad.add(spec(Direction.OUT, 0x3000, 1, PEER));
    sad.add(spec(Direction.IN, 0x2000, 1, PEER));
    sad.add(spec(Direction.OUT, 0x1000, 2, PEER2));
    sad.add(spec(Direction.IN, 0xF0000000, 2, PEER2));
    int larval = sad.getSpi(LOCAL, PEER);
    List<SaInfo> dump = sad.dump();
    assertEquals(5, dump.size());
    assertEquals(Direction.IN, dump.get(0).direction());
    assertEquals(Direction.IN, dump.get(2).direction());
    assertTrue(
        Integer.compareUnsigned(dump.get(0).spi(), dump.get(1).spi()) < 0
            && Integer.compareUnsigned(dump.get(1).spi(), dump.get(2).spi()) < 0);
    assertEquals(0x1000, dump.get(3).spi());
    assertEquals(0x3000, dump.get(4).spi());
    assertTrue(dump.stream().anyMatch(i -> i.spi() == larval && i.state() == SaState.LARVAL));

    assertEquals(5, sad.flush());
    assertTrue(sad.dump().isEmpty());
    assertEquals(0, sad.inboundCount());
    assertEquals(0, sad.outboundCount());
    assertEquals(5, rec.events(SadEvent.Deleted.class).size());
    assertTrue(transforms.made.stream().allMatch(FakeTransform::keyWiped));
  }

  @Test
  void noKeyBytesInAnyToString() {
    SaSpec s = spec(Direction.OUT, 0x2000, 1, PEER);
    sad.add(s);
    String hex = HexFormat.of().formatHex(Fixtures.key()).substring(0, 8);
    String dec = Byte.toString(Fixtures.key()[0]);
    for (String text :
        List.of(
            s.toString(),
            sad.findOutbound(1, PEER).toString(),
            sad.findOutbound(1, PEER).info().toString(),
            sad.dump().toString())) {
      assertFalse(text.toLowerCase().contains(hex), text);
      assertFalse(text.contains("[" + dec) || text.contains(dec + ","), text);
    }
    assertTrue(s.toString().contains("key=<20 bytes>"));
  }

  @Test
  void openCountsReplayAndIcvFailuresPerSaAndGlobally() {
    sad.add(spec(Direction.IN, 0x2000, 1, PEER));
    SecurityAssociation sa = sad.findInbound(0x2000);
    FakeTransform t = transforms.last();
    OpenResult out = new OpenResult();
    ByteBuf b = packet(1);
    t.next = EspStatus.REPLAY;
    assertEquals(EspStatus.REPLAY, sa.open(b, out));
    t.next = EspStatus.ICV_MISMATCH;
    sa.open(b, out);
    sa.open(b, out);
    t.next = EspStatus.TRUNCATED;
    sa.open(b, out);
    t.next = EspStatus.OK;
    assertEquals(EspStatus.OK, sa.open(b, out));
    b.release();
    SaInfo i = sa.info();
    assertEquals(1, i.replayDrops());
    assertEquals(2, i.icvFailures());
    assertEquals(1, i.packets());
    assertEquals(4, i.bytes());
    assertEquals(1, stat(XfrmStat.IN_STATE_SEQ_ERROR));
    assertEquals(2, stat(XfrmStat.IN_STATE_PROTO_ERROR));
    assertEquals(1, stat(XfrmStat.IN_HDR_ERROR));
    assertEquals(clock.getAsLong(), i.addMillis());
    assertEquals(clock.getAsLong(), i.lastUseMillis());
  }

  @Test
  void misuseOfDirectionIsAProgrammingError() {
    sad.add(spec(Direction.IN, 0x2000, 1, PEER));
    sad.add(spec(Direction.OUT, 0x2000, 1, PEER));
    ByteBuf b = packet(1);
    assertThrows(IllegalStateException.class, () -> sad.findInbound(0x2000).seal(b, 4));
    assertThrows(
        IllegalStateException.class, () -> sad.findOutbound(1, PEER).open(b, new OpenResult()));
    b.release();
  }

  @Test
  void openingALarvalSaOutsideTheQueueIsInvalid() {
    int spi = sad.getSpi(LOCAL, PEER);
    ByteBuf b = packet(1);
    assertEquals(EspStatus.CLOSED, sad.findInbound(spi).open(b, new OpenResult()));
    assertEquals(1, stat(XfrmStat.IN_STATE_INVALID));
    b.release();
  }

  @Test
  void sequenceExhaustionKillsTheSa() {
    sad.add(spec(Direction.OUT, 0x2000, 1, PEER));
    SecurityAssociation sa = sad.findOutbound(1, PEER);
    transforms.last().next = EspStatus.SEQ_EXHAUSTED;
    ByteBuf b = packet(1);
    assertEquals(EspStatus.SEQ_EXHAUSTED, sa.seal(b, 4));
    b.release();
    assertEquals(SaState.DEAD, sa.state());
    assertEquals(1, stat(XfrmStat.OUT_STATE_SEQ_ERROR));
    assertEquals(ExpireCause.SEQUENCE, rec.events(SadEvent.HardExpire.class).get(0).cause());
    assertNull(sad.findOutbound(1, PEER));
    assertNotNull(rec.events(SadEvent.HardExpire.class).get(0).sa());
  }

  @Test
  void listenerExceptionsDoNotBreakTheSad() {
    sad.setListener(
        e -> {
          throw new IllegalStateException("boom");
        });
    sad.add(spec(Direction.OUT, 0x2000, 1, PEER));
    assertEquals(SadStatus.OK, sad.delete(Direction.OUT, 0x2000, PEER));
    sad.setListener(null);
    sad.add(spec(Direction.OUT, 0x2001, 1, PEER));
    assertEquals(SadStatus.OK, sad.delete(Direction.OUT, 0x2001, PEER));
  }
}
