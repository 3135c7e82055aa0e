package org.meshsec.ike.v1.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.meshsec.ike.v1.task.V1Peers.I;
import static org.meshsec.ike.v1.task.V1Peers.R;
import static org.meshsec.ike.v1.task.V1Peers.reply;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IpsecMode;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.port.MemoryIpsec;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.v1.message.NatOaPayload;

/** NAT-OA in Quick Mode (RFC 3947 section 5.2): UDP-encapsulated transport mode only. */
class QuickModeNatOaTest {
  private final MemoryIpsec ipsecI = new MemoryIpsec(0x0100_0000);
  private final MemoryIpsec ipsecR = new MemoryIpsec(0x0200_0000);

  private static QuickModeConfig config(IpsecMode mode, String local, String remote) {
    return new QuickModeConfig(
        "host",
        7,
        List.of(EspSuite.AES128_GCM16),
        DhGroup.NONE,
        mode,
        true,
        List.of(TsRange.parse(local)),
        List.of(TsRange.parse(remote)),
        3600,
        0);
  }

  @Test
  void transportModeSendsNatOaiAndNatOarBothWaysAndKeepsThePeersOriginalAddress() throws Exception {
    Phase1State[] p1 = V1Peers.mainMode(21);
    QuickModeExchange i =
        QuickModeExchange.initiator(
            p1[0], config(IpsecMode.TRANSPORT, "192.0.2.1/32", "192.0.2.2/32"), ipsecI, I, R);
    QuickModeExchange r =
        QuickModeExchange.responder(
            p1[1], config(IpsecMode.TRANSPORT, "192.0.2.2/32", "192.0.2.1/32"), ipsecR, R, I);
    byte[] q1 = i.start();
    List<NatOaPayload> oa1 = Phase2Messages.open(p1[1], q1).message().all(NatOaPayload.class);
    assertEquals(
        List.of(NatOaPayload.of(I.getAddress()), NatOaPayload.of(R.getAddress())),
        oa1,
        "NAT-OAi, NAT-OAr after the IDs");
    byte[] q2 = reply(r.receive(q1));
    List<NatOaPayload> oa2 = Phase2Messages.open(p1[0], q2).message().all(NatOaPayload.class);
    assertEquals(List.of(NatOaPayload.of(I.getAddress()), NatOaPayload.of(R.getAddress())), oa2);
    byte[] q3 = reply(i.receive(q2));
    assertInstanceOf(MainModeExchange.Outcome.Done.class, r.receive(q3));
    assertEquals(I.getAddress(), r.task().peerOriginalAddress());
    assertEquals(R.getAddress(), i.task().peerOriginalAddress());
    assertEquals(1, ipsecR.installed().size());
  }

  @Test
  void tunnelModeSendsNone() throws Exception {
    Phase1State[] p1 = V1Peers.mainMode(22);
    QuickModeExchange i =
        QuickModeExchange.initiator(
            p1[0], config(IpsecMode.TUNNEL, "10.0.0.0/24", "10.1.0.0/24"), ipsecI, I, R);
    QuickModeExchange r =
        QuickModeExchange.responder(
            p1[1], config(IpsecMode.TUNNEL, "10.1.0.0/24", "10.0.0.0/24"), ipsecR, R, I);
    byte[] q1 = i.start();
    assertEquals(List.of(), Phase2Messages.open(p1[1], q1).message().all(NatOaPayload.class));
    byte[] q2 = reply(r.receive(q1));
    assertInstanceOf(MainModeExchange.Outcome.Done.class, r.receive(reply(i.receive(q2))));
    assertNull(r.task().peerOriginalAddress());
    assertNull(i.task().peerOriginalAddress());
  }
}
