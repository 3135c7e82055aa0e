package org.meshsec.lab.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** tcp-send to tcp-sink over loopback, both in this JVM. */
class TcpToolsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "::1"})
  void transferArrivesIntactAndHashesAgree(String host) throws Exception {
    Captured sinkOut = new Captured();
    Captured sinkErr = new Captured();
    CompletableFuture<Integer> sink =
        CompletableFuture.supplyAsync(
            () ->
                TcpSink.run(
                    sinkOut.stream, sinkErr.stream, "0", "--bind", host, "--timeout", "20000"));
    String port = sinkOut.await("listening on .*:(\\d+)", WAIT).group(1);

    Captured sendOut = new Captured();
    Captured sendErr = new Captured();
    int rc = TcpSend.run(sendOut.stream, sendErr.stream, host, port, "1M", "--seed", "7");
    assertEquals(0, rc, sendErr.text());
    assertEquals(0, sink.get(20, TimeUnit.SECONDS), sinkErr.text());

    Matcher sent = sendOut.await("sent (\\d+) bytes sha256=([0-9a-f]{64})", WAIT);
    Matcher got = sinkOut.await("received (\\d+) bytes sha256=([0-9a-f]{64})", WAIT);
    assertEquals("1048576", sent.group(1));
    assertEquals("1048576", got.group(1));
    assertEquals(sent.group(2), got.group(2));
    // ... and it is the hash of the seeded stream, computed here independently of the tools.
    byte[] expected = new byte[1 << 20];
    new SplitMix64Stream(7).nextBytes(expected, 0, expected.length);
    String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected));
    assertEquals(hex, got.group(2));
    assertTrue(sinkOut.text().contains("connection from "), sinkOut.text());
  }

  @Test
  void rateOptionPacesTheTransfer() throws Exception {
    Captured sinkOut = new Captured();
    CompletableFuture<Integer> sink =
        CompletableFuture.supplyAsync(
            () -> TcpSink.run(sinkOut.stream, System.err, "0", "--bind", "127.0.0.1"));
    String port = sinkOut.await("listening on .*:(\\d+)", WAIT).group(1);
    Captured sendOut = new Captured();
    long t0 = System.nanoTime();
    // 256 KiB at 512 KiB/s: about half a second, where unpaced loopback takes milliseconds
    assertEquals(
        0, TcpSend.run(sendOut.stream, System.err, "127.0.0.1", port, "256K", "--rate", "512"));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertEquals(0, sink.get(20, TimeUnit.SECONDS));
    assertTrue(ms >= 450 && ms < 5000, "paced transfer took " + ms + " ms");
    assertTrue(sinkOut.text().contains("received 262144 bytes"), sinkOut.text());
  }

  @Test
  void markersAreRepeatedAndTheSourceAddressIsBound() throws Exception {
    Captured sinkOut = new Captured();
    CompletableFuture<Integer> sink =
        CompletableFuture.supplyAsync(
            () -> TcpSink.run(sinkOut.stream, System.err, "0", "--bind", "127.0.0.1"));
    String port = sinkOut.await("listening on .*:(\\d+)", WAIT).group(1);
    Captured sendOut = new Captured();
    Captured sendErr = new Captured();
    int rc =
        TcpSend.run(
            sendOut.stream,
            sendErr.stream,
            "127.0.0.1",
            port,
            "200K",
            "--marker",
            "MARK",
            "--marker-every",
            "64K",
            "--bind",
            "127.0.0.2");
    assertEquals(0, rc, sendErr.text());
    assertEquals(0, sink.get(20, TimeUnit.SECONDS));
    assertTrue(sinkOut.text().contains("connection from 127.0.0.2:"), sinkOut.text());
    // the hash is that of the seeded stream with "MARK" at 0, 64K, 128K and 192K
    byte[] expected = new byte[200 * 1024];
    new SplitMix64Stream(1).nextBytes(expected, 0, expected.length);
    for (int at = 0; at < expected.length; at += 64 * 1024) {
      System.arraycopy("MARK".getBytes(StandardCharsets.US_ASCII), 0, expected, at, 4);
    }
    String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected));
    assertTrue(sinkOut.text().contains("received 204800 bytes sha256=" + hex), sinkOut.text());
  }

  @Test
  void markersSpanningTwoWritesAreWhole() {
    byte[] marker = {1, 2, 3, 4};
    byte[] a = new byte[6];
    byte[] b = new byte[6];
    TcpSend.placeMarkers(a, 6, 0, marker, 8); // stream bytes 0..5: marker at 0
    TcpSend.placeMarkers(b, 6, 6, marker, 8); // stream bytes 6..11: marker at 8
    assertEquals("010203040000", HexFormat.of().formatHex(a));
    assertEquals("000001020304", HexFormat.of().formatHex(b));
    byte[] c = new byte[6];
    TcpSend.placeMarkers(c, 6, 6, marker, 7); // every 7: the marker at 7
    assertEquals("000102030400", HexFormat.of().formatHex(c));
    byte[] d = new byte[6];
    TcpSend.placeMarkers(d, 6, 6, marker, 0); // once, at 0: not in this block
    assertEquals("000000000000", HexFormat.of().formatHex(d));
  }

  @Test
  void emptyTransferIsTheHashOfNothing() throws Exception {
    Captured sinkOut = new Captured();
    CompletableFuture<Integer> sink =
        CompletableFuture.supplyAsync(
            () -> TcpSink.run(sinkOut.stream, System.err, "0", "--bind", "127.0.0.1"));
    String port = sinkOut.await("listening on .*:(\\d+)", WAIT).group(1);
    Captured sendOut = new Captured();
    assertEquals(0, TcpSend.run(sendOut.stream, System.err, "127.0.0.1", port, "0"));
    assertEquals(0, sink.get(20, TimeUnit.SECONDS));
    String empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    assertTrue(sinkOut.text().contains("received 0 bytes sha256=" + empty), sinkOut.text());
  }

  @Test
  void sendToAClosedPortFailsAfterTheConnectTimeout() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there now
    }
    Captured err = new Captured();
    long t0 = System.nanoTime();
    int rc =
        TcpSend.run(
            new Captured().stream,
            err.stream,
            "127.0.0.1",
            Integer.toString(port),
            "10",
            "--connect-timeout",
            "300");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(1, rc);
    assertTrue(err.text().contains("Connection refused"), err.text());
    assertTrue(ms >= 250, "gave up after " + ms + " ms, before the connect timeout");
  }

  @Test
  void sinkTimesOutWithoutAConnection() {
    Captured err = new Captured();
    int rc =
        TcpSink.run(
            new Captured().stream, err.stream, "0", "--bind", "127.0.0.1", "--timeout", "200");
    assertEquals(1, rc);
    assertTrue(err.text().contains("timed out"), err.text());
  }

  @Test
  void badUsageIsExitTwo() {
    Captured err = new Captured();
    assertEquals(2, TcpSend.run(new Captured().stream, err.stream, "127.0.0.1", "5001"));
    assertTrue(err.text().contains("usage: tcp-send"), err.text());
    assertEquals(2, TcpSink.run(new Captured().stream, err.stream, "70000"));
    assertEquals(2, TcpSend.run(new Captured().stream, err.stream, "::1", "1", "5X"));
  }
}
