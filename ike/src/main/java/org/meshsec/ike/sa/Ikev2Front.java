package org.meshsec.ike.sa;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.message.Bytes;
import org.meshsec.ike.message.DecodeResult;
import org.meshsec.ike.message.ExchangeType;
import org.meshsec.ike.message.IkeHeader;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.message.NoncePayload;
import org.meshsec.ike.message.NotifyPayload;
import org.meshsec.ike.message.NotifyType;
import org.meshsec.ike.message.Payload;
import org.meshsec.inet.InetText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IKEv2 part of the stateless front (RFC 7296 sections 2.6 and 3.1): decodes the header, and
 * handles an IKE_SA_INIT request before any state exists for it: a retransmission goes to its
 * half-open SA; otherwise the peer configurations matching the addresses are looked up (none: a
 * stateless NO_PROPOSAL_CHOSEN), the {@link HalfOpenLimit} is applied (at the limit: dropped; above
 * the COOKIE threshold: a stateless COOKIE unless the request returns a valid one) and a responder
 * SA is created. Every other message goes to the {@link SaManager} by our SPI.
 *
 * <p>Thread-safe: it keeps no state of its own; the check-then-open of the half-open limit runs
 * under the limit's monitor.
 */
final class Ikev2Front implements IkeFront.VersionHandler {
  private static final Logger log = LoggerFactory.getLogger(Ikev2Front.class);

  /** The COOKIE value: 4-byte secret version and SHA-256 (RFC 7296 section 2.6). */
  private static final int COOKIE_LENGTH = 36;

  private final IkeEngine engine;
  private final SaManager manager;
  private final CookieSecret cookieSecret;
  private final HalfOpenLimit halfOpen;
  private final IkeFront front;

  Ikev2Front(IkeEngine engine, SaManager manager, IkeFront front) {
    this.front = front;
    this.engine = engine;
    this.manager = manager;
    this.cookieSecret = front.cookieSecret();
    this.halfOpen = front.halfOpen();
  }

  @Override
  public void receive(byte[] datagram, InetSocketAddress local, InetSocketAddress remote) {
    DecodeResult<IkeHeader> decoded = IkeHeader.decode(datagram);
    if (!(decoded instanceof DecodeResult.Ok<IkeHeader> ok)) {
      engine.stats().malformed.incrementAndGet();
      front.logDrop(remote, "malformed header");
      return;
    }
    IkeHeader h = ok.value();
    if (h.exchangeType().equals(ExchangeType.IKE_SA_INIT) && h.isRequest()) {
      if (h.responderSpi() != 0 || h.messageId() != 0 || !h.initiatorFlag()) {
        engine.stats().malformed.incrementAndGet();
        front.logDrop(remote, "IKE_SA_INIT request with SPIr, Message ID or flags wrong");
        return;
      }
      IkeSa known = manager.halfOpen(remote.getAddress(), h.initiatorSpi());
      if (known != null) {
        known.execute(() -> known.receive(datagram, h, local, remote));
      } else {
        newResponder(datagram, h, local, remote);
      }
      return;
    }
    manager.dispatch(datagram, h, local, remote);
  }

  private void newResponder(
      byte[] datagram, IkeHeader h, InetSocketAddress local, InetSocketAddress remote) {
    if (engine.isShuttingDown()) {
      refuseShuttingDown(remote);
      return;
    }
    DecodeResult<Message> decoded = Message.decode(datagram);
    if (!(decoded instanceof DecodeResult.Ok<Message> ok)) {
      engine.stats().malformed.incrementAndGet();
      front.logDrop(remote, "malformed IKE_SA_INIT request");
      return;
    }
    Message m = ok.value();
    InetAddress source = remote.getAddress();
    List<PeerConfig> candidates = peersFor(local.getAddress(), source);
    if (candidates.isEmpty()) {
      engine.stats().noConfig.incrementAndGet();
      if (front.badInputLog().admit(source)) {
        log.info("IKE_SA_INIT from {}: no peer configuration", InetText.endpoint(remote));
      }
      statelessReply(h, NotifyPayload.of(NotifyType.NO_PROPOSAL_CHOSEN), local, remote);
      return;
    }
    boolean configured = source.equals(candidates.get(0).remoteAddress());
    IkeSa sa = null;
    Optional<Object> evicted = Optional.empty();
    String refused = null;
    synchronized (halfOpen) {
      switch (halfOpen.admission(source, configured)) {
        case DROP_TOTAL -> {
          engine.stats().halfOpenDropped.incrementAndGet();
          refused = "half-open limit reached";
        }
        case DROP_SOURCE -> {
          engine.stats().halfOpenDroppedPerSource.incrementAndGet();
          refused = "half-open limit of the source reached";
        }
        case COOKIE -> {
          if (!validCookie(m, remote)) {
            engine.stats().cookiesSent.incrementAndGet();
            statelessReply(
                h,
                NotifyPayload.of(NotifyType.COOKIE, cookie(m, remote, cookieSecret.version())),
                local,
                remote);
            return;
          }
        }
        case OPEN -> {}
      }
      if (refused == null) {
        sa = manager.newResponder(h.initiatorSpi(), candidates, local, remote);
        if (sa != null) {
          evicted = halfOpen.opened(sa, source, configured);
        }
      }
    }
    if (refused != null) {
      front.logDrop(remote, refused); // outside the limit's monitor
      return;
    }
    if (sa == null) {
      refuseShuttingDown(remote); // the shutdown began just now
      return;
    }
    if (evicted.isPresent() && evicted.get() instanceof IkeSa old) {
      engine.stats().halfOpenEvicted.incrementAndGet();
      String reason = "half-open SA evicted for configured peer " + source.getHostAddress();
      old.execute(
          () -> {
            if (old.isHalfOpen()) {
              old.destroy(reason);
            }
          });
    }
    IkeSa created = sa;
    created.execute(
        () -> {
          created.acceptAsResponder();
          created.receive(datagram, h, local, remote);
        });
  }

  /** A new IKE_SA_INIT while shutting down: no state, no answer (see IkeEngine#shutdown). */
  private void refuseShuttingDown(InetSocketAddress remote) {
    engine.stats().refusedShuttingDown.incrementAndGet();
    log.debug("IKE_SA_INIT from {}: shutting down, dropped", remote);
  }

  /** An IKE_SA_INIT response with SPIr 0 and one notification (sections 2.6, 2.21.1). */
  private void statelessReply(
      IkeHeader request, Payload payload, InetSocketAddress local, InetSocketAddress remote) {
    IkeHeader h = IkeHeader.of(request.initiatorSpi(), 0, ExchangeType.IKE_SA_INIT, false, true, 0);
    Message reply = Message.of(h, payload);
    engine.observeStateless(reply);
    engine.network().send(reply.encode(), local, remote);
  }

  /** COOKIE = version | SHA-256(Ni | IPi | SPIi | secret) (RFC 7296 section 2.6). */
  private Bytes cookie(Message m, InetSocketAddress remote, int version) {
    byte[] ni = m.first(NoncePayload.class).map(n -> n.nonce().toByteArray()).orElse(new byte[0]);
    byte[] digest =
        cookieSecret.digest(
            ni, remote.getAddress().getAddress(), Bytes.bigEndian64(m.header().initiatorSpi()));
    return Bytes.of(Bytes.concat(ByteBuffer.allocate(4).putInt(version).array(), digest));
  }

  private boolean validCookie(Message m, InetSocketAddress remote) {
    List<Payload> payloads = m.payloads();
    if (payloads.isEmpty()
        || !(payloads.get(0) instanceof NotifyPayload n)
        || !n.notifyType().equals(NotifyType.COOKIE)
        || n.data().length() != COOKIE_LENGTH) {
      return false;
    }
    return MessageDigest.isEqual(
        n.data().toByteArray(), cookie(m, remote, cookieSecret.version()).toByteArray());
  }

  /** The peer configurations for these addresses: exact remote matches first, then wildcards. */
  private List<PeerConfig> peersFor(InetAddress local, InetAddress remote) {
    List<PeerConfig> exact = new ArrayList<>();
    List<PeerConfig> any = new ArrayList<>();
    for (PeerConfig p : engine.peers(IkeEngine.IKEV2)) {
      InetAddress ourAddress = p.localAddress() != null ? p.localAddress() : engine.localAddress();
      if (ourAddress != null && !ourAddress.equals(local)) {
        continue;
      }
      if (remote.equals(p.remoteAddress())) {
        exact.add(p);
      } else if (p.remoteAddress() == null) {
        any.add(p);
      }
    }
    exact.addAll(any);
    return exact;
  }
}
