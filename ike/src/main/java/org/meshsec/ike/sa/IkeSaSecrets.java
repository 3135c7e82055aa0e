package org.meshsec.ike.sa;

import java.util.Objects;
import org.meshsec.esp.EspSuite;
import org.meshsec.esp.SecretBytes;

/**
 * The keys that protect one IKE SA's messages (RFC 7296 section 2.14: SK_ei, SK_er, SK_ai, SK_ar),
 * copied out of the SA for a packet-capture key table ({@code meshsec sa export-keys}, the key
 * log). SK_d, SK_pi and SK_pr are never copied: they are not needed to read the messages, and SK_d
 * would let the holder derive every Child SA's keys.
 *
 * <p>The holder owns the copies and wipes them ({@link #close()}). {@link #toString()} shows the
 * SPIs and algorithms only. Immutable apart from the wipe; the {@link SecretBytes} are thread-safe.
 *
 * @param spiI the initiator's SPI
 * @param spiR the responder's SPI
 * @param suite the SA's encryption and integrity transforms (the {@link
 *     org.meshsec.ike.crypto.IkeSaKeys} layout)
 * @param skEi encryption key [+ salt] of messages from the original initiator
 * @param skEr encryption key [+ salt] of messages from the original responder
 * @param skAi integrity key of messages from the initiator (empty for AEAD)
 * @param skAr integrity key of messages from the responder (empty for AEAD)
 */
public record IkeSaSecrets(
    long spiI,
    long spiR,
    EspSuite suite,
    SecretBytes skEi,
    SecretBytes skEr,
    SecretBytes skAi,
    SecretBytes skAr)
    implements AutoCloseable {

  public IkeSaSecrets {
    Objects.requireNonNull(suite, "suite");
    Objects.requireNonNull(skEi, "skEi");
    Objects.requireNonNull(skEr, "skEr");
    Objects.requireNonNull(skAi, "skAi");
    Objects.requireNonNull(skAr, "skAr");
  }

  /** Wipes the four copies. Idempotent. */
  @Override
  public void close() {
    skEi.wipe();
    skEr.wipe();
    skAi.wipe();
    skAr.wipe();
  }

  @Override
  public String toString() {
    return String.format("IkeSaSecrets[%016x_i %016x_r %s]", spiI, spiR, suite);
  }
}
