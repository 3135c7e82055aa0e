package org.meshsec.tun.tuntest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.meshsec.tun.TunStats;
import org.meshsec.tun.WriteResult;

class TunFakeTest {

  private static byte[] ipv4(int marker, int length) {
    byte[] p = new byte[length];
    p[0] = 0x45;
    p[length - 1] = (byte) marker;
    return p;
  }

  @Test
  void roundTripThroughAnEchoHandler() throws Exception {
    try (TunFake tun = new TunFake("fake0", 1400)) {
      List<Integer> batchSizes = new ArrayList<>();
      tun.start(
          (queue, packets) -> {
            assertEquals(0, queue);
            batchSizes.add(packets.size());
            for (ByteBuf p : packets) {
              // The layout the real device promises: headroom before, tailroom after.
              assertTrue(p.isDirect());
              assertTrue(p.readerIndex() >= tun.headroom());
              assertTrue(p.writableBytes() >= tun.tailroom());
              assertEquals(WriteResult.WRITTEN, tun.write(p));
            }
          });
      byte[] a = ipv4(1, 60);
      byte[] b = ipv4(2, 1400);
      byte[] c = new byte[40];
      c[0] = 0x60;
      tun.inject(a, b, c);
      assertEquals(List.of(3), batchSizes);
      assertArrayEquals(a, tun.pollWrittenBytes(1, TimeUnit.SECONDS));
      assertArrayEquals(b, tun.pollWrittenBytes(1, TimeUnit.SECONDS));
      assertArrayEquals(c, tun.pollWrittenBytes(1, TimeUnit.SECONDS));
      assertNull(tun.pollWrittenBytes(10, TimeUnit.MILLISECONDS));
      TunStats s = tun.stats();
      assertEquals(3, s.rxPackets());
      assertEquals(1500, s.rxBytes());
      assertEquals(1, s.rxBatches());
      assertEquals(3, s.txPackets());
      assertEquals(1500, s.txBytes());
    }
  }

  @Test
  void splitsIntoBatchesAndKeepsOrder() {
    List<Integer> sizes = new ArrayList<>();
    List<Integer> markers = new ArrayList<>();
    try (TunFake tun = new TunFake("fake0", 1500, 16, 16, 4, 16, null)) {
      tun.start(
          (q, packets) -> {
            sizes.add(packets.size());
            for (ByteBuf p : packets) {
              markers.add((int) p.getByte(p.writerIndex() - 1));
              assertEquals(16, p.readerIndex());
              p.release();
            }
          });
      List<byte[]> ten = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        ten.add(ipv4(i, 20 + i));
      }
      tun.inject(ten);
    }
    assertEquals(List.of(4, 4, 2), sizes);
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), markers);
  }

  @Test
  void packetsInjectedBeforeStartWaitAndOversizedAreDropped() {
    List<Integer> lengths = new ArrayList<>();
    try (TunFake tun = new TunFake("fake0", 100)) {
      tun.inject(ipv4(1, 50), ipv4(2, 101), ipv4(3, 100));
      tun.start(
          (q, packets) -> {
            for (ByteBuf p : packets) {
              lengths.add(p.readableBytes());
              p.release();
            }
          });
      assertEquals(1, tun.stats().rxTruncated());
      assertThrows(IllegalStateException.class, () -> tun.start((q, p) -> {}));
    }
    assertEquals(List.of(50, 100), lengths);
  }

  @Test
  void writeRefusesLikeTheKernel() throws Exception {
    TunFake tun = new TunFake("fake0", 1500, 0, 0, 8, 2, null);
    try {
      ByteBuf empty = Unpooled.buffer(0);
      assertEquals(WriteResult.REJECTED, tun.write(empty));
      assertEquals(0, empty.refCnt());
      ByteBuf notIp = Unpooled.wrappedBuffer(new byte[] {0x10, 0, 0, 0});
      assertEquals(WriteResult.REJECTED, tun.write(notIp));
      assertEquals(0, notIp.refCnt());

      ByteBuf first = Unpooled.wrappedBuffer(ipv4(1, 20));
      assertEquals(WriteResult.WRITTEN, tun.write(first));
      assertEquals(1, first.refCnt(), "kept until taken");
      assertEquals(WriteResult.WRITTEN, tun.write(Unpooled.wrappedBuffer(ipv4(2, 20))));
      ByteBuf third = Unpooled.wrappedBuffer(ipv4(3, 20));
      assertEquals(WriteResult.WOULD_BLOCK, tun.write(third));
      assertEquals(0, third.refCnt());
      assertEquals(2, tun.writtenPending());
      TunStats s = tun.stats();
      assertEquals(2, s.txRejected());
      assertEquals(1, s.txWouldBlock());
      assertEquals(2, s.txPackets());

      tun.close();
      assertEquals(0, first.refCnt(), "close releases what was not taken");
      ByteBuf late = Unpooled.wrappedBuffer(ipv4(4, 20));
      assertEquals(WriteResult.CLOSED, tun.write(late));
      assertEquals(0, late.refCnt());
    } finally {
      tun.close();
    }
  }

  @Test
  void deliversOnTheGivenExecutorInOrder() throws Exception {
    ExecutorService exec = Executors.newSingleThreadExecutor(r -> new Thread(r, "fake-loop"));
    List<String> threads = new ArrayList<>();
    try (TunFake tun = new TunFake("fake0", 1500, 8, 8, 64, 64, exec)) {
      tun.start(
          (q, packets) -> {
            threads.add(Thread.currentThread().getName());
            for (ByteBuf p : packets) {
              tun.write(p);
            }
          });
      for (int i = 0; i < 5; i++) {
        tun.inject(ipv4(i, 30));
      }
      for (int i = 0; i < 5; i++) {
        byte[] got = tun.pollWrittenBytes(5, TimeUnit.SECONDS);
        assertEquals(i, got[29]);
      }
    } finally {
      exec.shutdown();
      assertTrue(exec.awaitTermination(5, TimeUnit.SECONDS));
    }
    assertEquals(List.of("fake-loop", "fake-loop", "fake-loop", "fake-loop", "fake-loop"), threads);
  }

  @Test
  void injectCopiesWithoutTakingTheCallersBuffer() throws Exception {
    try (TunFake tun = new TunFake("fake0", 1500)) {
      tun.start(
          (q, packets) -> {
            for (ByteBuf p : packets) {
              tun.write(p);
            }
          });
      ByteBuf mine = Unpooled.wrappedBuffer(ipv4(7, 40));
      tun.inject(mine);
      assertEquals(1, mine.refCnt());
      mine.setByte(39, 9);
      assertEquals(7, tun.pollWrittenBytes(1, TimeUnit.SECONDS)[39]);
      mine.release();
    }
  }
}
