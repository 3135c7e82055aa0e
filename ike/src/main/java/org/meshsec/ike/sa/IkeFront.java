package org.meshsec.ike.sa;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.meshsec.ike.message.IkeHeader;
import org.meshsec.ike.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateless front of the engine: every received datagram passes here before any SA state is
 * touched. It checks the size, reads the major version of the header (RFC 7296 section 3.1; the
 * ISAKMP header of RFC 2408 section 3.1 has the same layout, so IKEv1 arrives here too) and hands
 * the datagram to the {@link VersionHandler} registered for that version; anything else is dropped
 * and counted. It also owns what the versions share before state exists: the {@link CookieSecret}
 * and the {@link HalfOpenLimit} (section 2.6).
 *
 * <pre>
 *  receive(datagram, local, remote)        any thread (core's socket)
 *    shorter than a header, too long, header Length not the datagram's length
 *                                          -&gt; dropped, counted malformed and by reason
 *    MjVer 2 -&gt; Ikev2Front: IKE_SA_INIT before state (half-open, COOKIE, peer configs,
 *               stateless replies) or SaManager by SPI
 *    other MjVer without a handler         -&gt; dropped, counted malformed and by reason
 * </pre>
 *
 * <p>Thread-safe: the handler table is concurrent; handlers are thread-safe.
 */
public final class IkeFront {
  private static final Logger log = LoggerFactory.getLogger(IkeFront.class);

  private final EngineStats stats;
  private final CookieSecret cookieSecret;
  private final HalfOpenLimit halfOpen;
  private final Map<Integer, VersionHandler> handlers = new ConcurrentHashMap<>();

  IkeFront(EngineStats stats, CookieSecret cookieSecret, HalfOpenLimit halfOpen) {
    this.stats = stats;
    this.cookieSecret = cookieSecret;
    this.halfOpen = halfOpen;
  }

  /** Serves datagrams of IKE major version {@code majorVersion} with {@code handler}. */
  public void register(int majorVersion, VersionHandler handler) {
    if (handlers.putIfAbsent(majorVersion, handler) != null) {
      throw new IllegalStateException("major version " + majorVersion + " has a handler");
    }
  }

  public CookieSecret cookieSecret() {
    return cookieSecret;
  }

  public HalfOpenLimit halfOpen() {
    return halfOpen;
  }

  /** Handles one datagram; never throws (internal errors are counted and logged). */
  void receive(byte[] datagram, InetSocketAddress local, InetSocketAddress remote) {
    try {
      if (datagram.length < IkeHeader.LENGTH) {
        stats.malformed.incrementAndGet();
        stats.tooShort.incrementAndGet();
        return;
      }
      if (datagram.length > Message.MAX_MESSAGE_LENGTH) {
        stats.malformed.incrementAndGet();
        stats.tooLong.incrementAndGet();
        return;
      }
      long length = ByteBuffer.wrap(datagram, IkeHeader.OFFSET_LENGTH, 4).getInt() & 0xFFFF_FFFFL;
      if (length != datagram.length) {
        stats.malformed.incrementAndGet();
        stats.badLength.incrementAndGet();
        return;
      }
      int major = (datagram[IkeHeader.OFFSET_VERSION] & 0xFF) >>> 4;
      VersionHandler handler = handlers.get(major);
      if (handler == null) {
        stats.malformed.incrementAndGet();
        stats.unsupportedVersion.incrementAndGet();
        return;
      }
      handler.receive(datagram, local, remote);
    } catch (RuntimeException e) {
      stats.internalErrors.incrementAndGet();
      log.warn("internal error on a received datagram", e);
    }
  }

  /**
   * Handles the datagrams of one IKE major version behind the front: its own pre-state handling
   * (IKE_SA_INIT for IKEv2, Main/Aggressive Mode's first message for IKEv1), then its SAs.
   * Implementations are thread-safe.
   */
  public interface VersionHandler {

    /**
     * One datagram of this version, at least a header long and within the size limit. Bad input is
     * dropped and counted, never thrown.
     */
    void receive(byte[] datagram, InetSocketAddress local, InetSocketAddress remote);
  }
}
