package org.meshsec.core.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.control.command.DaemonControl;
import org.meshsec.tun.tuntest.TunFake;
import org.slf4j.LoggerFactory;

/**
 * What an operator reads: the log of two daemons through a handshake, traffic, a rekey and a
 * delete, at DEBUG. No line may carry a Java {@code toString()} (a record's {@code
 * Name[field=...]}, an {@code InetAddress}'s {@code /1.2.3.4}, an object's {@code @1a2b3c}); each
 * IKE message sent and received has its strongSwan one-line summary; a refused proposal is a WARN
 * with both lists.
 */
class LogTextTest {
  static final int IKE_PORT = 10520;
  static final Duration WAIT = Duration.ofSeconds(10);

  /** A record's toString ({@code Selector[src=...}), an InetAddress's, an identity object's. */
  static final List<Pattern> JAVA_TO_STRING =
      List.of(
          Pattern.compile("\\b[A-Z][A-Za-z]+\\[[a-z][A-Za-z]*="),
          Pattern.compile("(^|[^\\w.:/])/\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"),
          Pattern.compile("\\b[A-Z][A-Za-z]+@[0-9a-f]{4,}\\b"));

  @TempDir Path dir;
  Daemon a;
  Daemon b;
  ListAppender<ILoggingEvent> captured = new ListAppender<>();
  Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  Level rootLevel;

  @BeforeEach
  void capture() {
    rootLevel = root.getLevel();
    captured.start();
    root.addAppender(captured);
    root.setLevel(Level.DEBUG);
  }

  @AfterEach
  void tearDown() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
    root.setLevel(rootLevel);
    root.detachAppender(captured);
  }

  void startBoth(String extraA, String extraB) throws IOException {
    String psk = IkeDaemonsTest.PSK;
    b =
        DaemonPair.start(
            DaemonPair.write(
                dir,
                "b",
                DaemonPair.config(
                    IKE_PORT,
                    "b",
                    "127.3.1.2",
                    "a",
                    "127.3.1.1",
                    "10.8.1.0/24",
                    "10.8.0.0/24",
                    extraB,
                    ""),
                psk),
            new TunFake("fake-b", 1400));
    a =
        DaemonPair.start(
            DaemonPair.write(
                dir,
                "a",
                DaemonPair.config(
                    IKE_PORT,
                    "a",
                    "127.3.1.1",
                    "b",
                    "127.3.1.2",
                    "10.8.0.0/24",
                    "10.8.1.0/24",
                    extraA,
                    ""),
                psk),
            new TunFake("fake-a", 1400));
  }

  static ControlResponse call(Daemon d, ControlRequest request) throws InterruptedException {
    return DaemonControl.commands(d).call(request);
  }

  List<String> lines(Level atLeast) {
    List<String> out = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(captured.list)) {
      if (e.getLevel().isGreaterOrEqual(atLeast)) {
        out.add(e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage());
      }
    }
    return out;
  }

  void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what + "\n" + String.join("\n", lines(Level.DEBUG)));
      }
      Thread.sleep(20);
    }
  }

  void assertNoJavaToString() {
    List<String> bad = new ArrayList<>();
    for (String line : lines(Level.DEBUG)) {
      for (Pattern p : JAVA_TO_STRING) {
        if (p.matcher(line).find()) {
          bad.add(line);
          break;
        }
      }
    }
    assertEquals("", String.join("\n", bad), "log lines with a Java toString()");
  }

  boolean logged(Level level, String regex) {
    Pattern p = Pattern.compile(regex);
    return lines(level).stream().anyMatch(l -> l.startsWith(level + " ") && p.matcher(l).find());
  }

  @Test
  void aHandshakeRekeyAndDeleteLogUsualTextForms() throws Exception {
    startBoth("", "");
    ControlResponse r = call(a, new ControlRequest.Initiate("b", 10_000L, false));
    assertTrue(r.ok(), r.body());
    await("b up", () -> !b.ike().list().isEmpty());
    ControlResponse k = call(a, new ControlRequest.Rekey("b", 10_000L, false));
    assertTrue(k.ok(), k.body());
    ControlResponse t = call(a, new ControlRequest.Terminate("b", 10_000L, false));
    assertTrue(t.ok(), t.body());
    await("b down", () -> b.ike().list().isEmpty());
    TimeUnit.MILLISECONDS.sleep(100);
    String all = String.join("\n", lines(Level.DEBUG));

    assertNoJavaToString();
    // one line per IKE message, both ways, in strongSwan's notation
    for (String msg :
        new String[] {
          "sending IKE_SA_INIT request 0 \\[ SA KE No N\\(NATD_S_IP\\) N\\(NATD_D_IP\\)",
          "received IKE_SA_INIT request 0 \\[ SA KE No ",
          "sending IKE_SA_INIT response 0 \\[ SA KE No ",
          "sending IKE_AUTH request 1 \\[ IDi .*AUTH .*SA TSi TSr \\]",
          "received IKE_AUTH response 1 \\[ IDr AUTH SA TSi TSr .*\\]",
          "sending CREATE_CHILD_SA request 2 \\[ SA No KE \\]",
          "sending INFORMATIONAL request \\d+ \\[ D \\]",
          "received INFORMATIONAL response \\d+ \\[ \\]"
        }) {
      assertTrue(logged(Level.DEBUG, msg), msg + " not in\n" + all);
    }
    assertTrue(logged(Level.INFO, "IKE SA .* established with b \\(127\\.3\\.1\\.2"), all);
    assertTrue(logged(Level.INFO, "IKE SA .*rekeyed.*[0-9a-f]{16}.*[0-9a-f]{16}"), all);
    assertTrue(logged(Level.INFO, "Child SA lan\\{[0-9a-f]{8}/[0-9a-f]{8} .*installed"), all);
    assertTrue(logged(Level.INFO, "deleted"), all);
  }

  @Test
  void aRefusedProposalIsAWarnWithWhatThePeerOfferedAndWhatWeAccept() throws Exception {
    startBoth("ike = [\"aes128-sha256-modp2048\"]", "ike = [\"aes256gcm16-prfsha384-ecp384\"]");
    ControlResponse r = call(a, new ControlRequest.Initiate("b", 10_000L, false));
    assertFalse(r.ok(), r.body());
    String all = String.join("\n", lines(Level.DEBUG));
    assertTrue(
        logged(
            Level.WARN,
            "received proposals: IKE:AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"),
        all);
    assertTrue(
        logged(Level.WARN, "configured proposals: IKE:AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384"),
        all);
    assertNoJavaToString();
  }
}
