package org.meshsec.esp;

import io.netty.buffer.ByteBuf;

/**
 * The RFC 4303 transform for one SA in one direction: SPI, sequence numbers (with ESN, section
 * 2.2.1), IV, padding, encryption and ICV.
 *
 * <p><b>Buffer contract.</b> {@link #seal} takes a buffer whose readable bytes are the payload (the
 * inner IP packet in tunnel mode, the transport segment in transport mode), with at least {@link
 * #headroom()} bytes before {@code readerIndex} and at least {@link #tailroom()} writable bytes
 * after {@code writerIndex}. It builds the ESP header in front of the payload and the trailer and
 * ICV after it, encrypting in place; on {@code OK} the readable bytes are exactly the ESP packet
 * (SPI through ICV). {@link #open} takes a buffer whose readable bytes are exactly one ESP packet;
 * on {@code OK} the readable bytes are the decrypted payload and {@code out} holds the next header
 * and sequence number. On any other status the buffer's indexes are unspecified and the caller
 * drops the packet. Neither method retains or releases the buffer.
 *
 * <p><b>Thread-safety.</b> Not thread-safe. Outbound sequence numbers must be assigned in order,
 * and the inbound replay window is not thread-safe (STYLE.md point 8), so the caller serialises all
 * calls on one context (one event loop, or the SA's lock).
 */
public final class EspContext implements AutoCloseable {

  private EspContext() {}

  /** Creates an outbound (sealing) context. The key material is copied. */
  public static EspContext outbound(EspSaParams params, CryptoEngine engine) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Creates an inbound (opening) context with its replay window. The key material is copied. */
  public static EspContext inbound(EspSaParams params, CryptoEngine engine) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Bytes needed in front of the payload: SPI + sequence + IV. */
  public int headroom() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Writable bytes needed after the payload: max padding + pad length + next header + ICV. */
  public int tailroom() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Encapsulates the readable bytes in place. See the class comment for the buffer contract. */
  public EspStatus seal(ByteBuf buf, int nextHeader) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /**
   * Checks the replay window, verifies the ICV, decrypts in place, checks the padding, then commits
   * the sequence number to the window (check, authenticate, commit: STYLE.md point 8).
   */
  public EspStatus open(ByteBuf buf, OpenResult out) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** The SPI this context was built for. */
  public int spi() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Outbound: the last sequence number sent (0 before the first). Inbound: highest accepted. */
  public long sequence() {
    throw new UnsupportedOperationException("not yet implemented");
  }

  /** Wipes the key material; later calls return {@link EspStatus#CLOSED}. Idempotent. */
  @Override
  public void close() {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
