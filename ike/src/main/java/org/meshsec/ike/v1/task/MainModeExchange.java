package org.meshsec.ike.v1.task;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.meshsec.ike.task.TaskStatus;
import org.meshsec.ike.v1.message.Datagram;
import org.meshsec.ike.v1.message.EncryptedMessage;
import org.meshsec.ike.v1.message.ExchangeRules;
import org.meshsec.ike.v1.message.ExchangeType;
import org.meshsec.ike.v1.message.IsakmpHeader;
import org.meshsec.ike.v1.message.IsakmpMessage;
import org.meshsec.ike.v1.message.NotifyType;
import org.meshsec.ike.v1.message.ParseError;
import org.meshsec.ike.v1.message.ParseResult;
import org.meshsec.ike.v1.message.Payload;

/**
 * Runs one {@link MainMode} or {@link AggressiveMode} task over datagrams: the framing a phase 1
 * task manager does (cookies in the header, Message ID 0, messages (5) and (6) encrypted with the
 * phase 1 cipher and the CBC IV chain of RFC 2409 appendix B, the payload rules of {@link
 * ExchangeRules}). Retransmission and duplicate detection belong to {@link V1TaskManager}. A
 * datagram that fails the framing checks is {@link Outcome.Dropped} and the exchange goes on; only
 * the task's own refusal (no acceptable proposal, a HASH that does not verify) ends it.
 *
 * <pre>
 *  Main Mode
 *  initiator: start() -> (1);  receive((2)) -> (3);  receive((4)) -> (5);  receive((6)) -> Done
 *  responder: receive((1)) -> (2);  receive((3)) -> (4);  receive((5)) -> (6), Done
 *  Aggressive Mode
 *  initiator: start() -> (1);  receive((2)) -> (3), Reply done
 *  responder: receive((1)) -> (2);  receive((3)) -> Done
 * </pre>
 *
 * <p>Not thread-safe; runs on its SA's executor.
 */
public final class MainModeExchange {

  /** What a received datagram led to. */
  public sealed interface Outcome {
    /** Send {@code datagram}; {@code done} when phase 1 completed with it. */
    record Reply(byte[] datagram, boolean done) implements Outcome {}

    /** Phase 1 completed with the received message; nothing to send. */
    record Done() implements Outcome {}

    /** The exchange failed; {@code reply} is what to report, if anything. */
    record Failed(String reason, Optional<NotifyType> reply) implements Outcome {}

    /**
     * The datagram was dropped without effect and the exchange goes on: it did not decode, was not
     * a message of this exchange, carried the wrong cookies, broke the payload rules or did not
     * decrypt. Anyone who saw the cookies can send such a datagram, so it must not end the exchange
     * (RFC 2408 section 5.1: a message that fails these checks is discarded).
     */
    record Dropped(String reason) implements Outcome {}
  }

  private final Phase1State sa;
  private final V1Task task;
  private final ExchangeType type;
  private final int firstEncrypted;
  private int messages;
  private boolean finished;
  private NatTraversal natT;

  private MainModeExchange(Phase1State sa, V1Task task) {
    this.sa = sa;
    this.task = task;
    this.type = task.exchange();
    // Main Mode encrypts (5) and (6); Aggressive Mode (3), as strongSwan does (RFC 2409 section
    // 5.4 leaves it open, so a plaintext (3) is accepted too).
    this.firstEncrypted = type.equals(ExchangeType.AGGRESSIVE) ? 3 : 5;
  }

  private MainModeExchange(boolean initiator, Phase1Config config, SecureRandom random) {
    this(new Phase1State(initiator, config, random), new MainMode(initiator));
  }

  /** An Aggressive Mode initiator ({@link AggressiveMode}); call {@link #start()}. */
  public static MainModeExchange aggressiveInitiator(Phase1Config config, SecureRandom random) {
    return new MainModeExchange(new Phase1State(true, config, random), new AggressiveMode(true));
  }

  /**
   * An Aggressive Mode responder; it refuses unless {@link Phase1Config#aggressiveResponder()} is
   * set for the peer (see {@link AggressiveMode} for why).
   */
  public static MainModeExchange aggressiveResponder(Phase1Config config, SecureRandom random) {
    return new MainModeExchange(new Phase1State(false, config, random), new AggressiveMode(false));
  }

  /** The initiator side; call {@link #start()}. */
  public static MainModeExchange initiator(Phase1Config config, SecureRandom random) {
    return new MainModeExchange(true, config, random);
  }

  /** The responder side; feed it the initiator's first message. */
  public static MainModeExchange responder(Phase1Config config, SecureRandom random) {
    return new MainModeExchange(false, config, random);
  }

  /** Adds NAT traversal and our vendor IDs (RFC 3947) to the exchange; before the first message. */
  public MainModeExchange natTraversal(NatTraversal n) {
    this.natT = n;
    return this;
  }

  /** The NAT traversal companion, null if none. */
  public NatTraversal natTraversal() {
    return natT;
  }

  /** The SA state being negotiated. */
  public Phase1State sa() {
    return sa;
  }

  /** Whether the exchange completed or failed. */
  public boolean finished() {
    return finished;
  }

  /** Builds message (1). */
  public byte[] start() throws V1Exception {
    if (!sa.initiator() || messages != 0) {
      throw new IllegalStateException("only an initiator starts, once");
    }
    return build();
  }

  /** Processes a received datagram (without the non-ESP marker). */
  public Outcome receive(byte[] datagram) {
    if (finished) {
      return new Outcome.Failed("exchange already finished", Optional.empty());
    }
    ParseResult<Datagram> decoded = Datagram.decode(datagram);
    if (decoded instanceof ParseResult.Err<Datagram> e) {
      return new Outcome.Dropped(e.error().toString());
    }
    Datagram d = decoded.orElseThrow();
    IsakmpHeader h = d.header();
    if (!h.exchangeType().equals(type) || h.messageId() != 0) {
      return new Outcome.Dropped("not a " + type + " message: " + h);
    }
    int index = messages + 1;
    // Cookies (RFC 2408 section 3.1): the first message has a zero responder cookie, the second
    // brings it; the SA learns the peer's cookie only from a message that passed every check.
    boolean cookiesOk =
        switch (index) {
          case 1 -> h.responderCookie() == 0;
          case 2 -> h.initiatorCookie() == sa.initiatorCookie() && h.responderCookie() != 0;
          default ->
              h.initiatorCookie() == sa.initiatorCookie()
                  && h.responderCookie() == sa.responderCookie();
        };
    if (!cookiesOk) {
      return new Outcome.Dropped("cookies of another SA");
    }
    boolean mustBeEncrypted =
        index >= firstEncrypted && type.equals(ExchangeType.IDENTITY_PROTECTION);
    boolean mayBeEncrypted = index >= firstEncrypted;
    IsakmpMessage in;
    byte[] lastBlock = null;
    if (d instanceof EncryptedMessage e) {
      if (!mayBeEncrypted || sa.cipher() == null) {
        return new Outcome.Dropped("message " + index + " must not be encrypted");
      }
      ParseResult<IsakmpMessage> opened = e.decrypt(sa.cipher(), sa.ivs().iv(0));
      if (opened instanceof ParseResult.Err<IsakmpMessage> err) {
        return new Outcome.Dropped(err.error().toString());
      }
      in = opened.orElseThrow();
      lastBlock = e.lastBlock(sa.cipher().blockSize());
    } else {
      if (mustBeEncrypted) {
        return new Outcome.Dropped("message " + index + " must be encrypted");
      }
      in = (IsakmpMessage) d;
    }
    Optional<ParseError> violation = ExchangeRules.check(in, index);
    if (violation.isPresent()) {
      return new Outcome.Dropped(violation.get().toString());
    }
    if (index == 1) {
      sa.peerCookie(h.initiatorCookie());
    } else if (index == 2) {
      sa.peerCookie(h.responderCookie());
    }
    TaskStatus status;
    try {
      status = task.process(sa, in);
    } catch (V1Exception e) {
      if (e.isUnverified()) {
        return new Outcome.Dropped(e.getMessage());
      }
      finished = true;
      if (lastBlock != null) {
        // The exchange is over; the error notification we send about it (ErrorNotify) takes its
        // IV from the last phase 1 block, the one the peer moved to when it sent this message.
        sa.ivs().update(0, lastBlock);
      }
      return new Outcome.Failed(e.getMessage(), e.notifyType());
    }
    messages++;
    if (lastBlock != null) {
      // Only a message that passed its checks moves the IV chain (RFC 2409 appendix B).
      sa.ivs().update(0, lastBlock);
    }
    if (natT != null) {
      natT.process(sa, type, index, in);
      natT.floatIfDue(sa, type, index);
    }
    if (status == TaskStatus.DONE) {
      finished = true;
      return new Outcome.Done();
    }
    if (status == TaskStatus.FAILED) {
      finished = true;
      return new Outcome.Failed("Main Mode failed", Optional.empty());
    }
    try {
      byte[] reply = build();
      return new Outcome.Reply(reply, finished);
    } catch (V1Exception e) {
      finished = true;
      return new Outcome.Failed(e.getMessage(), e.notifyType());
    }
  }

  private byte[] build() throws V1Exception {
    List<Payload> out = new ArrayList<>();
    TaskStatus status = task.build(sa, out);
    messages++;
    if (natT != null) {
      natT.build(sa, type, messages, out);
    }
    IsakmpMessage m =
        new IsakmpMessage(
            IsakmpHeader.of(sa.initiatorCookie(), sa.responderCookie(), type, 0), out);
    byte[] datagram;
    if (messages >= firstEncrypted) {
      EncryptedMessage e = m.encrypt(sa.cipher(), sa.ivs().iv(0));
      sa.ivs().update(0, e.lastBlock(sa.cipher().blockSize()));
      datagram = e.encode();
    } else {
      datagram = m.encode();
    }
    if (status == TaskStatus.DONE) {
      finished = true;
    }
    return datagram;
  }

  @Override
  public String toString() {
    return "MainModeExchange[" + sa + ", " + messages + " messages]";
  }
}
