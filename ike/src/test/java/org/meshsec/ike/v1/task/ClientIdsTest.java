package org.meshsec.ike.v1.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.EspSuite;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.port.TsRange;
import org.meshsec.ike.v1.message.IdPayload;
import org.meshsec.ike.v1.message.IdType;
import org.meshsec.ike.v1.message.IpsecAttribute;
import org.meshsec.ike.v1.message.SaPayload;

/** Quick Mode IDs as selectors (RFC 2407 4.6.2) and ESP transforms (RFC 2407 4.5, 4106, 4868). */
class ClientIdsTest {
  private static TsRange ts(String cidr) {
    return TsRange.parse(cidr);
  }

  @Test
  void selectorsAndIdsRoundTrip() {
    assertEquals(IdType.IPV4_ADDR, ClientIds.toId(ts("10.0.0.1")).orElseThrow().idType());
    assertEquals(IdType.IPV4_ADDR_SUBNET, ClientIds.toId(ts("10.0.0.0/8")).orElseThrow().idType());
    assertEquals(IdType.IPV6_ADDR_SUBNET, ClientIds.toId(ts("fd00::/64")).orElseThrow().idType());
    TsRange range = TsRange.of(V1Peers.addr("10.0.0.3"), V1Peers.addr("10.0.0.9"));
    assertEquals(IdType.IPV4_ADDR_RANGE, ClientIds.toId(range).orElseThrow().idType());
    TsRange tcp443 = new TsRange(V1Peers.addr("10.0.0.0"), V1Peers.addr("10.0.0.255"), 6, 443, 443);
    for (TsRange t : List.of(ts("10.0.0.1"), ts("10.0.0.0/8"), ts("fd00::/64"), range, tcp443)) {
      assertEquals(Optional.of(t), ClientIds.toTs(ClientIds.toId(t).orElseThrow()), t::toString);
    }
    assertEquals(
        Optional.empty(),
        ClientIds.toId(new TsRange(V1Peers.addr("10.0.0.1"), V1Peers.addr("10.0.0.1"), 6, 1, 9)),
        "a port range has no ID form");
    assertEquals(Optional.empty(), ClientIds.toTs(IdPayload.fqdn("host.example")));
    // A subnet ID whose address has host bits set still stands for the whole subnet.
    IdPayload sloppy = IdPayload.subnet(V1Peers.addr("10.1.2.3"), 16, 0, 0);
    assertEquals(Optional.of(ts("10.1.0.0/16")), ClientIds.toTs(sloppy));
  }

  @Test
  void narrowingTakesTheFirstOverlappingPolicySelector() {
    assertEquals(
        Optional.of(ts("10.1.2.0/24")),
        ClientIds.narrow(ts("10.1.0.0/16"), List.of(ts("192.168.0.0/16"), ts("10.1.2.0/24"))));
    assertEquals(Optional.empty(), ClientIds.narrow(ts("10.1.0.0/16"), List.of(ts("10.2.0.0/16"))));
  }

  @Test
  void espTransformsRoundTrip() {
    for (EspSuite s : EspSuite.supported()) {
      if (s.equals(EspSuite.CHACHA20_POLY1305)) {
        continue; // no IKEv1 transform id
      }
      EspTransforms.Offer o =
          new EspTransforms.Offer(
              s,
              IpsecAttribute.EncapsulationMode.UDP_ENCAPSULATED_TUNNEL,
              DhGroup.ECP_256,
              3600,
              100_000);
      SaPayload.Transform t = EspTransforms.toTransform(1, o);
      assertEquals(Optional.of(o), EspTransforms.fromTransform(t), s::toString);
    }
    // GCM with an Authentication Algorithm is refused (RFC 4106 section 8.4).
    SaPayload.Transform gcm =
        EspTransforms.toTransform(
            1,
            new EspTransforms.Offer(
                EspSuite.AES128_GCM16,
                IpsecAttribute.EncapsulationMode.TUNNEL,
                DhGroup.NONE,
                0,
                0));
    List<org.meshsec.ike.v1.message.DataAttribute> attrs =
        new java.util.ArrayList<>(gcm.attributes());
    attrs.add(org.meshsec.ike.v1.message.DataAttribute.basic(5, 5));
    assertEquals(
        Optional.empty(),
        EspTransforms.fromTransform(new SaPayload.Transform(1, gcm.transformId(), attrs)));
  }

  @Test
  void draftNatTModesCountAsTheRfcOnes() {
    assertEquals(
        true,
        EspTransforms.sameMode(
            IpsecAttribute.EncapsulationMode.DRAFT_UDP_ENCAPSULATED_TUNNEL,
            IpsecAttribute.EncapsulationMode.UDP_ENCAPSULATED_TUNNEL));
    assertEquals(
        false,
        EspTransforms.sameMode(
            IpsecAttribute.EncapsulationMode.DRAFT_UDP_ENCAPSULATED_TUNNEL,
            IpsecAttribute.EncapsulationMode.UDP_ENCAPSULATED_TRANSPORT));
    assertEquals(
        false,
        EspTransforms.sameMode(
            IpsecAttribute.EncapsulationMode.TUNNEL,
            IpsecAttribute.EncapsulationMode.UDP_ENCAPSULATED_TUNNEL),
        "plain Tunnel is not UDP-encapsulated");
  }
}
