package org.meshsec.ike.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.meshsec.ike.config.EngineSettings;
import org.meshsec.ike.config.PeerConfig;
import org.meshsec.ike.message.DecodeResult;
import org.meshsec.ike.message.Message;
import org.meshsec.ike.message.NotifyPayload;
import org.meshsec.ike.message.NotifyType;
import org.meshsec.ike.message.Payload;
import org.meshsec.ike.port.LoopbackNetwork;

/**
 * IKE_SA_INIT floods against b (RFC 7296 section 2.6): the half-open limit per source address, the
 * preference for configured peers at the total limit, and faster ageing under pressure. b has a
 * configuration for a (10.0.0.1) and a wildcard one that admits any other address, so the flood's
 * sources (10.0.0.9 and up) are unconfigured.
 */
class HalfOpenFloodTest {
  private Testbed t;

  @AfterEach
  void noInternalErrors() {
    if (t != null) {
      assertEquals(0, t.a.engine.stats().internalErrors.get(), "a: " + t.a.engine.stats());
      assertEquals(0, t.b.engine.stats().internalErrors.get(), "b: " + t.b.engine.stats());
    }
  }

  private static Testbed withWildcard(EngineSettings forB) {
    Testbed t = new Testbed();
    PeerConfig aForB = Testbed.peer(1, 2).child(Testbed.subnetChild(1, 2).build()).build();
    PeerConfig bForA = Testbed.peer(2, 1).child(Testbed.subnetChild(2, 1).build()).build();
    PeerConfig anyForB =
        Testbed.peer(2, 9).remoteAddress(null).child(Testbed.subnetChild(2, 9).build()).build();
    t.a = new TestNode("a", 1, t.clock, t.net, EngineSettings.DEFAULT, 1, List.of(aForB));
    t.b = new TestNode("b", 2, t.clock, t.net, forB, 2, List.of(bForA, anyForB));
    return t;
  }

  /** a's first IKE_SA_INIT request, captured and not delivered; a's attempt is then dropped. */
  private LoopbackNetwork.Datagram captureInit() {
    t.a.initiate("b");
    LoopbackNetwork.Datagram init = t.net.dropNext();
    t.a.engine.terminate("b");
    t.clock.runPending();
    assertTrue(t.a.sas().isEmpty());
    return init;
  }

  /** {@code init} with another SPIi, sent from 10.0.0.{@code octet}. */
  private static LoopbackNetwork.Datagram forged(
      LoopbackNetwork.Datagram init, int octet, long spi) {
    byte[] bytes = init.bytes().clone();
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (spi >>> (56 - 8 * i));
    }
    InetSocketAddress from = new InetSocketAddress(TestNode.address(octet), init.from().getPort());
    return new LoopbackNetwork.Datagram(from, init.to(), bytes);
  }

  /**
   * Sends {@code d} to b; if b answers with a COOKIE, returns it as a flooder that answers does.
   */
  private void floodOne(LoopbackNetwork.Datagram d) {
    t.net.deliver(d);
    List<LoopbackNetwork.Datagram> replies = t.net.inFlight();
    t.net.drop(x -> true); // the flood's sources do not answer otherwise
    for (LoopbackNetwork.Datagram r : replies) {
      if (!r.to().equals(d.from())) {
        continue;
      }
      Message reply = ((DecodeResult.Ok<Message>) Message.decode(r.bytes())).value();
      reply.payloads().stream()
          .filter(p -> p instanceof NotifyPayload n && n.notifyType().equals(NotifyType.COOKIE))
          .findFirst()
          .ifPresent(
              cookie -> {
                Message request = ((DecodeResult.Ok<Message>) Message.decode(d.bytes())).value();
                List<Payload> payloads = new ArrayList<>();
                payloads.add(cookie);
                payloads.addAll(request.payloads());
                Message again = Message.of(request.header(), payloads.toArray(new Payload[0]));
                t.net.deliver(new LoopbackNetwork.Datagram(d.from(), d.to(), again.encode()));
                t.net.drop(x -> true);
              });
    }
  }

  @Test
  void summaryOfSuppressedLinesIsWrittenWhenTheIntervalEndsWithoutFurtherInput() {
    t = withWildcard(EngineSettings.DEFAULT.withHalfOpen(50, 0).withHalfOpenPerSource(2));
    t.b.engine.start();
    LoopbackNetwork.Datagram init = captureInit();
    for (long spi = 1; spi <= 10; spi++) {
      floodOne(forged(init, 9, spi));
    }
    assertEquals(7, t.b.engine.badInputLog().suppressed(), "one line for the 8 drops");
    t.clock.advance(IkeFront.BAD_INPUT_LOG_INTERVAL.minusSeconds(1));
    assertEquals(7, t.b.engine.badInputLog().suppressed(), "interval not over yet");
    // no more input: the engine's own timer ends the interval and writes the summary
    t.clock.advance(Duration.ofSeconds(2));
    assertEquals(0, t.b.engine.badInputLog().suppressed(), "summary written, counter reset");
  }

  @Test
  void halfOpenSasOfAFloodEndWithoutAnInfoLineEach() {
    ch.qos.logback.classic.Logger saLog =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(IkeSa.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    saLog.addAppender(lines);
    ch.qos.logback.classic.Level level = saLog.getLevel();
    saLog.setLevel(ch.qos.logback.classic.Level.DEBUG);
    try {
      t = withWildcard(EngineSettings.DEFAULT.withHalfOpen(50, 100));
      LoopbackNetwork.Datagram init = captureInit();
      t.clock.runPending();
      lines.list.clear(); // a's own abandoned attempt (an initiator's SA: INFO)
      for (long spi = 1; spi <= 15; spi++) {
        floodOne(forged(init, 9, spi));
      }
      assertEquals(15, t.b.engine.halfOpenCount());
      t.clock.advance(EngineSettings.DEFAULT.halfOpenTimeout().plusSeconds(1));
      assertEquals(0, t.b.engine.halfOpenCount(), "all timed out");
      long infoDestroyed =
          lines.list.stream()
              .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.INFO)
              .filter(e -> e.getFormattedMessage().contains("destroyed"))
              .count();
      assertEquals(0, infoDestroyed, "never authenticated: DEBUG only");
      // an SA that was established still says so at INFO
      t.connect();
      assertEquals(IkeSaState.ESTABLISHED, t.b.onlySa().state());
      t.b.engine.terminate("a");
      t.settle();
      assertTrue(
          lines.list.stream()
              .anyMatch(
                  e ->
                      e.getLevel() == ch.qos.logback.classic.Level.INFO
                          && e.getFormattedMessage().contains("destroyed")));
      assertTrue(
          lines.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith("half-open")),
          "at DEBUG");
    } finally {
      saLog.detachAppender(lines);
      saLog.setLevel(level);
    }
  }

  @Test
  void oneSourceAnsweringCookiesTakesOnlyItsShare() {
    // every request must return a COOKIE; the flooder returns them
    t = withWildcard(EngineSettings.DEFAULT.withHalfOpen(50, 0).withHalfOpenPerSource(5));
    LoopbackNetwork.Datagram init = captureInit();
    for (long spi = 1; spi <= 40; spi++) {
      floodOne(forged(init, 9, spi));
    }
    assertEquals(5, t.b.engine.stats().cookiesSent.get(), "no COOKIE once the share is taken");
    assertEquals(5, t.b.engine.halfOpenCount(), "one source, at most its share");
    assertEquals(35, t.b.engine.stats().halfOpenDroppedPerSource.get());
    assertEquals(34, t.b.engine.badInputLog().suppressed(), "one log line for the 35 drops");
    // a second source gets its own share
    for (long spi = 100; spi <= 110; spi++) {
      floodOne(forged(init, 10, spi));
    }
    assertEquals(10, t.b.engine.halfOpenCount());
    // and the configured peer connects through the COOKIE
    t.connect();
    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state());
    assertEquals(10, t.b.engine.halfOpenCount());
  }

  @Test
  void configuredPeerConnectsWhenUnconfiguredSourcesFillTheTable() {
    t = withWildcard(EngineSettings.DEFAULT.withHalfOpen(10, 1000));
    LoopbackNetwork.Datagram init = captureInit();
    for (int octet = 9; octet < 29; octet++) {
      floodOne(forged(init, octet, octet));
    }
    assertEquals(10, t.b.engine.halfOpenCount(), "the table is full");
    assertEquals(10, t.b.engine.stats().halfOpenDropped.get());
    // a is configured by address: the oldest unconfigured half-open SA makes room
    t.connect();
    assertEquals(IkeSaState.ESTABLISHED, t.a.onlySa().state());
    assertEquals(1, t.b.engine.stats().halfOpenEvicted.get());
    assertEquals(9, t.b.engine.halfOpenCount());
    assertEquals(10, t.b.sas().size(), "9 half-open and a's");
    // an unconfigured source is still refused
    floodOne(forged(init, 40, 40));
    floodOne(forged(init, 41, 41));
    assertEquals(10, t.b.engine.halfOpenCount());
    assertEquals(11, t.b.engine.stats().halfOpenDropped.get());
  }

  @Test
  void halfOpenSasAgeFasterUnderPressure() {
    t = withWildcard(EngineSettings.DEFAULT.withHalfOpen(10, 1000));
    LoopbackNetwork.Datagram init = captureInit();
    // below half the limit: the configured 30 s
    for (int octet = 9; octet < 13; octet++) {
      floodOne(forged(init, octet, octet));
    }
    assertEquals(4, t.b.engine.halfOpenCount());
    t.run(Duration.ofSeconds(8));
    assertEquals(4, t.b.engine.halfOpenCount(), "no pressure: still there after 8 s");
    t.run(Duration.ofSeconds(23));
    assertEquals(0, t.b.engine.halfOpenCount(), "gone after 30 s");

    // a full table: a quarter of the timeout (7.5 s) until it is below half full again
    for (int octet = 20; octet < 30; octet++) {
      floodOne(forged(init, octet, octet));
    }
    assertEquals(10, t.b.engine.halfOpenCount());
    t.run(Duration.ofSeconds(7));
    assertEquals(10, t.b.engine.halfOpenCount());
    t.run(Duration.ofSeconds(1));
    assertEquals(4, t.b.engine.halfOpenCount(), "aged out down to below half the limit");
    t.run(Duration.ofSeconds(23));
    assertEquals(0, t.b.engine.halfOpenCount());
    assertTrue(t.b.sas().isEmpty());
  }
}
