package org.meshsec.ike.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.meshsec.esp.EncrAlgorithm;
import org.meshsec.esp.IntegAlgorithm;
import org.meshsec.ike.config.EspProposal;
import org.meshsec.ike.config.IkeProposal;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.crypto.PrfAlgorithm;
import org.meshsec.ike.message.SaPayload.Proposal;
import org.meshsec.ike.message.SaPayload.Transform;

/** Proposals in strongSwan's log notation, and configured proposals in the configuration's. */
class ProposalTextTest {
  @Test
  void proposalsReadAsStrongSwanLogsThem() {
    Proposal cbc =
        new Proposal(
            1,
            ProtocolId.IKE,
            Bytes.EMPTY,
            List.of(
                Transform.encr(EncrAlgorithm.AES_CBC, 128),
                Transform.of(TransformType.PRF, PrfAlgorithm.HMAC_SHA2_256.id()),
                Transform.integ(IntegAlgorithm.HMAC_SHA2_256_128),
                Transform.of(TransformType.DH, DhGroup.MODP_2048.id())));
    assertEquals(
        "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048", ProposalText.of(cbc));
    Proposal esp =
        new Proposal(
            2,
            ProtocolId.ESP,
            Bytes.of((byte) 1, (byte) 2, (byte) 3, (byte) 4),
            List.of(
                Transform.encr(EncrAlgorithm.AES_GCM_16, 256),
                Transform.of(TransformType.DH, DhGroup.CURVE25519.id()),
                Transform.of(TransformType.ESN, 0),
                Transform.of(TransformType.ENCR, 99)));
    assertEquals(
        "IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048,"
            + " ESP:AES_GCM_16_256/ENCR_99/CURVE_25519/NO_EXT_SEQ",
        ProposalText.of(List.of(cbc, esp)));
  }

  @Test
  void configuredProposalsAreNamedAsConfiguredAndParseBack() {
    for (String text :
        List.of(
            "aes128gcm16-prfsha256-x25519",
            "aes256gcm16-prfsha384-ecp384",
            "aes256-sha256-modp3072",
            "aes128-sha256-prfsha384-modp2048")) {
      IkeProposal p = IkeProposal.parse(text);
      assertEquals(p, IkeProposal.parse(p.configName()), text);
      assertEquals(p.configName(), p.toString());
    }
    assertEquals(
        "aes256-sha256-modp3072", IkeProposal.parse("aes256-sha256-modp3072").configName());
    assertEquals(
        "aes128gcm16-prfsha256-x25519",
        IkeProposal.parse("aes128gcm16-prfsha256-curve25519").configName());
    for (String text : List.of("aes128gcm16", "aes256gcm16-x25519", "aes128-sha256-modp2048-esn")) {
      EspProposal p = EspProposal.parse(text);
      assertEquals(text, p.configName());
      assertEquals(p, EspProposal.parse(p.configName()));
    }
  }
}
