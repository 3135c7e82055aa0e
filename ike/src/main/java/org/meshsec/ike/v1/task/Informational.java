package org.meshsec.ike.v1.task;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.port.IpsecPort;
import org.meshsec.ike.v1.crypto.V1KeyDerivation;
import org.meshsec.ike.v1.message.DeletePayload;
import org.meshsec.ike.v1.message.ExchangeRules;
import org.meshsec.ike.v1.message.ExchangeType;
import org.meshsec.ike.v1.message.HashPayload;
import org.meshsec.ike.v1.message.IsakmpHeader;
import org.meshsec.ike.v1.message.IsakmpMessage;
import org.meshsec.ike.v1.message.NotifyPayload;
import org.meshsec.ike.v1.message.NotifyType;
import org.meshsec.ike.v1.message.ParseError;
import org.meshsec.ike.v1.message.Payload;
import org.meshsec.ike.v1.message.ProtocolId;

/**
 * The informational exchanges of one ISAKMP SA (RFC 2409 section 5.7): one encrypted message each,
 * under a fresh Message ID, authenticated by HASH(1) = prf(SKEYID_a, M-ID | N/D).
 *
 * <pre>
 *  HDR*, HASH(1), D(ESP, SPIs)           the sender deleted the SAs it receives on (RFC 2408 3.15)
 *  HDR*, HASH(1), D(ISAKMP, CKY-I|CKY-R) the ISAKMP SA is gone (its ESP SAs stay)
 *  HDR*, HASH(1), N(INITIAL-CONTACT)     the peer has no other SA with us (RFC 2407 4.6.3.3)
 *  HDR*, HASH(1), N(R-U-THERE, seq)      Dead Peer Detection (RFC 3706 section 5), answered by
 *  HDR*, HASH(1), N(R-U-THERE-ACK, seq)  with the same sequence number
 * </pre>
 *
 * Sending: {@link #deleteChild}, {@link #deleteIsakmpSa}, {@link #initialContact}, {@link
 * #rUThere}. Receiving: {@link #receive} verifies and applies a message (ESP deletes go to {@link
 * IpsecPort#delete}) and says what happened; an R-U-THERE is answered with an ACK. DPD sequence
 * numbers: ours start at a random value and increase by one per R-U-THERE; an ACK counts only if it
 * echoes the outstanding one; an R-U-THERE whose number is not above the last one seen from the
 * peer is a replay and ignored (RFC 3706 section 7). Unencrypted informationals are never acted on
 * (RFC 2409 section 5.7). Retransmission of R-U-THERE and the DPD timer belong to the task manager.
 *
 * <p>Not thread-safe; runs on its ISAKMP SA's executor.
 */
public final class Informational {

  /** What a received informational meant. */
  public sealed interface Event {
    /** The peer deleted ESP SA {@code outboundSpi}; the pair with {@code inboundSpi} is gone. */
    record ChildDeleted(int inboundSpi, int outboundSpi) implements Event {}

    /** The peer deleted this ISAKMP SA. */
    record IsakmpSaDeleted() implements Event {}

    /** INITIAL-CONTACT: the peer holds no other SA with us (stale ones may be removed). */
    record InitialContact() implements Event {}

    /** The peer asked R-U-THERE with {@code sequence}; the reply is the ACK. */
    record DpdRequest(long sequence) implements Event {}

    /** Our outstanding R-U-THERE {@code sequence} was acknowledged. */
    record DpdAck(long sequence) implements Event {}

    /**
     * An error notification (RFC 2408 section 3.14.1) about {@code protocol} / {@code spi}: an
     * exchange of ours failed at the peer ({@link ErrorNotify}).
     */
    record Error(NotifyType type, ProtocolId protocol, Bytes spi) implements Event {}

    /** Anything else, or something ignored (stale ACK, replayed R-U-THERE, unknown SPI). */
    record Other(String what) implements Event {}
  }

  /** The events of one received message and the datagram to send back, if any. */
  public record Received(List<Event> events, Optional<byte[]> reply) {}

  private final Phase1State sa;
  private final IpsecPort ipsec;
  private final InetAddress peer;
  private final Map<Integer, Integer> outboundToInbound = new LinkedHashMap<>();
  private long nextSequence;
  private long outstanding = -1;
  private long lastPeerSequence = -1;

  /**
   * @param sa the established ISAKMP SA
   * @param ipsec the data plane, for ESP deletes
   * @param peer the peer's outer address
   */
  public Informational(Phase1State sa, IpsecPort ipsec, InetAddress peer) {
    this.sa = Objects.requireNonNull(sa, "sa");
    this.ipsec = Objects.requireNonNull(ipsec, "ipsec");
    this.peer = Objects.requireNonNull(peer, "peer");
    this.nextSequence = (sa.random().nextInt() & 0x7FFF_FFFFL) + 1;
  }

  /** Registers an installed ESP pair under this ISAKMP SA. */
  public void addChild(int inboundSpi, int outboundSpi) {
    outboundToInbound.put(outboundSpi, inboundSpi);
  }

  /**
   * Forgets the pair with inbound SPI {@code inboundSpi} without deleting it (it moved to another
   * ISAKMP SA); returns its outbound SPI, or null if unknown.
   */
  public Integer removeChild(int inboundSpi) {
    for (Map.Entry<Integer, Integer> e : outboundToInbound.entrySet()) {
      if (e.getValue() == inboundSpi) {
        outboundToInbound.remove(e.getKey());
        return e.getKey();
      }
    }
    return null;
  }

  /** The installed pairs, outbound SPI to inbound SPI. */
  public Map<Integer, Integer> children() {
    return Map.copyOf(outboundToInbound);
  }

  /** The outstanding R-U-THERE sequence number, -1 when none. */
  public long outstandingDpd() {
    return outstanding;
  }

  /** Deletes the pair with inbound SPI {@code inboundSpi} and tells the peer: D(ESP, SPI). */
  public byte[] deleteChild(int inboundSpi) {
    Integer out = null;
    for (Map.Entry<Integer, Integer> e : outboundToInbound.entrySet()) {
      if (e.getValue() == inboundSpi) {
        out = e.getKey();
      }
    }
    if (out == null) {
      throw new IllegalArgumentException(
          String.format("no pair with inbound SPI %08x", inboundSpi));
    }
    outboundToInbound.remove(out);
    ipsec.delete(inboundSpi, out, peer);
    return send(DeletePayload.esp(inboundSpi));
  }

  /** D(ISAKMP): this ISAKMP SA is deleted; the caller then wipes it. */
  public byte[] deleteIsakmpSa() {
    return send(DeletePayload.isakmpSa(sa.initiatorCookie(), sa.responderCookie()));
  }

  /** N(INITIAL-CONTACT) about this ISAKMP SA. */
  public byte[] initialContact() {
    return send(
        NotifyPayload.aboutIsakmpSa(
            NotifyType.INITIAL_CONTACT, sa.initiatorCookie(), sa.responderCookie(), Bytes.EMPTY));
  }

  /** N(R-U-THERE) with the next sequence number, which becomes the outstanding one. */
  public byte[] rUThere() {
    outstanding = nextSequence;
    nextSequence = (nextSequence + 1) & 0xFFFF_FFFFL;
    return send(NotifyPayload.dpd(false, sa.initiatorCookie(), sa.responderCookie(), outstanding));
  }

  /** Encrypts one informational with its HASH(1) under a fresh Message ID. */
  private byte[] send(Payload body) {
    long mid = Phase2Messages.newMessageId(sa);
    byte[] after =
        new IsakmpMessage(IsakmpHeader.of(0, 0, ExchangeType.INFORMATIONAL, mid), List.of(body))
            .encodePayloads();
    byte[] hash =
        V1KeyDerivation.informationalHash(sa.keys().prf(), sa.keys().skeyidA(), mid, after);
    byte[] datagram =
        Phase2Messages.seal(
            sa, ExchangeType.INFORMATIONAL, mid, List.of(new HashPayload(Bytes.of(hash)), body));
    sa.ivs().forget(mid);
    return datagram;
  }

  /**
   * Verifies and applies a received informational.
   *
   * @throws V1Exception a message that is not for this SA, does not decrypt, breaks the payload
   *     rules or fails its HASH: dropped, nothing applied
   */
  public Received receive(byte[] datagram) throws V1Exception {
    Phase2Messages.Opened opened = Phase2Messages.open(sa, datagram);
    IsakmpMessage m = opened.message();
    long mid = m.header().messageId();
    if (!m.header().exchangeType().equals(ExchangeType.INFORMATIONAL)) {
      throw V1Exception.silent("not an informational: " + m.header().exchangeType());
    }
    Optional<ParseError> violation = ExchangeRules.check(m, 0);
    if (violation.isPresent()) {
      throw Phase2Messages.fromParseError(violation.get());
    }
    byte[] expected =
        V1KeyDerivation.informationalHash(
            sa.keys().prf(), sa.keys().skeyidA(), mid, m.encodePayloadsAfter(0));
    byte[] got = ((HashPayload) m.payloads().get(0)).hashData().toByteArray();
    if (!MessageDigest.isEqual(expected, got)) {
      throw V1Exception.silent("informational HASH(1) does not verify");
    }
    opened.commit(sa);
    sa.ivs().forget(mid);
    List<Event> events = new ArrayList<>();
    byte[] reply = null;
    Bytes cookies = NotifyPayload.cookiePair(sa.initiatorCookie(), sa.responderCookie());
    for (Payload p : m.payloads().subList(1, m.payloads().size())) {
      if (p instanceof DeletePayload d) {
        if (d.protocolId().equals(ProtocolId.ESP) && d.spiSize() == 4) {
          for (Bytes spi : d.spis()) {
            int out = (int) spi.toLong();
            Integer in = outboundToInbound.remove(out);
            if (in == null) {
              events.add(new Event.Other(String.format("Delete of unknown ESP SPI %08x", out)));
            } else {
              ipsec.delete(in, out, peer);
              events.add(new Event.ChildDeleted(in, out));
            }
          }
        } else if (d.protocolId().equals(ProtocolId.ISAKMP) && d.spis().contains(cookies)) {
          events.add(new Event.IsakmpSaDeleted());
        } else {
          events.add(new Event.Other("Delete of " + d.protocolId()));
        }
      } else if (p instanceof NotifyPayload n) {
        NotifyType t = n.notifyType();
        boolean aboutUs = n.spi().equals(cookies);
        if (t.equals(NotifyType.INITIAL_CONTACT) && aboutUs) {
          events.add(new Event.InitialContact());
        } else if (t.equals(NotifyType.R_U_THERE) && aboutUs && n.dpdSequence() >= 0) {
          long seq = n.dpdSequence();
          if (lastPeerSequence >= 0 && seq <= lastPeerSequence) {
            events.add(new Event.Other("replayed R-U-THERE " + seq));
          } else {
            lastPeerSequence = seq;
            events.add(new Event.DpdRequest(seq));
            reply = send(NotifyPayload.dpd(true, sa.initiatorCookie(), sa.responderCookie(), seq));
          }
        } else if (t.equals(NotifyType.R_U_THERE_ACK) && aboutUs && n.dpdSequence() >= 0) {
          if (n.dpdSequence() == outstanding) {
            events.add(new Event.DpdAck(outstanding));
            outstanding = -1;
          } else {
            events.add(new Event.Other("stale R-U-THERE-ACK " + n.dpdSequence()));
          }
        } else if (t.isError()) {
          events.add(new Event.Error(t, n.protocolId(), n.spi()));
        } else {
          events.add(new Event.Other("notification " + t));
        }
      }
    }
    return new Received(List.copyOf(events), Optional.ofNullable(reply));
  }
}
