package org.meshsec.ike.crypto;

import org.meshsec.esp.EspSuite;
import org.meshsec.esp.SecretBytes;

/**
 * The key material of a Child SA pair taken from KEYMAT (RFC 7296 section 2.17): first the SA
 * carrying traffic from the initiator to the responder, then the one from the responder to the
 * initiator, each laid out as {@link EspSuite} expects (encryption key [+ salt] [+ integrity key]),
 * ready for {@code EspSaParams.keyMaterial}.
 *
 * <p>"Initiator" is the initiator of the exchange that created this Child SA (IKE_AUTH or
 * CREATE_CHILD_SA), not necessarily of the IKE SA. Not thread-safe; {@link #toString()} shows no
 * key bytes.
 *
 * @param suite the Child SA's ESP suite
 * @param initiatorToResponder keys for the SA protecting initiator-to-responder traffic
 * @param responderToInitiator keys for the SA protecting responder-to-initiator traffic
 */
public record ChildSaKeys(
    EspSuite suite, SecretBytes initiatorToResponder, SecretBytes responderToInitiator)
    implements AutoCloseable {

  /** Outbound keys for a peer that was (or was not) the initiator of the creating exchange. */
  public SecretBytes outbound(boolean weInitiated) {
    return weInitiated ? initiatorToResponder : responderToInitiator;
  }

  /** Inbound keys for a peer that was (or was not) the initiator of the creating exchange. */
  public SecretBytes inbound(boolean weInitiated) {
    return weInitiated ? responderToInitiator : initiatorToResponder;
  }

  /** Overwrites both directions' keys. Idempotent. */
  public void wipe() {
    initiatorToResponder.wipe();
    responderToInitiator.wipe();
  }

  /** Same as {@link #wipe()}. */
  @Override
  public void close() {
    wipe();
  }
}
