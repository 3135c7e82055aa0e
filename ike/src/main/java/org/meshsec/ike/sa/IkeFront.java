package org.meshsec.ike.sa;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.meshsec.ike.message.IkeHeader;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.port.LogRateLimiter;
import org.meshsec.inet.InetText;
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
  private final LogRateLimiter badInputLog;
  private final Map<Integer, VersionHandler> handlers = new ConcurrentHashMap<>();

  /** Bad-input log lines: one per source address per this interval, then a summary. */
  static final Duration BAD_INPUT_LOG_INTERVAL = Duration.ofSeconds(10);

  /** Source addresses the bad-input log limiter remembers per interval, at most. */
  static final int BAD_INPUT_LOG_SOURCES = 1024;

  IkeFront(
      EngineStats stats,
      CookieSecret cookieSecret,
      HalfOpenLimit halfOpen,
      LogRateLimiter badInputLog) {
    this.stats = stats;
    this.cookieSecret = cookieSecret;
    this.halfOpen = halfOpen;
    this.badInputLog = badInputLog;
  }

  /**
   * The rate limit of the engine's log lines about bad input (malformed, unknown SPI, no
   * configuration, refused), keyed by source address; shared by the versions.
   */
  public LogRateLimiter badInputLog() {
    return badInputLog;
  }

  /** Logs a dropped datagram from {@code remote} at INFO, within the bad-input rate limit. */
  void logDrop(InetSocketAddress remote, String why) {
    if (badInputLog.admit(remote.getAddress())) {
      log.info("IKE datagram from {} dropped: {}", InetText.endpoint(remote), why);
    }
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
        logDrop(remote, "shorter than an IKE header");
        return;
      }
      if (datagram.length > Message.MAX_MESSAGE_LENGTH) {
        stats.malformed.incrementAndGet();
        stats.tooLong.incrementAndGet();
        logDrop(remote, "longer than " + Message.MAX_MESSAGE_LENGTH + " bytes");
        return;
      }
      long length = ByteBuffer.wrap(datagram, IkeHeader.OFFSET_LENGTH, 4).getInt() & 0xFFFF_FFFFL;
      if (length != datagram.length) {
        stats.malformed.incrementAndGet();
        stats.badLength.incrementAndGet();
        logDrop(remote, "header Length " + length + " != datagram length " + datagram.length);
        return;
      }
      int major = (datagram[IkeHeader.OFFSET_VERSION] & 0xFF) >>> 4;
      VersionHandler handler = handlers.get(major);
      if (handler == null) {
        stats.malformed.incrementAndGet();
        stats.unsupportedVersion.incrementAndGet();
        logDrop(remote, "IKE major version " + major + " not supported");
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
