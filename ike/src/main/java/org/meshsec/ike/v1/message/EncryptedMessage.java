package org.meshsec.ike.v1.message;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.meshsec.ike.message.Bytes;

/**
 * An ISAKMP message whose body is encrypted (E flag, RFC 2408 section 3.1): the header in the
 * clear, then ciphertext up to the end of the message. The header's Next Payload names the first
 * encrypted payload. CBC with the phase 1 cipher; the IV is not sent but derived (RFC 2409 appendix
 * B, {@code org.meshsec.ike.v1.crypto.IvChain}); the last ciphertext block ({@link #lastBlock()})
 * is the IV of the next message of the same exchange.
 *
 * <p>Immutable and thread-safe.
 *
 * @param header the header as sent (E set, Length covering the ciphertext)
 * @param ciphertext the encrypted payloads and padding
 */
public record EncryptedMessage(IsakmpHeader header, Bytes ciphertext) implements Datagram {
  public EncryptedMessage {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(ciphertext, "ciphertext");
  }

  static ParseResult<EncryptedMessage> decode(IsakmpHeader header, byte[] datagram) {
    int n = datagram.length - IsakmpHeader.LENGTH;
    if (n == 0) {
      return ParseResult.fail(
          ParseError.Kind.BAD_CIPHERTEXT_LENGTH, IsakmpHeader.LENGTH, "no ciphertext");
    }
    return ParseResult.ok(
        new EncryptedMessage(header, Bytes.copyOf(datagram, IsakmpHeader.LENGTH, n)));
  }

  /** The datagram: header then ciphertext. */
  public byte[] encode() {
    ByteBuffer out = ByteBuffer.allocate(IsakmpHeader.LENGTH + ciphertext.length());
    header
        .withWireFields(header.nextPayload(), true, IsakmpHeader.LENGTH + ciphertext.length())
        .encode(out);
    ciphertext.writeTo(out);
    return out.array();
  }

  /**
   * The last ciphertext block: the IV for the next message of this exchange (RFC 2409 appendix B).
   * Empty-safe: a ciphertext shorter than a block gives what there is.
   */
  public byte[] lastBlock(int blockSize) {
    int n = ciphertext.length();
    return ciphertext.slice(Math.max(0, n - blockSize), n).toByteArray();
  }

  /**
   * Decrypts with {@code cipher} and {@code iv} and decodes the payload chain; bytes after the last
   * payload are padding. A ciphertext that is not a whole number of blocks is dropped ({@link
   * ParseError.Kind#BAD_CIPHERTEXT_LENGTH}); a wrong key or IV shows as a malformed chain, which
   * the caller, which knows whether the IV could be wrong, may treat as a drop.
   */
  public ParseResult<IsakmpMessage> decrypt(CbcCipher cipher, byte[] iv) {
    int block = cipher.blockSize();
    if (ciphertext.length() % block != 0) {
      return ParseResult.fail(
          ParseError.Kind.BAD_CIPHERTEXT_LENGTH,
          IsakmpHeader.LENGTH,
          ciphertext.length() + " bytes of ciphertext, block size " + block);
    }
    byte[] plain = cipher.decrypt(iv, ciphertext.toByteArray());
    byte[] buf = new byte[IsakmpHeader.LENGTH + plain.length];
    System.arraycopy(plain, 0, buf, IsakmpHeader.LENGTH, plain.length);
    return IsakmpMessage.decodeBody(header, buf, IsakmpHeader.LENGTH, buf.length, true);
  }

  @Override
  public String toString() {
    return header.exchangeType()
        + " "
        + header.messageId()
        + " [ encrypted "
        + ciphertext.length()
        + " bytes ]";
  }
}
