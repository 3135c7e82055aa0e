package org.meshsec.ike.v1.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.meshsec.esp.EncrAlgorithm;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.IntegAlgorithm;
import org.meshsec.ike.crypto.DhGroup;
import org.meshsec.ike.v1.message.DataAttribute;
import org.meshsec.ike.v1.message.IpsecAttribute;
import org.meshsec.ike.v1.message.Phase1Attribute;
import org.meshsec.ike.v1.message.SaPayload;

/**
 * ESP transforms of Quick Mode proposals (RFC 2407 sections 4.4.4 and 4.5): an {@link EspSuite} as
 * an ESP transform id with its attributes, and back.
 *
 * <pre>
 *  suite                      transform id          Authentication Algorithm   Key Length
 *  AES-GCM-16 (RFC 4106 8.4)  ESP_AES_GCM_16 (20)   absent (AEAD)              128 / 256
 *  AES-CBC + HMAC-SHA2-256    ESP_AES_CBC (12)      HMAC-SHA2-256 (5), ICV 128 bits (RFC 4868)
 *  AES-CBC + HMAC-SHA2-384    ESP_AES_CBC (12)      HMAC-SHA2-384 (6), ICV 192 bits
 *  AES-CBC + HMAC-SHA2-512    ESP_AES_CBC (12)      HMAC-SHA2-512 (7), ICV 256 bits
 * </pre>
 *
 * Attributes in strongSwan's order (Key Length, Authentication Algorithm, Group Description,
 * Encapsulation Mode, then SA Life Type / SA Life Duration pairs), so that an offer re-encodes as
 * charon's does. A transform with an attribute class meshsec does not know, or a second value of
 * one it knows, is unacceptable (RFC 2407 section 4.5: attributes are not negotiable one by one).
 * Stateless.
 */
public final class EspTransforms {
  private EspTransforms() {}

  /** ESP_AES_GCM_16 (RFC 4106 section 8.4). */
  public static final int ESP_AES_GCM_16 = 20;

  /** SA Life Type kilobytes (RFC 2407 section 4.5). */
  public static final int LIFE_KILOBYTES = 2;

  /**
   * A transform read from a Quick Mode SA payload.
   *
   * @param suite the ESP suite
   * @param mode the Encapsulation Mode
   * @param group the Group Description (PFS), {@link DhGroup#NONE} when absent
   * @param lifeSeconds SA Life Duration in seconds, 0 when absent
   * @param lifeKilobytes SA Life Duration in kilobytes, 0 when absent
   */
  public record Offer(
      EspSuite suite,
      IpsecAttribute.EncapsulationMode mode,
      DhGroup group,
      long lifeSeconds,
      long lifeKilobytes) {}

  /** The transform offering {@code offer}, numbered {@code number}. */
  public static SaPayload.Transform toTransform(int number, Offer offer) {
    List<DataAttribute> a = new ArrayList<>();
    EspSuite s = offer.suite();
    a.add(DataAttribute.basic(IpsecAttribute.KEY_LENGTH.value(), s.keyBits()));
    if (!s.encr().isAead()) {
      a.add(
          DataAttribute.basic(
              IpsecAttribute.AUTHENTICATION_ALGORITHM.value(), authAlgorithm(s.integ()).value()));
    }
    if (!offer.group().equals(DhGroup.NONE)) {
      a.add(DataAttribute.basic(IpsecAttribute.GROUP_DESCRIPTION.value(), offer.group().id()));
    }
    a.add(DataAttribute.basic(IpsecAttribute.ENCAPSULATION_MODE.value(), offer.mode().value()));
    a.addAll(lifeAttributes(offer.lifeSeconds(), offer.lifeKilobytes()));
    int id = s.encr().isAead() ? ESP_AES_GCM_16 : SaPayload.ESP_AES_CBC;
    return new SaPayload.Transform(number, id, a);
  }

  /** SA Life Type / SA Life Duration pairs for the limits that are not 0. */
  public static List<DataAttribute> lifeAttributes(long seconds, long kilobytes) {
    List<DataAttribute> a = new ArrayList<>();
    if (seconds > 0) {
      a.add(
          DataAttribute.basic(
              IpsecAttribute.SA_LIFE_TYPE.value(), Phase1Attribute.LifeType.SECONDS.value()));
      a.add(DataAttribute.number(IpsecAttribute.SA_LIFE_DURATION.value(), seconds));
    }
    if (kilobytes > 0) {
      a.add(DataAttribute.basic(IpsecAttribute.SA_LIFE_TYPE.value(), LIFE_KILOBYTES));
      a.add(DataAttribute.number(IpsecAttribute.SA_LIFE_DURATION.value(), kilobytes));
    }
    return a;
  }

  /**
   * Reads life attributes (a transform's, or a RESPONDER-LIFETIME's data): {seconds, kilobytes}, 0
   * where absent; null when they are malformed (a duration without a type, an unknown type).
   */
  public static long[] readLifetimes(List<DataAttribute> attributes) {
    long[] out = new long[2];
    int type = -1;
    for (DataAttribute a : attributes) {
      if (a.type() == IpsecAttribute.SA_LIFE_TYPE.value()) {
        type = (int) a.longValue();
        if (type != Phase1Attribute.LifeType.SECONDS.value() && type != LIFE_KILOBYTES) {
          return null;
        }
      } else if (a.type() == IpsecAttribute.SA_LIFE_DURATION.value()) {
        long v = a.longValue();
        if (type < 0 || v <= 0) {
          return null;
        }
        out[type == LIFE_KILOBYTES ? 1 : 0] = v;
        type = -1;
      }
    }
    return out;
  }

  /** Reads an ESP transform; empty when meshsec cannot use it. */
  public static Optional<Offer> fromTransform(SaPayload.Transform t) {
    EncrAlgorithm encr;
    if (t.transformId() == SaPayload.ESP_AES_CBC) {
      encr = EncrAlgorithm.AES_CBC;
    } else if (t.transformId() == ESP_AES_GCM_16) {
      encr = EncrAlgorithm.AES_GCM_16;
    } else {
      return Optional.empty();
    }
    int keyBits = -1;
    int auth = -1;
    int group = 0;
    int mode = -1;
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (DataAttribute a : t.attributes()) {
      long v = a.longValue();
      int type = a.type();
      boolean life =
          type == IpsecAttribute.SA_LIFE_TYPE.value()
              || type == IpsecAttribute.SA_LIFE_DURATION.value();
      if (!life && !seen.add(type)) {
        return Optional.empty();
      }
      if (v < 0 || v > 0xFFFF && !life) {
        return Optional.empty();
      }
      switch (type) {
        case 1, 2 -> {
          // lifetimes, below
        }
        case 3 -> group = (int) v;
        case 4 -> mode = (int) v;
        case 5 -> auth = (int) v;
        case 6 -> keyBits = (int) v;
        default -> {
          return Optional.empty();
        }
      }
    }
    long[] life = readLifetimes(t.attributes());
    if (life == null || mode < 0 || keyBits < 0) {
      return Optional.empty();
    }
    IntegAlgorithm integ;
    if (encr.isAead()) {
      if (auth >= 0) {
        return Optional.empty(); // RFC 4106 section 8.4: no Authentication Algorithm with GCM
      }
      integ = IntegAlgorithm.NONE;
    } else {
      integ =
          switch (auth) {
            case 5 -> IntegAlgorithm.HMAC_SHA2_256_128;
            case 6 -> IntegAlgorithm.HMAC_SHA2_384_192;
            case 7 -> IntegAlgorithm.HMAC_SHA2_512_256;
            default -> null;
          };
      if (integ == null) {
        return Optional.empty();
      }
    }
    if (EspSuite.problem(encr, keyBits, integ) != null) {
      return Optional.empty();
    }
    return Optional.of(
        new Offer(
            new EspSuite(encr, keyBits, integ),
            new IpsecAttribute.EncapsulationMode(mode),
            new DhGroup(group),
            life[0],
            life[1]));
  }

  /**
   * Whether {@code received} is the mode {@code ours} stands for: equal, or the
   * draft-ietf-ipsec-nat-t-ike value (61443 / 61444) that older peers send for the RFC 3947
   * UDP-encapsulated modes (3 / 4).
   */
  public static boolean sameMode(
      IpsecAttribute.EncapsulationMode received, IpsecAttribute.EncapsulationMode ours) {
    return received.equals(ours)
        || received.equals(IpsecAttribute.EncapsulationMode.DRAFT_UDP_ENCAPSULATED_TUNNEL)
            && ours.equals(IpsecAttribute.EncapsulationMode.UDP_ENCAPSULATED_TUNNEL)
        || received.equals(IpsecAttribute.EncapsulationMode.DRAFT_UDP_ENCAPSULATED_TRANSPORT)
            && ours.equals(IpsecAttribute.EncapsulationMode.UDP_ENCAPSULATED_TRANSPORT);
  }

  /** The Authentication Algorithm attribute value of an integrity transform (RFC 4868 5). */
  static IpsecAttribute.AuthAlgorithm authAlgorithm(IntegAlgorithm integ) {
    if (integ.equals(IntegAlgorithm.HMAC_SHA2_256_128)) {
      return IpsecAttribute.AuthAlgorithm.HMAC_SHA2_256;
    }
    if (integ.equals(IntegAlgorithm.HMAC_SHA2_384_192)) {
      return IpsecAttribute.AuthAlgorithm.HMAC_SHA2_384;
    }
    if (integ.equals(IntegAlgorithm.HMAC_SHA2_512_256)) {
      return IpsecAttribute.AuthAlgorithm.HMAC_SHA2_512;
    }
    throw new IllegalArgumentException("no IKEv1 Authentication Algorithm for " + integ);
  }
}
