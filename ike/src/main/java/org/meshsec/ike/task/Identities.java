package org.meshsec.ike.task;

import java.util.Locale;
import java.util.Optional;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.IdPayload;
import org.meshsec.ike.message.IdType;
import org.meshsec.ike.pki.PeerIdentity;

/**
 * Conversion between configured identities ({@link PeerIdentity}) and IDi/IDr payloads (RFC 7296
 * section 3.5), and the comparison of a claimed identity with the configured one. Stateless.
 */
final class Identities {
  private Identities() {}

  /** The ID payload for {@code id}. */
  static IdPayload payload(boolean initiator, PeerIdentity id) {
    if (id instanceof PeerIdentity.Dn dn) {
      return new IdPayload(initiator, IdType.DER_ASN1_DN, Bytes.of(dn.name().getEncoded()));
    }
    if (id instanceof PeerIdentity.Fqdn f) {
      return IdPayload.fqdn(initiator, f.name());
    }
    if (id instanceof PeerIdentity.Email e) {
      return IdPayload.rfc822(initiator, e.address());
    }
    if (id instanceof PeerIdentity.IpAddress ip) {
      return IdPayload.address(initiator, ip.address());
    }
    return IdPayload.keyId(initiator, Bytes.of(((PeerIdentity.KeyId) id).id()));
  }

  /** The identity an ID payload claims, if it is of a type meshsec understands. */
  static Optional<PeerIdentity> identity(IdPayload p) {
    return PeerIdentity.fromIdPayload(p.idType().value(), p.data().toByteArray());
  }

  /**
   * Whether a claimed identity is the configured one: DNs by their canonical form, host names
   * case-insensitively, e-mail addresses with a case-insensitive domain, the rest exactly.
   */
  static boolean matches(PeerIdentity configured, PeerIdentity claimed) {
    if (configured instanceof PeerIdentity.Fqdn a && claimed instanceof PeerIdentity.Fqdn b) {
      return a.name().toLowerCase(Locale.ROOT).equals(b.name().toLowerCase(Locale.ROOT));
    }
    if (configured instanceof PeerIdentity.Email a && claimed instanceof PeerIdentity.Email b) {
      int ia = a.address().lastIndexOf('@');
      int ib = b.address().lastIndexOf('@');
      return ia > 0
          && ib > 0
          && a.address().substring(0, ia).equals(b.address().substring(0, ib))
          && a.address().substring(ia + 1).equalsIgnoreCase(b.address().substring(ib + 1));
    }
    return configured.equals(claimed);
  }
}
