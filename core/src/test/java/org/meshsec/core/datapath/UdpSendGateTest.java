package org.meshsec.core.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The send side's rule under back-pressure, on a channel whose "socket" can be made to stop taking
 * datagrams (as sendmmsg does with EAGAIN while SO_SNDBUF is full): a bounded queue, counted drops
 * beyond it, and sending that resumes once the socket takes datagrams again (EPOLLOUT).
 */
class UdpSendGateTest {
  static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.2", 4500);
  static final int DATAGRAM = 1400;

  /** A channel whose writes stay queued while {@link #full}, like Netty's on EAGAIN. */
  static final class SocketChannel extends EmbeddedChannel {
    volatile boolean full;

    SocketChannel(UdpSendGate gate) {
      super(
          new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
              gate.writabilityChanged(ctx.channel());
            }
          });
      config().setWriteBufferWaterMark(UdpSendGate.WATER_MARK);
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
      if (!full) {
        super.doWrite(in);
      }
    }

    long queued() {
      return unsafe().outboundBuffer().totalPendingWriteBytes();
    }
  }

  final UdpSendGate gate = new UdpSendGate();
  final SocketChannel ch = new SocketChannel(gate);

  @AfterEach
  void release() {
    ch.full = false;
    ch.flush(); // the queued datagrams leave; closing would fail them
    ch.finishAndReleaseAll();
  }

  static DatagramPacket datagram() {
    ByteBuf b = Unpooled.directBuffer(DATAGRAM);
    b.writeZero(DATAGRAM);
    return new DatagramPacket(b, PEER);
  }

  /**
   * Writes {@code n} datagrams as one TUN batch would (no flush in between); returns those sent.
   */
  int batch(int n) {
    int written = 0;
    for (int i = 0; i < n; i++) {
      written += gate.write(ch, datagram(), 1) ? 1 : 0;
    }
    ch.flush();
    return written;
  }

  @Test
  void aFullSocketQueuesUpToTheBoundThenDropsAndCounts() {
    ch.full = true;
    int offered = 4 * UdpSendGate.WATER_MARK.high() / DATAGRAM;
    int written = batch(offered);

    long high = UdpSendGate.WATER_MARK.high();
    assertTrue(ch.queued() <= high + DATAGRAM, "queue bounded: " + ch.queued() + " > " + high);
    assertTrue(ch.queued() > high - DATAGRAM, "queued up to the bound first: " + ch.queued());
    UdpTransport.SendStats s = gate.snapshot();
    assertEquals(offered - written, s.droppedFull(), "every datagram beyond the bound counted");
    assertEquals(1, s.blocked(), "the channel went unwritable once");
    assertFalse(ch.isWritable());
  }

  @Test
  void sendingResumesWhenTheSocketTakesDatagramsAgain() {
    ch.full = true;
    int first = batch(4 * UdpSendGate.WATER_MARK.high() / DATAGRAM);
    assertFalse(ch.isWritable());

    ch.full = false;
    ch.flush(); // what EPOLLOUT does: Netty's forceFlush
    assertTrue(ch.isWritable(), "writable again once the queue drained");
    assertEquals(first, ch.outboundMessages().size(), "every queued datagram was sent");

    long dropped = gate.snapshot().droppedFull();
    int more = 100;
    assertEquals(more, batch(more), "new datagrams are sent again");
    assertEquals(dropped, gate.snapshot().droppedFull(), "no new drops");
  }

  @Test
  void aBatchLargerThanTheBoundIsNotDroppedWhileTheSocketTakesIt() {
    // 64 TUN reads of 64 KB super-packets seal into more than the bound before the batch's flush:
    // the gate flushes on its own instead of dropping.
    int n = 3 * UdpSendGate.WATER_MARK.high() / DATAGRAM;
    assertEquals(n, batch(n));
    assertEquals(0, gate.snapshot().droppedFull());
    assertEquals(n, ch.outboundMessages().size());
  }

  @Test
  void aClosedChannelDropsAndCountsAFailure() {
    ch.close();
    assertFalse(gate.write(ch, datagram(), 3));
    assertEquals(3, gate.snapshot().failed());
  }

  @Test
  void sendErrorsAreCountedByCauseAndReadErrorsAreNot() {
    assumeTrue(Epoll.isAvailable(), "Netty's native errno table");
    gate.sendFailed(Errors.newIOException("sendmmsg", -105), "192.0.2.1:4500"); // ENOBUFS
    gate.sendFailed(Errors.newIOException("sendmmsg", -105), "192.0.2.1:4500");
    gate.sendFailed(Errors.newIOException("sendmsg", -90), "192.0.2.1:4500"); // EMSGSIZE
    gate.sendFailed(Errors.newIOException("recvmsg", -104), "192.0.2.1:4500");
    gate.sendFailed(new IOException("No buffer space available"), "192.0.2.1:4500"); // NIO
    UdpTransport.SendStats s = gate.snapshot();
    assertEquals(3, s.noBufs());
    assertEquals(1, s.failed());
  }
}
