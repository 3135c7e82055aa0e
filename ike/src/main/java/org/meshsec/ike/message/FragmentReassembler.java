package org.meshsec.ike.message;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * Reassembles one fragmented message (RFC 7383 section 2.6) from SKF datagrams.
 *
 * <p>Each fragment is authenticated and decrypted on arrival ({@link SkCipher#decrypt}) before it
 * can change any state, so forged fragments are dropped without effect. Rules:
 *
 * <ul>
 *   <li>The first accepted fragment fixes the message (SPIs, exchange, Message ID, Response flag);
 *       a fragment of another message is {@link IkeParseError.Kind#FRAGMENT_MISMATCH}: the caller
 *       decides whether the new message supersedes the old one and {@link #reset()}s.
 *   <li>A fragment with a larger Total Fragments than the ones held discards them and starts over
 *       (the sender re-fragmented for a smaller PMTU); a smaller one is dropped.
 *   <li>A fragment number already held is {@link IkeParseError.Kind#DUPLICATE_FRAGMENT}.
 *   <li>Total Fragments above {@code maxFragments}, or content beyond {@code maxTotalLength}, drops
 *       the reassembly.
 * </ul>
 *
 * There are no timers: the owner discards or {@link #reset()}s a reassembler that does not complete
 * (e.g. when the exchange times out or the Message ID moves on).
 *
 * <p>Not thread-safe: one instance per IKE SA and direction, used on the SA's executor.
 */
public final class FragmentReassembler {

  /** What became of an offered datagram. */
  public sealed interface Result {}

  /** Stored; {@code received} of {@code total} fragments are held. */
  public record Incomplete(int received, int total) implements Result {}

  /**
   * All fragments arrived: the message as {@code HDR, SK {...}} with the header of fragment 1 (Next
   * Payload SK, Length 0: the reassembled message never existed on the wire).
   */
  public record Complete(Message message) implements Result {}

  /** The datagram was not stored; the reason says whether to answer (usually not). */
  public record Dropped(IkeParseError reason) implements Result {}

  private final int maxFragments;
  private final int maxTotalLength;

  private IkeHeader first;
  private int total;
  private byte[][] chunks;
  private int received;
  private int storedLength;
  private PayloadType firstInner = PayloadType.NONE;

  /**
   * @param maxFragments largest Total Fragments accepted (1..65535)
   * @param maxTotalLength largest reassembled content in bytes
   */
  public FragmentReassembler(int maxFragments, int maxTotalLength) {
    Wire.requireRange("max fragments", maxFragments, 1, 0xFFFF);
    Wire.requireRange("max total length", maxTotalLength, 1, Integer.MAX_VALUE);
    this.maxFragments = maxFragments;
    this.maxTotalLength = maxTotalLength;
  }

  /** Fragments currently held. */
  public int receivedCount() {
    return received;
  }

  /** Forgets every fragment held. */
  public void reset() {
    first = null;
    total = 0;
    chunks = null;
    received = 0;
    storedLength = 0;
    firstInner = PayloadType.NONE;
  }

  /** Offers one received datagram (without non-ESP marker) that carries an SKF payload. */
  public Result offer(byte[] datagram, SkCipher cipher) {
    DecodeResult<Message> decoded = Message.decode(datagram);
    if (decoded instanceof DecodeResult.Err<Message> e) {
      return new Dropped(e.error());
    }
    Message message = decoded.orElseThrow();
    List<Payload> payloads = message.payloads();
    if (payloads.size() != 1 || !(payloads.get(0) instanceof SkfPayload skf)) {
      return drop(
          IkeParseError.Kind.INVALID_PAYLOAD,
          IkeHeader.LENGTH,
          "a fragment message must carry exactly one SKF payload");
    }
    IkeHeader header = message.header();
    if (skf.totalFragments() > maxFragments) {
      return drop(
          IkeParseError.Kind.TOO_MANY_FRAGMENTS,
          IkeHeader.LENGTH + 6,
          skf.totalFragments() + " fragments, at most " + maxFragments);
    }
    if (first != null && !sameMessage(first, header)) {
      return drop(
          IkeParseError.Kind.FRAGMENT_MISMATCH,
          IkeHeader.OFFSET_MESSAGE_ID,
          "fragment of message " + header.messageId() + " while reassembling " + first.messageId());
    }
    if (first != null && skf.totalFragments() < total) {
      return drop(
          IkeParseError.Kind.FRAGMENT_MISMATCH,
          IkeHeader.LENGTH + 6,
          "Total Fragments " + skf.totalFragments() + " below the " + total + " held");
    }
    if (first != null
        && skf.totalFragments() == total
        && chunks[skf.fragmentNumber() - 1] != null) {
      return drop(
          IkeParseError.Kind.DUPLICATE_FRAGMENT,
          IkeHeader.LENGTH + 4,
          "fragment " + skf.fragmentNumber() + " already held");
    }
    int ivOffset = IkeHeader.LENGTH + Payload.HEADER_LENGTH + 4;
    DecodeResult<SkFraming.Plain> opened = SkFraming.open(datagram, ivOffset, cipher);
    if (opened instanceof DecodeResult.Err<SkFraming.Plain> e) {
      return new Dropped(e.error());
    }
    SkFraming.Plain plain = opened.orElseThrow();
    if (first == null || skf.totalFragments() > total) {
      reset();
      first = header;
      total = skf.totalFragments();
      chunks = new byte[total][];
    }
    int length = plain.end() - plain.start();
    if ((long) storedLength + length > maxTotalLength) {
      reset();
      return drop(
          IkeParseError.Kind.REASSEMBLY_TOO_LARGE,
          IkeHeader.LENGTH,
          "reassembled content would exceed " + maxTotalLength + " bytes");
    }
    byte[] chunk = new byte[length];
    System.arraycopy(plain.buf(), plain.start(), chunk, 0, length);
    chunks[skf.fragmentNumber() - 1] = chunk;
    storedLength += length;
    received++;
    if (skf.fragmentNumber() == 1) {
      firstInner = skf.firstPayloadType();
    }
    if (received < total) {
      return new Incomplete(received, total);
    }
    return complete();
  }

  private Result complete() {
    ByteArrayOutputStream joined = new ByteArrayOutputStream(storedLength);
    for (byte[] chunk : chunks) {
      joined.writeBytes(chunk);
    }
    byte[] content = joined.toByteArray();
    IkeHeader header = first.withWireFields(PayloadType.SK, 0);
    PayloadType inner = firstInner;
    reset();
    DecodeResult<List<Payload>> payloads =
        PayloadChain.decode(content, 0, content.length, inner.value(), true);
    if (payloads instanceof DecodeResult.Err<List<Payload>> e) {
      return new Dropped(e.error());
    }
    return new Complete(Message.of(header, new SkPayload(payloads.orElseThrow())));
  }

  private static boolean sameMessage(IkeHeader a, IkeHeader b) {
    return a.initiatorSpi() == b.initiatorSpi()
        && a.responderSpi() == b.responderSpi()
        && a.exchangeType().equals(b.exchangeType())
        && a.messageId() == b.messageId()
        && a.responseFlag() == b.responseFlag();
  }

  private static Result drop(IkeParseError.Kind kind, int offset, String detail) {
    return new Dropped(IkeParseError.of(kind, offset, detail));
  }
}
