package org.meshsec.ike.v1.task;

import java.util.List;
import org.meshsec.ike.v1.message.Datagram;
import org.meshsec.ike.v1.message.EncryptedMessage;
import org.meshsec.ike.v1.message.ExchangeType;
import org.meshsec.ike.v1.message.IsakmpHeader;
import org.meshsec.ike.v1.message.IsakmpMessage;
import org.meshsec.ike.v1.message.NotifyType;
import org.meshsec.ike.v1.message.ParseError;
import org.meshsec.ike.v1.message.ParseResult;
import org.meshsec.ike.v1.message.Payload;

/**
 * The framing of encrypted messages after phase 1 (Quick Mode and informational exchanges, RFC 2409
 * sections 5.5, 5.7 and appendix B): the ISAKMP SA's cookies, the exchange's Message ID, the phase
 * 1 cipher and the per-Message-ID IV chain. A received message moves the IV chain only once the
 * exchange accepted it ({@link Opened#commit}), so a forged message cannot desynchronise it.
 * Stateless; the IV chain lives in {@link Phase1State}.
 */
final class Phase2Messages {
  private Phase2Messages() {}

  /** A decrypted message and the IV it leaves behind. */
  record Opened(IsakmpMessage message, byte[] lastBlock) {
    /** Moves the IV chain of the message's exchange past this message. */
    void commit(Phase1State sa) {
      sa.ivs().update(message.header().messageId(), lastBlock);
    }
  }

  /** Encrypts {@code payloads} as the next message of exchange {@code messageId}. */
  static byte[] seal(Phase1State sa, ExchangeType type, long messageId, List<Payload> payloads) {
    IsakmpMessage m =
        new IsakmpMessage(
            IsakmpHeader.of(sa.initiatorCookie(), sa.responderCookie(), type, messageId), payloads);
    EncryptedMessage e = m.encrypt(sa.cipher(), sa.ivs().iv(messageId));
    sa.ivs().update(messageId, e.lastBlock(sa.cipher().blockSize()));
    return e.encode();
  }

  /**
   * Decodes and decrypts a datagram of this ISAKMP SA; checks cookies, a non-zero Message ID and
   * the E flag.
   */
  static Opened open(Phase1State sa, byte[] datagram) throws V1Exception {
    ParseResult<Datagram> decoded = Datagram.decode(datagram);
    if (decoded instanceof ParseResult.Err<Datagram> e) {
      throw fromParseError(e.error());
    }
    Datagram d = decoded.orElseThrow();
    IsakmpHeader h = d.header();
    if (h.initiatorCookie() != sa.initiatorCookie()
        || h.responderCookie() != sa.responderCookie()) {
      throw V1Exception.notify(NotifyType.INVALID_COOKIE, "cookies of another ISAKMP SA");
    }
    if (h.messageId() == 0) {
      throw V1Exception.notify(NotifyType.INVALID_MESSAGE_ID, "Message ID 0 after phase 1");
    }
    if (!(d instanceof EncryptedMessage e)) {
      // RFC 2409 section 5.7: after phase 1 only encrypted, authenticated messages are read.
      throw V1Exception.silent("unencrypted " + h.exchangeType() + " message after phase 1");
    }
    ParseResult<IsakmpMessage> opened = e.decrypt(sa.cipher(), sa.ivs().iv(h.messageId()));
    if (opened instanceof ParseResult.Err<IsakmpMessage> err) {
      // A wrong IV or key shows as garbage: drop it without answering.
      throw V1Exception.silent("does not decrypt: " + err.error());
    }
    return new Opened(opened.orElseThrow(), e.lastBlock(sa.cipher().blockSize()));
  }

  static V1Exception fromParseError(ParseError error) {
    return error.reply().isPresent()
        ? V1Exception.notify(error.reply().get(), error.toString())
        : V1Exception.silent(error.toString());
  }

  /** A fresh non-zero Message ID (RFC 2408 section 3.1: random). */
  static long newMessageId(Phase1State sa) {
    long mid = 0;
    while (mid == 0) {
      mid = sa.random().nextInt() & 0xFFFF_FFFFL;
    }
    return mid;
  }
}
