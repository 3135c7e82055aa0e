package org.meshsec.ike.v1.message;

/**
 * A received ISAKMP datagram (without the RFC 3948 non-ESP marker): a plaintext {@link
 * IsakmpMessage}, or an {@link EncryptedMessage} whose body is still ciphertext (E flag, RFC 2408
 * section 3.1) and is opened with the phase 1 cipher and the IV of its exchange.
 *
 * <p>Flow for a received datagram:
 *
 * <pre>
 *  Datagram.decode(bytes)                  header, Length, plaintext chain   -> Ok / Err
 *  cookies, exchange type, Message ID      find the ISAKMP SA and the IV (v1.crypto.IvChain)
 *  EncryptedMessage.decrypt(cipher, iv)    CBC, padding skipped, chain       -> Ok / Err
 *  HASH check by the exchange              RFC 2409 sections 5, 5.5, 5.7
 * </pre>
 */
public sealed interface Datagram permits IsakmpMessage, EncryptedMessage {

  /** Largest datagram accepted (64 KiB). */
  int MAX_MESSAGE_LENGTH = 64 * 1024;

  /** The ISAKMP header as received. */
  IsakmpHeader header();

  /**
   * Decodes a datagram: header (version 1.0, flags), Length equal to the datagram length, then
   * either the plaintext payload chain or, with the E flag, the ciphertext as it is. Never throws
   * on bad input.
   */
  static ParseResult<Datagram> decode(byte[] datagram) {
    if (datagram.length > MAX_MESSAGE_LENGTH) {
      return ParseResult.fail(
          ParseError.Kind.MESSAGE_TOO_LARGE, 0, "datagram of " + datagram.length + " bytes");
    }
    ParseResult<IsakmpHeader> decodedHeader = IsakmpHeader.decode(datagram);
    if (decodedHeader instanceof ParseResult.Err<IsakmpHeader> e) {
      return e.cast();
    }
    IsakmpHeader header = decodedHeader.orElseThrow();
    if (header.length() != datagram.length) {
      return ParseResult.fail(
          ParseError.Kind.BAD_MESSAGE_LENGTH,
          IsakmpHeader.OFFSET_LENGTH,
          "header Length " + header.length() + " != datagram length " + datagram.length);
    }
    if (header.encrypted()) {
      return EncryptedMessage.decode(header, datagram).map(m -> m);
    }
    return IsakmpMessage.decodeBody(header, datagram, IsakmpHeader.LENGTH, datagram.length, false)
        .map(m -> m);
  }
}
