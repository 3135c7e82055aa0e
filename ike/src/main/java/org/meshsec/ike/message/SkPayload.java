package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The Encrypted and Authenticated payload, SK (RFC 7296 section 3.14), in its plaintext view: the
 * payloads it protects. This is what exchange code builds ({@code HDR, SK {IDi, AUTH, SAi2, TSi,
 * TSr}}) and what {@link Message#decode(byte[], SkCipher)} returns after checking the ICV and
 * decrypting. The wire form is produced by {@link Message#encode(SkCipher)}; see {@link SkCipher}
 * for the layout. Received but not yet decrypted, the payload is a {@link SealedSkPayload}.
 *
 * <p>An SK payload is always the last payload of a message and never contains another SK or SKF
 * payload (RFC 7296 section 3.14; RFC 7383 section 2.5).
 */
public record SkPayload(List<Payload> payloads) implements Payload {
  public SkPayload {
    payloads = List.copyOf(payloads);
    for (Payload p : payloads) {
      if (p instanceof SkPayload || p instanceof SealedSkPayload || p instanceof SkfPayload) {
        throw new IllegalArgumentException("an SK payload cannot contain " + p.type());
      }
    }
  }

  /** An SK payload protecting {@code payloads}, in order. */
  public static SkPayload of(Payload... payloads) {
    return new SkPayload(List.of(payloads));
  }

  @Override
  public PayloadType type() {
    return PayloadType.SK;
  }

  /** Not available without a cipher: the length depends on IV, padding and ICV. */
  @Override
  public int bodyLength() {
    throw new IllegalStateException(
        "an SK payload is sized and encrypted by Message.encode(SkCipher)");
  }

  /** Not available without a cipher; use {@link Message#encode(SkCipher)}. */
  @Override
  public void encodeBody(ByteBuffer out) {
    throw new IllegalStateException("an SK payload is encrypted by Message.encode(SkCipher)");
  }
}
