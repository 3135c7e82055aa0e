package org.meshsec.ike.message;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An IKEv2 message (RFC 7296 section 3): the header and the ordered list of payloads.
 *
 * <p>Protected messages are written the way the RFC writes them, {@code HDR, SK {IDi, AUTH, ...}}:
 * the last payload is an {@link SkPayload} holding the protected payloads. On the wire that payload
 * is encrypted ({@link #encode(SkCipher)}); a datagram decoded without a cipher yields a {@link
 * SealedSkPayload} in its place ({@link #decode(byte[])}), one decoded with the SA's cipher yields
 * the {@link SkPayload} ({@link #decode(byte[], SkCipher)}). Fragments (RFC 7383) go through {@link
 * IkeFragmenter} and {@link FragmentReassembler}.
 *
 * <p>Decoding never throws on bad input: it returns {@link DecodeResult.Err} with an {@link
 * IkeParseError} that names the offending offset and the notification to answer with. Structural
 * rules (lengths, counts, field sizes, critical bits) are checked here; which payloads an exchange
 * may carry is checked separately by {@link ExchangeRules#validate(Message, boolean)}.
 *
 * <p>Immutable and thread-safe.
 */
public record Message(IkeHeader header, List<Payload> payloads) {

  /** Largest datagram or header Length accepted (64 KiB). */
  public static final int MAX_MESSAGE_LENGTH = 64 * 1024;

  public Message {
    Objects.requireNonNull(header, "header");
    payloads = List.copyOf(payloads);
    for (int i = 0; i < payloads.size() - 1; i++) {
      if (isEncrypted(payloads.get(i))) {
        throw new IllegalArgumentException(payloads.get(i).type() + " must be the last payload");
      }
    }
  }

  /** A message with the given payloads. */
  public static Message of(IkeHeader header, Payload... payloads) {
    return new Message(header, List.of(payloads));
  }

  private static boolean isEncrypted(Payload p) {
    return p instanceof SkPayload || p instanceof SealedSkPayload || p instanceof SkfPayload;
  }

  /**
   * Decodes a datagram (without the non-ESP marker): header, then the payload chain. An SK payload
   * stays sealed ({@link SealedSkPayload}); an SKF payload is returned as {@link SkfPayload}.
   */
  public static DecodeResult<Message> decode(byte[] datagram) {
    if (datagram.length > MAX_MESSAGE_LENGTH) {
      return DecodeResult.fail(
          IkeParseError.Kind.MESSAGE_TOO_LARGE, 0, "datagram of " + datagram.length + " bytes");
    }
    DecodeResult<IkeHeader> decodedHeader = IkeHeader.decode(datagram);
    if (decodedHeader instanceof DecodeResult.Err<IkeHeader> e) {
      return e.cast();
    }
    IkeHeader header = decodedHeader.orElseThrow();
    if (header.majorVersion() != 2) {
      return DecodeResult.fail(
          IkeParseError.Kind.INVALID_MAJOR_VERSION,
          IkeHeader.OFFSET_VERSION,
          "major version " + header.majorVersion());
    }
    if (header.length() > MAX_MESSAGE_LENGTH) {
      return DecodeResult.fail(
          IkeParseError.Kind.MESSAGE_TOO_LARGE,
          IkeHeader.OFFSET_LENGTH,
          "header Length " + header.length());
    }
    if (header.length() != datagram.length) {
      return DecodeResult.fail(
          IkeParseError.Kind.BAD_MESSAGE_LENGTH,
          IkeHeader.OFFSET_LENGTH,
          "header Length " + header.length() + " != datagram length " + datagram.length);
    }
    DecodeResult<List<Payload>> chain =
        PayloadChain.decode(
            datagram, IkeHeader.LENGTH, datagram.length, header.nextPayload().value(), false);
    if (chain instanceof DecodeResult.Err<List<Payload>> e) {
      return e.cast();
    }
    return DecodeResult.ok(new Message(header, chain.orElseThrow()));
  }

  /**
   * Decodes a datagram and, if it carries an SK payload, verifies its ICV and decrypts it with
   * {@code cipher}, returning the protected payloads in an {@link SkPayload}. Messages without SK
   * (and SKF fragments) are returned as {@link #decode(byte[])} returns them.
   */
  public static DecodeResult<Message> decode(byte[] datagram, SkCipher cipher) {
    DecodeResult<Message> decoded = decode(datagram);
    if (!(decoded instanceof DecodeResult.Ok<Message> ok)) {
      return decoded;
    }
    Message message = ok.value();
    List<Payload> payloads = message.payloads();
    if (payloads.isEmpty() || !(payloads.get(payloads.size() - 1) instanceof SealedSkPayload sk)) {
      return decoded;
    }
    int ivOffset = datagram.length - sk.body().length();
    DecodeResult<SkFraming.Plain> plain = SkFraming.open(datagram, ivOffset, cipher);
    if (plain instanceof DecodeResult.Err<SkFraming.Plain> e) {
      return e.cast();
    }
    SkFraming.Plain p = plain.orElseThrow();
    DecodeResult<List<Payload>> inner =
        PayloadChain.decode(p.buf(), p.start(), p.end(), sk.firstPayloadType().value(), true);
    if (inner instanceof DecodeResult.Err<List<Payload>> e) {
      return e.cast();
    }
    List<Payload> opened = new ArrayList<>(payloads.subList(0, payloads.size() - 1));
    opened.add(new SkPayload(inner.orElseThrow()));
    return DecodeResult.ok(new Message(message.header(), opened));
  }

  /**
   * Encodes a message without encryption, computing Next Payload fields and lengths. Sealed SK and
   * SKF payloads are written back as they are.
   *
   * @throws IllegalStateException if the message holds an {@link SkPayload} (use {@link
   *     #encode(SkCipher)}) or does not fit {@link #MAX_MESSAGE_LENGTH}
   */
  public byte[] encode() {
    if (encryptedPayload().isPresent()) {
      throw new IllegalStateException("message has an SK payload: use encode(SkCipher)");
    }
    int length = IkeHeader.LENGTH + PayloadChain.encodedLength(payloads);
    if (length > MAX_MESSAGE_LENGTH) {
      throw new IllegalStateException("message of " + length + " bytes is too large");
    }
    ByteBuffer out = ByteBuffer.allocate(length);
    header.withWireFields(PayloadChain.firstType(payloads, PayloadType.NONE), length).encode(out);
    PayloadChain.encode(payloads, out, PayloadType.NONE);
    return out.array();
  }

  /**
   * Encodes a message whose last payload is an {@link SkPayload}, encrypting the protected payloads
   * with {@code cipher} (RFC 7296 section 3.14; layout in {@link SkCipher}).
   *
   * @throws IllegalStateException if there is no SK payload or the message is too large (fragment
   *     it with {@link IkeFragmenter})
   */
  public byte[] encode(SkCipher cipher) {
    SkPayload sk =
        encryptedPayload()
            .orElseThrow(() -> new IllegalStateException("message has no SK payload"));
    return SkFraming.seal(header, payloads.subList(0, payloads.size() - 1), sk.payloads(), cipher);
  }

  /** The {@link SkPayload} (plaintext view), if this message has one. */
  public Optional<SkPayload> encryptedPayload() {
    if (!payloads.isEmpty() && payloads.get(payloads.size() - 1) instanceof SkPayload sk) {
      return Optional.of(sk);
    }
    return Optional.empty();
  }

  /**
   * All payloads in order with the content of an {@link SkPayload} in its place: the logical view
   * exchange code reads.
   */
  public List<Payload> allPayloads() {
    Optional<SkPayload> sk = encryptedPayload();
    if (sk.isEmpty()) {
      return payloads;
    }
    List<Payload> all = new ArrayList<>(payloads.subList(0, payloads.size() - 1));
    all.addAll(sk.get().payloads());
    return List.copyOf(all);
  }

  /** All payloads of {@code kind} in {@link #allPayloads()}, in order. */
  public <T extends Payload> List<T> all(Class<T> kind) {
    return allPayloads().stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /** The first payload of {@code kind} in {@link #allPayloads()}. */
  public <T extends Payload> Optional<T> first(Class<T> kind) {
    return allPayloads().stream().filter(kind::isInstance).map(kind::cast).findFirst();
  }

  /** The first Notify payload of {@code type} in {@link #allPayloads()}. */
  public Optional<NotifyPayload> notify(NotifyType type) {
    return all(NotifyPayload.class).stream().filter(n -> n.notifyType().equals(type)).findFirst();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    b.append(header.exchangeType())
        .append(header.responseFlag() ? " response " : " request ")
        .append(header.messageId())
        .append(" [");
    appendTypes(b, payloads);
    return b.append(" ]").toString();
  }

  private static void appendTypes(StringBuilder b, List<Payload> payloads) {
    for (Payload p : payloads) {
      b.append(' ').append(p.type());
      if (p instanceof NotifyPayload n) {
        b.append('(').append(n.notifyType()).append(')');
      } else if (p instanceof SkPayload sk) {
        b.append(" {");
        appendTypes(b, sk.payloads());
        b.append(" }");
      } else if (p instanceof SkfPayload f) {
        b.append('(').append(f.fragmentNumber()).append('/').append(f.totalFragments()).append(')');
      }
    }
  }
}
