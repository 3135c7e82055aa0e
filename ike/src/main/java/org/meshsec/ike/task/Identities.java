package org.meshsec.ike.task;

import java.util.Optional;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.IdPayload;
import org.meshsec.ike.message.IdType;
import org.meshsec.ike.pki.PeerIdentity;

/**
 * Conversion between configured identities ({@link PeerIdentity}) and IDi/IDr payloads (RFC 7296
 * section 3.5). Stateless.
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
}
