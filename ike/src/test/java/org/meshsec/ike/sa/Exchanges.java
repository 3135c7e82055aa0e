package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Arrays;
import java.util.List;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.message.MessageSummary;
import org.meshsec.ike.port.LoopbackNetwork;
import org.meshsec.ike.port.MemoryIpsec;

/**
 * Step helpers for two-peer tests: deliver one datagram and check the exchange it carried in the
 * notation of strongSwan's logs and RFC 7296 ({@code IKE_AUTH request 1 [ SK { IDi AUTH SA TSi TSr
 * } ]}).
 */
final class Exchanges {
  private Exchanges() {}

  /** The exchange in strongSwan's notation, e.g. {@code IKE_SA_INIT request 0 [ SA KE No ]}. */
  static String summary(Message m) {
    return MessageSummary.structure(m);
  }

  /**
   * Delivers the next datagram in flight, which must go from {@code from} to {@code to}, and checks
   * that it carried the exchange {@code expected} (the last message {@code from} sent).
   */
  static Message step(LoopbackNetwork net, TestNode from, TestNode to, String expected) {
    List<LoopbackNetwork.Datagram> inFlight = net.inFlight();
    assertEquals(false, inFlight.isEmpty(), "nothing in flight, expected " + expected);
    LoopbackNetwork.Datagram d = inFlight.get(0);
    assertEquals(from.address, d.from().getAddress(), "sender of " + expected);
    assertEquals(to.address, d.to().getAddress(), "receiver of " + expected);
    Message sent = from.lastSent();
    assertEquals(expected, summary(sent));
    deliverMessage(net);
    return sent;
  }

  /**
   * Delivers the next message in flight: its datagram, or all its fragments (RFC 7383), which share
   * sender, receiver, SPIs, Message ID and direction. Returns how many datagrams.
   */
  static int deliverMessage(LoopbackNetwork net) {
    List<LoopbackNetwork.Datagram> inFlight = net.inFlight();
    LoopbackNetwork.Datagram first = inFlight.get(0);
    int n = 0;
    for (LoopbackNetwork.Datagram d : inFlight) {
      if (!d.from().equals(first.from())
          || !d.to().equals(first.to())
          || !Arrays.equals(d.bytes(), 0, 24, first.bytes(), 0, 24)) {
        break;
      }
      n++;
    }
    for (int i = 0; i < n; i++) {
      net.deliverNext();
    }
    return n;
  }

  /**
   * Checks that every pair installed on {@code a} has its mirror on {@code b}: same SPIs crossed,
   * a's outbound keys are b's inbound keys and the other way round, same suite and mode, selectors
   * crossed.
   */
  static void assertMirrored(MemoryIpsec a, MemoryIpsec b) {
    assertEquals(a.installed().size(), b.installed().size(), "installed pairs");
    for (MemoryIpsec.Pair pa : a.installed()) {
      MemoryIpsec.Pair pb =
          b.byInbound(pa.sa().outboundSpi())
              .orElseThrow(() -> new AssertionError("no mirror of " + pa.sa()));
      assertNotNull(pb);
      assertEquals(pa.sa().inboundSpi(), pb.sa().outboundSpi());
      assertArrayEquals(pa.outboundKeys(), pb.inboundKeys(), "a's outbound = b's inbound keys");
      assertArrayEquals(pa.inboundKeys(), pb.outboundKeys(), "a's inbound = b's outbound keys");
      assertEquals(pa.sa().suite(), pb.sa().suite());
      assertEquals(pa.sa().mode(), pb.sa().mode());
      assertEquals(pa.sa().esn(), pb.sa().esn());
      assertEquals(pa.sa().localTs(), pb.sa().remoteTs());
      assertEquals(pa.sa().remoteTs(), pb.sa().localTs());
      assertEquals(pa.sa().local(), pb.sa().remote());
      assertEquals(pa.sa().remote(), pb.sa().local());
    }
  }
}
