package org.meshsec.ike.v1.task;

import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.v1.crypto.V1KeyDerivation;
import org.meshsec.ike.v1.message.Datagram;
import org.meshsec.ike.v1.message.ExchangeRules;
import org.meshsec.ike.v1.message.ExchangeType;
import org.meshsec.ike.v1.message.HashPayload;
import org.meshsec.ike.v1.message.IsakmpHeader;
import org.meshsec.ike.v1.message.IsakmpMessage;
import org.meshsec.ike.v1.message.NotifyPayload;
import org.meshsec.ike.v1.message.NotifyType;
import org.meshsec.ike.v1.message.ParseResult;
import org.meshsec.ike.v1.message.Payload;
import org.meshsec.ike.v1.message.ProtocolId;
import org.meshsec.ike.v1.message.SaPayload;

/**
 * The error notifications of failed exchanges (RFC 2408 sections 3.14.1 and 5): one Notification
 * payload in an Informational exchange of its own (RFC 2409 section 5.7), under a fresh Message ID.
 *
 * <pre>
 *  keys of the ISAKMP SA exist   HDR*, HASH(1), N(type)   HASH(1) = prf(SKEYID_a, M-ID | N)
 *  no keys yet (phase 1 (1)-(3)) HDR, N(type)             unprotected (RFC 2408 section 5)
 *
 *  about phase 1                 N(ISAKMP, SPI = CKY-I | CKY-R)   (as strongSwan sends it)
 *  about a Quick Mode            N(ESP, SPI = the initiator's SPI of the proposal)
 * </pre>
 *
 * Reading: {@link #read} accepts, for an SA whose phase 1 is not complete, a protected message
 * whose HASH(1) verifies or an unprotected one; an unprotected error can be forged by whoever saw
 * the cookies, but so can the loss of every message, and acting on it ends a negotiation at once
 * instead of after the retransmission timeout (strongSwan's {@code informational_v1.c} fails phase
 * 1 on an error notification likewise). After phase 1 only {@link Informational} reads
 * informationals, protected ones only.
 *
 * <p>Stateless; the IV chain it uses lives in {@link Phase1State}.
 */
public final class ErrorNotify {
  private ErrorNotify() {}

  /** A received error notification: its type and what it is about. */
  public record Received(NotifyType type, ProtocolId protocol, Bytes spi, boolean authenticated) {}

  /** N(type) about the ISAKMP SA, protected when {@code sa} has keys. */
  public static byte[] aboutPhase1(Phase1State sa, NotifyType type) {
    return build(
        sa,
        NotifyPayload.aboutIsakmpSa(type, sa.initiatorCookie(), sa.responderCookie(), Bytes.EMPTY));
  }

  /** N(type) about the Quick Mode whose initiator proposed {@code initiatorSpi} (protected). */
  public static byte[] aboutQuickMode(Phase1State sa, NotifyType type, int initiatorSpi) {
    Bytes spi =
        Bytes.of(
            (byte) (initiatorSpi >>> 24),
            (byte) (initiatorSpi >>> 16),
            (byte) (initiatorSpi >>> 8),
            (byte) initiatorSpi);
    return build(
        sa, new NotifyPayload(SaPayload.DOI_IPSEC, ProtocolId.ESP, spi, type, Bytes.EMPTY));
  }

  private static boolean hasKeys(Phase1State sa) {
    return sa.keys() != null && sa.cipher() != null && sa.ivs() != null;
  }

  private static byte[] build(Phase1State sa, NotifyPayload n) {
    long mid = Phase2Messages.newMessageId(sa);
    if (!hasKeys(sa)) {
      return new IsakmpMessage(
              IsakmpHeader.of(
                  sa.initiatorCookie(), sa.responderCookie(), ExchangeType.INFORMATIONAL, mid),
              List.of(n))
          .encode();
    }
    byte[] after =
        new IsakmpMessage(IsakmpHeader.of(0, 0, ExchangeType.INFORMATIONAL, mid), List.of(n))
            .encodePayloads();
    byte[] hash =
        V1KeyDerivation.informationalHash(sa.keys().prf(), sa.keys().skeyidA(), mid, after);
    byte[] datagram =
        Phase2Messages.seal(
            sa, ExchangeType.INFORMATIONAL, mid, List.of(new HashPayload(Bytes.of(hash)), n));
    sa.ivs().forget(mid);
    return datagram;
  }

  /**
   * The error notification in an informational of an SA whose phase 1 is not complete, if it
   * carries one (status notifications and Deletes are not errors).
   */
  public static Optional<Received> read(Phase1State sa, byte[] datagram) {
    ParseResult<Datagram> decoded = Datagram.decode(datagram);
    if (!(decoded instanceof ParseResult.Ok<Datagram> ok)) {
      return Optional.empty();
    }
    IsakmpHeader h = ok.value().header();
    if (!h.exchangeType().equals(ExchangeType.INFORMATIONAL)
        || h.messageId() == 0
        || h.initiatorCookie() != sa.initiatorCookie()
        || (h.responderCookie() != sa.responderCookie() && sa.responderCookie() != 0)) {
      // The initiator may hear of a failed (1) before it learnt the responder's cookie.
      return Optional.empty();
    }
    IsakmpMessage m;
    boolean authenticated = false;
    if (ok.value() instanceof IsakmpMessage plain) {
      m = plain;
    } else {
      if (!hasKeys(sa)) {
        return Optional.empty();
      }
      try {
        m = Phase2Messages.open(sa, datagram).message();
      } catch (V1Exception e) {
        return Optional.empty();
      }
      if (ExchangeRules.check(m, 0).isPresent()) {
        return Optional.empty();
      }
      byte[] expected =
          V1KeyDerivation.informationalHash(
              sa.keys().prf(), sa.keys().skeyidA(), h.messageId(), m.encodePayloadsAfter(0));
      byte[] got = ((HashPayload) m.payloads().get(0)).hashData().toByteArray();
      if (!MessageDigest.isEqual(expected, got)) {
        return Optional.empty();
      }
      sa.ivs().forget(h.messageId());
      authenticated = true;
    }
    for (Payload p : m.payloads()) {
      if (p instanceof NotifyPayload n && n.notifyType().isError()) {
        return Optional.of(new Received(n.notifyType(), n.protocolId(), n.spi(), authenticated));
      }
    }
    return Optional.empty();
  }
}
