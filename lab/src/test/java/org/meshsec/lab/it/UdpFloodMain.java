package org.meshsec.lab.it;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code UdpFloodMain HOST PORT COUNT SIZE PER_MS}: sends COUNT UDP datagrams of SIZE bytes to
 * HOST:PORT, PER_MS of them per millisecond, and prints {@code sent COUNT datagrams}. Nothing
 * listens: the datagrams only have to cross the tunnel. Run by the back-pressure test inside a
 * namespace, to push more into a node's TUN device than its underlay can carry; the pace keeps the
 * TUN device's own queue (500 packets, dropped silently when full) from losing most of them.
 */
public final class UdpFloodMain {
  private UdpFloodMain() {}

  public static void main(String[] args) throws Exception {
    InetSocketAddress to =
        new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
    int count = Integer.parseInt(args[2]);
    ByteBuffer payload = ByteBuffer.allocateDirect(Integer.parseInt(args[3]));
    int perMs = Integer.parseInt(args[4]);
    long start = System.nanoTime();
    try (DatagramChannel ch = DatagramChannel.open()) {
      for (int i = 0; i < count; i++) {
        payload.clear();
        ch.send(payload, to);
        if (i % perMs == perMs - 1) {
          long due = start + (i / perMs + 1) * 1_000_000L;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
      }
    }
    System.out.println("sent " + count + " datagrams");
  }
}
