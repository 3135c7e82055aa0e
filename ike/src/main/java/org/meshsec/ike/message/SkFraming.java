package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The SK and SKF framing around an {@link SkCipher} (RFC 7296 section 3.14, RFC 7383 section 2.5):
 * sizing, padding, Pad Length, header lengths, and the checks after decryption. Package-private.
 */
final class SkFraming {
  private SkFraming() {}

  /** Decrypted content of an SK/SKF payload: {@code buf[start, end)} without padding. */
  record Plain(byte[] buf, int start, int end) {}

  /** Minimal padding so that content + padding + Pad Length is a multiple of the block size. */
  static int padLength(int contentLength, int blockSize) {
    return (blockSize - (contentLength + 1) % blockSize) % blockSize;
  }

  /**
   * Encodes {@code header} + {@code outer} + an SK payload protecting {@code inner}, encrypted with
   * {@code cipher}.
   */
  static byte[] seal(IkeHeader header, List<Payload> outer, List<Payload> inner, SkCipher cipher) {
    byte[] content = PayloadChain.encode(inner);
    int outerLength = PayloadChain.encodedLength(outer);
    PayloadType firstInner = PayloadChain.firstType(inner, PayloadType.NONE);
    return sealContent(
        header, outer, outerLength, PayloadType.SK, firstInner, -1, -1, content, cipher);
  }

  /** One SKF fragment message carrying {@code content} (a slice of the inner payload chain). */
  static byte[] sealFragment(
      IkeHeader header,
      PayloadType firstInner,
      int number,
      int total,
      byte[] content,
      SkCipher cipher) {
    return sealContent(
        header, List.of(), 0, PayloadType.SKF, firstInner, number, total, content, cipher);
  }

  /** Bytes a fragment needs besides its content and padding. */
  static int fragmentOverhead(SkCipher cipher) {
    return IkeHeader.LENGTH + Payload.HEADER_LENGTH + 4 + cipher.ivLength() + cipher.icvLength();
  }

  private static byte[] sealContent(
      IkeHeader header,
      List<Payload> outer,
      int outerLength,
      PayloadType encryptedType,
      PayloadType firstInner,
      int fragmentNumber,
      int totalFragments,
      byte[] content,
      SkCipher cipher) {
    boolean fragment = encryptedType.equals(PayloadType.SKF);
    int plaintextLength = content.length + padLength(content.length, cipher.blockSize()) + 1;
    int encryptedLength =
        Payload.HEADER_LENGTH
            + (fragment ? 4 : 0)
            + cipher.ivLength()
            + plaintextLength
            + cipher.icvLength();
    if (encryptedLength > 0xFFFF) {
      throw new IllegalStateException("encrypted payload of " + encryptedLength + " bytes");
    }
    int total = IkeHeader.LENGTH + outerLength + encryptedLength;
    if (total > Message.MAX_MESSAGE_LENGTH) {
      throw new IllegalStateException("message of " + total + " bytes is too large");
    }
    byte[] buf = new byte[total];
    ByteBuffer out = ByteBuffer.wrap(buf);
    header.withWireFields(PayloadChain.firstType(outer, encryptedType), total).encode(out);
    PayloadChain.encode(outer, out, encryptedType);
    Wire.putU8(out, firstInner.value());
    Wire.putU8(out, 0);
    Wire.putU16(out, encryptedLength);
    if (fragment) {
      Wire.putU16(out, fragmentNumber);
      Wire.putU16(out, totalFragments);
    }
    int ivOffset = out.position();
    int dataOffset = ivOffset + cipher.ivLength();
    System.arraycopy(content, 0, buf, dataOffset, content.length);
    buf[dataOffset + plaintextLength - 1] = (byte) (plaintextLength - content.length - 1);
    cipher.encrypt(buf, ivOffset, plaintextLength);
    return buf;
  }

  /**
   * Verifies and decrypts the encrypted payload whose body (after the SK header, or after the SKF
   * fragment fields) starts at {@code ivOffset} and runs to the end of {@code datagram}. Works on a
   * copy; the datagram is not modified.
   */
  static DecodeResult<Plain> open(byte[] datagram, int ivOffset, SkCipher cipher) {
    int ivLength = cipher.ivLength();
    int icvLength = cipher.icvLength();
    int ciphertextLength = datagram.length - ivOffset - ivLength - icvLength;
    if (ciphertextLength < 1) {
      return DecodeResult.fail(
          IkeParseError.Kind.TRUNCATED,
          ivOffset,
          "encrypted payload body of "
              + (datagram.length - ivOffset)
              + " bytes cannot hold IV, Pad Length and ICV");
    }
    if (ciphertextLength % cipher.blockSize() != 0) {
      return DecodeResult.fail(
          IkeParseError.Kind.INVALID_PAYLOAD,
          ivOffset + ivLength,
          "ciphertext of " + ciphertextLength + " bytes is not a multiple of the block size");
    }
    byte[] work = datagram.clone();
    if (!cipher.decrypt(work, ivOffset, ciphertextLength)) {
      return DecodeResult.fail(
          IkeParseError.Kind.INTEGRITY_CHECK_FAILED, ivOffset, "ICV does not verify");
    }
    int dataOffset = ivOffset + ivLength;
    int padLengthOffset = dataOffset + ciphertextLength - 1;
    int padLength = Wire.u8(work, padLengthOffset);
    if (padLength > ciphertextLength - 1) {
      return DecodeResult.fail(
          IkeParseError.Kind.INVALID_PADDING,
          padLengthOffset,
          "Pad Length " + padLength + " exceeds " + (ciphertextLength - 1) + " decrypted bytes");
    }
    return DecodeResult.ok(new Plain(work, dataOffset, padLengthOffset - padLength));
  }
}
