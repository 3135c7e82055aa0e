package org.meshsec.lab.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.lab.netns.NodeProcess;

/**
 * What the interop suites ask a {@code meshsec run} daemon through its control socket and read from
 * its JSON answers: shared by {@link MeshsecStrongSwanTest} (IKEv2) and {@link
 * Ikev1StrongSwanTest}. Stateless.
 */
final class MeshsecControl {
  private MeshsecControl() {}

  /** The body of a successful answer; fails the test with the body otherwise. */
  static String ok(ControlResponse r) {
    assertTrue(r.ok(), r.body());
    return r.body();
  }

  /** How often {@code needle} occurs in {@code s}. */
  static int count(String s, String needle) {
    return s.split(Pattern.quote(needle), -1).length - 1;
  }

  /** The first value of {@code key} in a JSON text, without quotes. */
  static String field(String json, String key) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":\"?([^\",\\]}]*)").matcher(json);
    assertTrue(m.find(), key + " in " + json);
    return m.group(1);
  }

  /** An SPI as meshsec's JSON writes it. */
  static String hex8(int spi) {
    return String.format("0x%08x", spi);
  }

  /** Waits up to 10 s until meshsec lists no IKE SA. */
  static void awaitMeshsecEmpty(NodeProcess m) throws Exception {
    awaitMeshsecEmpty(m, Duration.ofSeconds(10));
  }

  /** Waits until meshsec lists no IKE SA. */
  static void awaitMeshsecEmpty(NodeProcess m, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String json = ok(m.control(new ControlRequest.IkeList(true))).strip();
      if (json.equals("[]")) {
        return;
      }
      if (System.nanoTime() > deadline) {
        fail("meshsec IKE SAs left: " + json + "\n" + m.output());
      }
      Thread.sleep(100);
    }
  }
}
