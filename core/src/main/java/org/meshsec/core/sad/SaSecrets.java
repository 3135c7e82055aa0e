package org.meshsec.core.sad;

import java.util.Objects;
import org.meshsec.esp.SecretBytes;

/**
 * One SA's snapshot with a copy of its key material, for a packet-capture key table ({@code meshsec
 * sa export-keys}, the key log): {@link Sad#secrets()}. The holder owns the copy and wipes it
 * ({@link #close()}). {@link #toString()} shows the snapshot, never key bytes.
 *
 * @param info the SA's attributes and counters
 * @param keyMaterial encryption key [+ salt] [+ integrity key], laid out as {@link
 *     org.meshsec.esp.EspSuite} says
 * @param sequence outbound, the last sequence number sent; inbound, the highest received
 */
public record SaSecrets(SaInfo info, SecretBytes keyMaterial, long sequence)
    implements AutoCloseable {

  public SaSecrets {
    Objects.requireNonNull(info, "info");
    Objects.requireNonNull(keyMaterial, "keyMaterial");
  }

  /** Wipes the copy. Idempotent. */
  @Override
  public void close() {
    keyMaterial.wipe();
  }

  @Override
  public String toString() {
    return "SaSecrets[" + info + "]";
  }
}
