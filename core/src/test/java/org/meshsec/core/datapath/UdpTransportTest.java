package org.meshsec.core.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The UDP side binds first and reads only once its receiver (the data path) exists. */
class UdpTransportTest {
  final IoEventLoopGroup group =
      new MultiThreadIoEventLoopGroup(
          1, Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());

  @AfterEach
  void tearDown() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  @Test
  void aDatagramThatArrivesBeforeStartIsDeliveredAfterIt() throws Exception {
    InetAddress lo = InetAddress.getLoopbackAddress();
    UdpTransport t = UdpTransport.bind(group, List.of(new InetSocketAddress(lo, 0)));
    try (DatagramSocket s = new DatagramSocket(0, lo)) {
      int port = t.localAddresses().get(0).getPort();
      byte[] hello = {0, 0, 0, 0, 'h', 'i'};
      s.send(new DatagramPacket(hello, hello.length, lo, port));
      Thread.sleep(100); // in the socket buffer, nobody reading
      LinkedBlockingQueue<byte[]> got = new LinkedBlockingQueue<>();
      t.start(
          (payload, from) -> {
            got.add(ByteBufUtil.getBytes(payload));
            payload.release();
          });
      byte[] first = got.poll(5, TimeUnit.SECONDS);
      assertNotNull(first, "held until start, then read");
      assertArrayEquals(hello, first);
      assertThrows(IllegalStateException.class, () -> t.start((p, f) -> p.release()));
    } finally {
      t.close();
    }
  }
}
