package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.meshsec.ike.message.DeletePayload;
import org.meshsec.ike.message.IdPayload;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.message.NotifyPayload;
import org.meshsec.ike.message.NotifyType;
import org.meshsec.ike.message.Payload;
import org.meshsec.ike.message.SkPayload;
import org.meshsec.ike.message.TsPayload;
import org.meshsec.ike.port.LoopbackNetwork;
import org.meshsec.ike.port.MemoryIpsec;

/**
 * Step helpers for two-peer tests: deliver one datagram and check the exchange it carried in the
 * notation of strongSwan's logs and RFC 7296 ({@code IKE_AUTH request 1 [ SK { IDi AUTH SA TSi TSr
 * } ]}).
 */
final class Exchanges {
  private Exchanges() {}

  private static final Map<Integer, String> SHORT =
      Map.ofEntries(
          Map.entry(NotifyType.NAT_DETECTION_SOURCE_IP.value(), "NATD_S_IP"),
          Map.entry(NotifyType.NAT_DETECTION_DESTINATION_IP.value(), "NATD_D_IP"),
          Map.entry(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED.value(), "FRAG_SUP"),
          Map.entry(NotifyType.SIGNATURE_HASH_ALGORITHMS.value(), "HASH_ALG"),
          Map.entry(NotifyType.INITIAL_CONTACT.value(), "INIT_CONTACT"),
          Map.entry(NotifyType.USE_TRANSPORT_MODE.value(), "USE_TRANSP"),
          Map.entry(NotifyType.AUTHENTICATION_FAILED.value(), "AUTH_FAILED"),
          Map.entry(NotifyType.INVALID_KE_PAYLOAD.value(), "INVAL_KE"),
          Map.entry(NotifyType.NO_PROPOSAL_CHOSEN.value(), "NO_PROP"),
          Map.entry(NotifyType.TS_UNACCEPTABLE.value(), "TS_UNACCEPT"),
          Map.entry(NotifyType.TEMPORARY_FAILURE.value(), "TEMP_FAIL"));

  /** The exchange in strongSwan's notation, e.g. {@code IKE_SA_INIT request 0 [ SA KE No ]}. */
  static String summary(Message m) {
    StringBuilder b = new StringBuilder();
    b.append(m.header().exchangeType())
        .append(m.header().isRequest() ? " request " : " response ")
        .append(m.header().messageId())
        .append(" [");
    append(b, m.payloads());
    return b.append(" ]").toString();
  }

  private static void append(StringBuilder b, List<Payload> payloads) {
    for (Payload p : payloads) {
      b.append(' ');
      if (p instanceof SkPayload sk) {
        b.append("SK {");
        append(b, sk.payloads());
        b.append(" }");
      } else if (p instanceof NotifyPayload n) {
        b.append("N(")
            .append(SHORT.getOrDefault(n.notifyType().value(), n.notifyType().name()))
            .append(')');
      } else if (p instanceof IdPayload id) {
        b.append(id.initiator() ? "IDi" : "IDr");
      } else if (p instanceof TsPayload ts) {
        b.append(ts.initiator() ? "TSi" : "TSr");
      } else if (p instanceof DeletePayload) {
        b.append('D');
      } else {
        b.append(
            switch (p.type().value()) {
              case 33 -> "SA";
              case 34 -> "KE";
              case 37 -> "CERT";
              case 38 -> "CERTREQ";
              case 39 -> "AUTH";
              case 40 -> "No";
              default -> p.type().toString();
            });
      }
    }
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
