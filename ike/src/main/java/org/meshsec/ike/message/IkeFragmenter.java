package org.meshsec.ike.message;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a protected message into SKF fragments (RFC 7383 section 2.5): the inner payload chain is
 * encoded once, cut into chunks, and each chunk is encrypted into its own message {@code HDR,
 * SKF{...}} with the same header (the Message ID is shared), Fragment Number 1..n and Total
 * Fragments n. Only the first fragment names the first inner payload type.
 *
 * <p>Fragment sizes are chosen so that every fragment datagram is at most {@code maxMessageLength}
 * bytes: the IKE message size that fits the path MTU after the caller has subtracted the IP and UDP
 * headers and the non-ESP marker (RFC 7383 section 2.5.1 suggests 1280 bytes of IP datagram for
 * IPv6 and 576 for IPv4 when the PMTU is unknown).
 *
 * <p>Stateless and thread-safe; the cipher is used as its own contract says.
 */
public final class IkeFragmenter {
  private IkeFragmenter() {}

  /**
   * The datagrams to send for {@code message}: one SK message if it fits {@code maxMessageLength}
   * or fragmentation is not in use, otherwise its SKF fragments.
   */
  public static List<byte[]> encode(
      Message message, SkCipher cipher, int maxMessageLength, boolean fragmentationNegotiated) {
    byte[] whole = message.encode(cipher);
    if (whole.length <= maxMessageLength || !fragmentationNegotiated) {
      return List.of(whole);
    }
    return fragment(message, cipher, maxMessageLength);
  }

  /**
   * Fragments {@code message}, whose only payload must be an {@link SkPayload}, into SKF messages
   * of at most {@code maxMessageLength} bytes each (always at least one fragment).
   *
   * @throws IllegalArgumentException if the message has other payloads, or {@code maxMessageLength}
   *     leaves no room for content, or more than 65535 fragments would be needed
   */
  public static List<byte[]> fragment(Message message, SkCipher cipher, int maxMessageLength) {
    List<Payload> payloads = message.payloads();
    if (payloads.size() != 1 || !(payloads.get(0) instanceof SkPayload sk)) {
      throw new IllegalArgumentException("only a message HDR, SK{...} can be fragmented");
    }
    byte[] content = PayloadChain.encode(sk.payloads());
    PayloadType firstInner = PayloadChain.firstType(sk.payloads(), PayloadType.NONE);
    int chunk = maxChunk(cipher, maxMessageLength);
    if (chunk < 1) {
      throw new IllegalArgumentException(
          "max message length " + maxMessageLength + " leaves no room for fragment content");
    }
    int total = Math.max(1, (content.length + chunk - 1) / chunk);
    if (total > 0xFFFF) {
      throw new IllegalArgumentException(total + " fragments needed");
    }
    List<byte[]> out = new ArrayList<>(total);
    for (int i = 0; i < total; i++) {
      int from = i * chunk;
      int to = Math.min(content.length, from + chunk);
      out.add(
          SkFraming.sealFragment(
              message.header(),
              i == 0 ? firstInner : PayloadType.NONE,
              i + 1,
              total,
              Arrays.copyOfRange(content, from, to),
              cipher));
    }
    return out;
  }

  /** The largest content per fragment such that the fragment fits {@code maxMessageLength}. */
  static int maxChunk(SkCipher cipher, int maxMessageLength) {
    int room = maxMessageLength - SkFraming.fragmentOverhead(cipher);
    int blockSize = cipher.blockSize();
    int plaintext = (room / blockSize) * blockSize;
    return plaintext - 1; // the Pad Length octet; padding is 0 at this size
  }
}
