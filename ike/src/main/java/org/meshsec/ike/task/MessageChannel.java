package org.meshsec.ike.task;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.meshsec.ike.config.DpdConfig;
import org.meshsec.ike.config.RetransmitPolicy;
import org.meshsec.ike.message.DecodeResult;
import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.FragmentReassembler;
import org.meshsec.ike.message.IkeFragmenter;
import org.meshsec.ike.message.IkeHeader;
import org.meshsec.ike.message.IkeParseError;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.message.Payload;
import org.meshsec.ike.message.SkPayload;
import org.meshsec.ike.message.SkfPayload;
import org.meshsec.ike.port.Cancellable;
import org.meshsec.ike.sa.IkeSa;
import org.meshsec.ike.sa.IkeSaState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wire side of one IKE SA's exchanges, below the {@link TaskManager}: protecting and encoding
 * messages (SK, RFC 7296 section 3.14; fragments, RFC 7383), decoding and reassembling them,
 * retransmitting our outstanding request with exponential back-off (section 2.1, {@link
 * RetransmitPolicy}) and, once the retransmissions are exhausted, asking its {@link GiveUp} (the
 * task manager) whether to go on, and keeping our last response for a retransmitted request
 * (section 2.1), resent only after the retransmission has been authenticated (RFC 7383 section
 * 2.6.1 for fragments). The task manager decides what to send and when a request is answered; this
 * class only moves bytes.
 *
 * <p>Not thread-safe: one per IKE SA, used only on the SA's executor.
 */
final class MessageChannel {
  private static final Logger log = LoggerFactory.getLogger(MessageChannel.class);

  /** Fragments accepted per message, and reassembled size (RFC 7383 section 2.6). */
  private static final int MAX_FRAGMENTS = 64;

  /**
   * Once the retransmissions are exhausted and the exchange goes on (the peer proves alive), the
   * interval between retransmissions is the back-off's, at most the give-up time divided by this.
   */
  static final int ALIVE_INTERVAL_DIVISOR = 4;

  /** What to do with a request whose retransmissions are exhausted. */
  interface GiveUp {
    /**
     * The request of {@code type} got no response within the retransmission policy ({@code elapsed}
     * since its first send, {@code limit} being the give-up time).
     *
     * @return true to go on retransmitting it; false if the SA was dealt with (destroyed)
     */
    boolean unanswered(ExchangeType type, Duration elapsed, Duration limit);
  }

  private final IkeSa sa;
  private final GiveUp giveUp;

  private ExchangeType requestType;
  private long requestMid;
  private List<byte[]> requestPackets = List.of();
  private int retransmissions;
  private Instant firstSent;
  private Cancellable retransmitTimer = Cancellable.NONE;

  private List<byte[]> responsePackets = List.of();

  private final FragmentReassembler requestFragments =
      new FragmentReassembler(MAX_FRAGMENTS, Message.MAX_MESSAGE_LENGTH);
  private final FragmentReassembler responseFragments =
      new FragmentReassembler(MAX_FRAGMENTS, Message.MAX_MESSAGE_LENGTH);

  MessageChannel(IkeSa sa, GiveUp giveUp) {
    this.sa = sa;
    this.giveUp = giveUp;
  }

  // ---------------------------------------------------------------- encoding

  /** The message: IKE_SA_INIT in the clear, every other exchange inside an SK payload. */
  Message wrap(IkeHeader header, OutMessage out) {
    if (out.exchange().equals(ExchangeType.IKE_SA_INIT)) {
      return new Message(header, out.payloads());
    }
    return Message.of(header, new SkPayload(out.payloads()));
  }

  /** The datagrams of {@code message}: protected, and fragmented if agreed and needed. */
  List<byte[]> encode(Message message) {
    if (message.header().exchangeType().equals(ExchangeType.IKE_SA_INIT)) {
      return List.of(message.encode());
    }
    return IkeFragmenter.encode(
        message,
        sa.keying().outCipher(),
        sa.engine().settings().maxMessageLength(),
        sa.fragmentation());
  }

  /** Sends {@code packets} to the peer once. */
  void transmit(List<byte[]> packets) {
    for (byte[] p : packets) {
      sa.engine().network().send(p, sa.local(), sa.remote());
    }
  }

  // ---------------------------------------------------------------- our request

  /**
   * Sends our request and retransmits it until {@link #stopRetransmitting()} or its {@link GiveUp}
   * ends it.
   */
  void sendRequest(ExchangeType type, long mid, List<byte[]> packets) {
    requestType = type;
    requestMid = mid;
    requestPackets = packets;
    retransmissions = 0;
    firstSent = sa.engine().scheduler().now();
    transmit(packets);
    retransmitTimer.cancel();
    retransmitTimer = sa.schedule(this::retransmitTimeout, policy().timeout(0));
  }

  /** The response arrived or the SA is going away. */
  void stopRetransmitting() {
    retransmitTimer.cancel();
    requestType = null;
    requestPackets = List.of();
  }

  private RetransmitPolicy policy() {
    return sa.engine().settings().retransmit();
  }

  private Duration giveUpAfter() {
    return giveUpAfter(sa);
  }

  /**
   * The time after the first send when the retransmissions of a request of {@code sa} are
   * exhausted: the policy's, or the peer's DPD timeout if shorter.
   */
  static Duration giveUpAfter(IkeSa sa) {
    DpdConfig dpd = sa.config() != null ? sa.config().dpd() : DpdConfig.DISABLED;
    Duration policyLimit = sa.engine().settings().retransmit().giveUpAfter();
    if (!dpd.timeout().isZero() && dpd.timeout().compareTo(policyLimit) < 0) {
      return dpd.timeout();
    }
    return policyLimit;
  }

  private void retransmitTimeout() {
    if (requestType == null || sa.state() == IkeSaState.DESTROYED) {
      return;
    }
    Instant now = sa.engine().scheduler().now();
    Duration elapsed = Duration.between(firstSent, now);
    Duration limit = giveUpAfter();
    boolean exhausted = retransmissions >= policy().retries() || elapsed.compareTo(limit) >= 0;
    if (exhausted) {
      ExchangeType type = requestType;
      long mid = requestMid;
      if (!giveUp.unanswered(type, elapsed, limit)) {
        log.debug("{}: gave up {} {} after {}", sa, type, mid, elapsed);
        stopRetransmitting();
        return;
      }
    }
    retransmissions++;
    sa.engine().stats().retransmits.incrementAndGet();
    log.debug("{}: retransmit {} {} (#{})", sa, requestType, requestMid, retransmissions);
    transmit(requestPackets);
    Duration next = policy().timeout(retransmissions);
    if (exhausted) {
      Duration cap = limit.dividedBy(ALIVE_INTERVAL_DIVISOR);
      next = next.compareTo(cap) < 0 ? next : cap;
    } else {
      Duration left = limit.minus(elapsed);
      next = next.compareTo(left) < 0 ? next : left;
    }
    retransmitTimer = sa.schedule(this::retransmitTimeout, next);
  }

  // ---------------------------------------------------------------- our response

  /** Sends our response and keeps it for a retransmitted request. */
  void sendResponse(List<byte[]> packets) {
    responsePackets = packets;
    transmit(packets);
  }

  /** Whether a response is kept. */
  boolean hasResponse() {
    return !responsePackets.isEmpty();
  }

  /** Sends the kept response again. */
  void resendResponse() {
    transmit(responsePackets);
  }

  /**
   * Whether a datagram with the previous request's Message ID really is that request again: the
   * same IKE_SA_INIT bytes, or a message (for fragments: fragment 1, RFC 7383 section 2.6.1) that
   * authenticates under our keys.
   */
  boolean authenticRetransmission(byte[] datagram, IkeHeader header) {
    if (header.exchangeType().equals(ExchangeType.IKE_SA_INIT)) {
      return Arrays.equals(datagram, sa.keying().initRequest());
    }
    if (sa.keying().inCipher() == null) {
      return false;
    }
    DecodeResult<Message> r = Message.decode(datagram, sa.keying().inCipher());
    if (r instanceof DecodeResult.Ok<Message> ok
        && ok.value().payloads().get(ok.value().payloads().size() - 1) instanceof SkfPayload skf) {
      FragmentReassembler probe =
          new FragmentReassembler(MAX_FRAGMENTS, Message.MAX_MESSAGE_LENGTH);
      return skf.fragmentNumber() == 1
          && !(probe.offer(datagram, sa.keying().inCipher())
              instanceof FragmentReassembler.Dropped);
    }
    return r.isOk();
  }

  // ---------------------------------------------------------------- decoding

  /** What a received datagram amounts to. */
  sealed interface Decoded {}

  /** A whole message, authenticated if protected. */
  record Complete(Message message) implements Decoded {}

  /** A fragment kept until the others arrive. */
  record Pending() implements Decoded {}

  /** Unusable: malformed, not authentic, or no keys yet. */
  record Broken(IkeParseError error) implements Decoded {}

  /** Decodes a request of the peer (reassembling its fragments). */
  Decoded decodeRequest(byte[] datagram, IkeHeader header) {
    return decode(datagram, header, requestFragments);
  }

  /** Decodes a response to our request (reassembling its fragments). */
  Decoded decodeResponse(byte[] datagram, IkeHeader header) {
    return decode(datagram, header, responseFragments);
  }

  private Decoded decode(byte[] datagram, IkeHeader header, FragmentReassembler fragments) {
    if (header.exchangeType().equals(ExchangeType.IKE_SA_INIT)) {
      DecodeResult<Message> r = Message.decode(datagram);
      return r instanceof DecodeResult.Err<Message> e
          ? new Broken(e.error())
          : new Complete(r.orElseThrow());
    }
    if (sa.keying().inCipher() == null) {
      return new Broken(
          IkeParseError.of(IkeParseError.Kind.NOT_DECRYPTED, 0, "no keys for a protected message"));
    }
    DecodeResult<Message> r = Message.decode(datagram, sa.keying().inCipher());
    if (r instanceof DecodeResult.Err<Message> e) {
      return new Broken(e.error());
    }
    Message m = r.orElseThrow();
    List<Payload> payloads = m.payloads();
    if (payloads.isEmpty() || !(payloads.get(payloads.size() - 1) instanceof SkfPayload)) {
      return new Complete(m);
    }
    FragmentReassembler.Result f = fragments.offer(datagram, sa.keying().inCipher());
    if (f instanceof FragmentReassembler.Dropped d
        && d.reason().kind() == IkeParseError.Kind.FRAGMENT_MISMATCH) {
      fragments.reset(); // a newer message: the fragments held belong to an older one
      f = fragments.offer(datagram, sa.keying().inCipher());
    }
    if (f instanceof FragmentReassembler.Complete c) {
      return new Complete(c.message());
    }
    if (f instanceof FragmentReassembler.Dropped d) {
      return new Broken(d.reason());
    }
    return new Pending();
  }
}
