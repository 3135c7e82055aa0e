package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An ISAKMP message in the clear (RFC 2408 section 3): the header and the ordered payloads; for a
 * message that travels encrypted, the plaintext view ({@link #encrypt} turns it into an {@link
 * EncryptedMessage}, {@link EncryptedMessage#decrypt} gives it back).
 *
 * <p>Which payloads an exchange carries (RFC 2409 section 5: {@code HDR, SA, KE, Ni, ...}) is up to
 * the exchange; the codec checks only structure. Immutable and thread-safe.
 */
public record IsakmpMessage(IsakmpHeader header, List<Payload> payloads) implements Datagram {

  public IsakmpMessage {
    Objects.requireNonNull(header, "header");
    payloads = List.copyOf(payloads);
  }

  /** A message with the given payloads. */
  public static IsakmpMessage of(IsakmpHeader header, Payload... payloads) {
    return new IsakmpMessage(header, List.of(payloads));
  }

  /** Decodes a plaintext datagram ({@link Datagram#decode} that must not be encrypted). */
  public static ParseResult<IsakmpMessage> decode(byte[] datagram) {
    ParseResult<Datagram> d = Datagram.decode(datagram);
    if (d instanceof ParseResult.Err<Datagram> e) {
      return e.cast();
    }
    if (d.orElseThrow() instanceof IsakmpMessage m) {
      return ParseResult.ok(m);
    }
    return ParseResult.fail(
        ParseError.Kind.ENCRYPTION_MISMATCH, IsakmpHeader.OFFSET_FLAGS, "message is encrypted");
  }

  static ParseResult<IsakmpMessage> decodeBody(
      IsakmpHeader header, byte[] buf, int start, int end, boolean padded) {
    ParseResult<List<Payload>> chain =
        PayloadChain.decode(buf, start, end, header.nextPayload().value(), padded);
    return chain.map(p -> new IsakmpMessage(header, p));
  }

  /**
   * Encodes the message in the clear, computing Next Payload fields and the Length; the E flag is
   * cleared.
   *
   * @throws IllegalStateException if the message does not fit {@link #MAX_MESSAGE_LENGTH}
   */
  public byte[] encode() {
    int length = IsakmpHeader.LENGTH + PayloadChain.encodedLength(payloads);
    if (length > MAX_MESSAGE_LENGTH) {
      throw new IllegalStateException("message of " + length + " bytes is too large");
    }
    ByteBuffer out = ByteBuffer.allocate(length);
    header.withWireFields(PayloadChain.firstType(payloads), false, length).encode(out);
    PayloadChain.encode(payloads, out);
    return out.array();
  }

  /** The payload chain alone (what is encrypted), without padding. */
  public byte[] encodePayloads() {
    ByteBuffer out = ByteBuffer.allocate(PayloadChain.encodedLength(payloads));
    PayloadChain.encode(payloads, out);
    return out.array();
  }

  /**
   * The payloads after the one at {@code index}, generic headers included, the last one's Next
   * Payload 0: what the Quick Mode and informational HASH payloads cover (RFC 2409 sections 5.5,
   * 5.7: "the entire message ... that follows the hash payload including all payload headers, but
   * excluding any padding").
   */
  public byte[] encodePayloadsAfter(int index) {
    List<Payload> rest = payloads.subList(index + 1, payloads.size());
    ByteBuffer out = ByteBuffer.allocate(PayloadChain.encodedLength(rest));
    PayloadChain.encode(rest, out);
    return out.array();
  }

  /**
   * Encrypts the payloads with {@code cipher} and {@code iv} (RFC 2409 appendix B): padded with
   * zero bytes to the block size, E flag set, Length covering the ciphertext. Like strongSwan
   * ({@code encrypt_v1} in its encrypted_payload.c) there is always at least one byte of padding, a
   * whole block when the payloads are already aligned, so that a peer reading the last byte as a
   * pad length still finds the payloads intact. The result's {@link
   * EncryptedMessage#lastBlock(int)} is the IV of the next message in this exchange.
   */
  public EncryptedMessage encrypt(CbcCipher cipher, byte[] iv) {
    byte[] plain = encodePayloads();
    int block = cipher.blockSize();
    byte[] buf = new byte[plain.length + block - plain.length % block];
    System.arraycopy(plain, 0, buf, 0, plain.length);
    byte[] ciphertext = cipher.encrypt(iv, buf);
    long length = IsakmpHeader.LENGTH + (long) ciphertext.length;
    if (length > MAX_MESSAGE_LENGTH) {
      throw new IllegalStateException("message of " + length + " bytes is too large");
    }
    IsakmpHeader h = header.withWireFields(PayloadChain.firstType(payloads), true, length);
    return new EncryptedMessage(h, org.meshsec.ike.message.Bytes.of(ciphertext));
  }

  /** All payloads of {@code kind}, in order. */
  public <T extends Payload> List<T> all(Class<T> kind) {
    List<T> out = new ArrayList<>();
    for (Payload p : payloads) {
      if (kind.isInstance(p)) {
        out.add(kind.cast(p));
      }
    }
    return out;
  }

  /** The first payload of {@code kind}. */
  public <T extends Payload> Optional<T> first(Class<T> kind) {
    return payloads.stream().filter(kind::isInstance).map(kind::cast).findFirst();
  }

  /** The first Notify payload of {@code type}. */
  public Optional<NotifyPayload> notify(NotifyType type) {
    return all(NotifyPayload.class).stream().filter(n -> n.notifyType().equals(type)).findFirst();
  }

  /** The message in strongSwan's log notation, e.g. {@code ID_PROT 0 [ SA V V ]}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    b.append(header.exchangeType()).append(' ').append(header.messageId()).append(" [");
    for (Payload p : payloads) {
      b.append(' ').append(p.type());
      if (p instanceof NotifyPayload n) {
        b.append('(').append(n.notifyType()).append(')');
      }
    }
    return b.append(" ]").toString();
  }
}
