package org.meshsec.ike.v1.sa;

import org.meshsec.ike.sa.IkeEngine;
import org.meshsec.ike.sa.IkeFront;
import org.meshsec.ike.sa.VersionProtocol;

/**
 * IKEv1 (RFC 2409) for the engine: {@code IkeEngine.builder().protocol(new Ikev1Protocol())} serves
 * ISAKMP major version 1 (RFC 2408 section 3.1) for the peers configured with version 1.
 *
 * <p>Stateless, thread-safe.
 */
public final class Ikev1Protocol implements VersionProtocol {

  /** The ISAKMP major version (RFC 2408 section 3.1). */
  public static final int MAJOR_VERSION = 1;

  @Override
  public int majorVersion() {
    return MAJOR_VERSION;
  }

  @Override
  public Side attach(IkeEngine engine, IkeFront front) {
    return new Ikev1Front(engine, front);
  }
}
