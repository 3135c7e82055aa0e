package org.meshsec.ike.message;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.meshsec.esp.IntegAlgorithm;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.crypto.PrfAlgorithm;
import org.meshsec.ike.message.SaPayload.Proposal;
import org.meshsec.ike.message.SaPayload.Transform;

/**
 * SA payload proposals (RFC 7296 section 3.3) in strongSwan's log notation, so that a refused
 * negotiation reads the same on both ends of a meshsec-strongSwan pair: {@code
 * IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048}, {@code
 * ESP:AES_GCM_16_128/NO_EXT_SEQ}. Transforms in the order ENCR, INTEG, PRF, DH, ESN; an unknown
 * transform id by its number ({@code ENCR_99}). Stateless.
 */
public final class ProposalText {
  private ProposalText() {}

  /** The proposals, separated by {@code ", "}. */
  public static String of(List<Proposal> proposals) {
    return proposals.stream().map(ProposalText::of).collect(Collectors.joining(", "));
  }

  /** One proposal, e.g. {@code IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384}. */
  public static String of(Proposal p) {
    List<Transform> ts = new ArrayList<>(p.transforms());
    ts.sort(Comparator.comparingInt(t -> order(t.type().value())));
    List<String> names = new ArrayList<>();
    for (Transform t : ts) {
      names.add(name(t));
    }
    return p.protocolId().name() + ":" + String.join("/", names);
  }

  private static int order(int type) {
    return switch (type) {
      case 1 -> 0; // ENCR
      case 3 -> 1; // INTEG
      case 2 -> 2; // PRF
      case 4 -> 3; // DH
      default -> 4 + type;
    };
  }

  /** One transform in strongSwan's notation. */
  public static String name(Transform t) {
    int id = t.id();
    return switch (t.type().value()) {
      case 1 -> encr(id, t.keyLength());
      case 2 -> new PrfAlgorithm(id).name();
      case 3 -> id == 0 ? "NONE" : new IntegAlgorithm(id).name().replaceFirst("^AUTH_", "");
      case 4 -> id == 31 ? "CURVE_25519" : id == 32 ? "CURVE_448" : new DhGroup(id).name();
      case 5 -> id == 0 ? "NO_EXT_SEQ" : id == 1 ? "EXT_SEQ" : "ESN_" + id;
      default -> t.type().name() + "_" + id;
    };
  }

  private static String encr(int id, OptionalInt keyLength) {
    String base =
        switch (id) {
          case 3 -> "3DES_CBC";
          case 11 -> "NULL";
          case 12 -> "AES_CBC";
          case 13 -> "AES_CTR";
          case 14 -> "AES_CCM_8";
          case 15 -> "AES_CCM_12";
          case 16 -> "AES_CCM_16";
          case 18 -> "AES_GCM_8";
          case 19 -> "AES_GCM_12";
          case 20 -> "AES_GCM_16";
          case 23 -> "CAMELLIA_CBC";
          case 28 -> "CHACHA20_POLY1305";
          default -> "ENCR_" + id;
        };
    return keyLength.isPresent() ? base + "_" + keyLength.getAsInt() : base;
  }
}
