package org.meshsec.core.control.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.inet.InetText;

/** Answers and text formats shared by the commands. Stateless. */
final class Replies {
  private Replies() {}

  /**
   * The answer of {@code initiate}, {@code terminate} and {@code rekey} with {@code --json}.
   *
   * @param peer the peer name
   * @param ok whether the command succeeded
   * @param message what happened, in words
   */
  record PeerOutcome(String peer, boolean ok, String message) {}

  static ControlResponse answer(boolean ok, boolean json, String peer, String message) {
    if (json) {
      return ControlResponse.json(ok, new PeerOutcome(peer, ok, message));
    }
    return ok ? ControlResponse.ok(message + "\n") : ControlResponse.error(message);
  }

  static ControlResponse noIke(Daemon d) {
    return ControlResponse.error(
        "no IKE on node " + d.config().node().name() + ": the configuration has no [[peer]]");
  }

  static ControlResponse unknownPeer(Daemon d, String peer) {
    return ControlResponse.error(
        "no peer named \""
            + peer
            + "\"; peers: "
            + d.config().peers().stream().map(p -> p.name()).toList());
  }

  /**
   * One {@code key value} line per field of a JSON object, {@code format} placing the two (e.g.
   * {@code "%-17s %s%n"}); arrays print as {@code [a, b]}, null as {@code null}.
   */
  static String keyValues(JsonNode object, String format) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      sb.append(String.format(format, e.getKey(), plain(e.getValue())));
    }
    return sb.toString();
  }

  private static String plain(JsonNode v) {
    if (v.isArray()) {
      List<String> items = new ArrayList<>();
      v.forEach(i -> items.add(plain(i)));
      return items.toString();
    }
    return v.isNull() ? "null" : v.asText();
  }

  /** An address and port, IPv6 in brackets; {@code -} for none. */
  static String endpoint(InetSocketAddress a) {
    return a == null ? "-" : endpoint(a.getAddress(), a.getPort());
  }

  /**
   * An address and port: the address in its text form ({@link InetText}), IPv6 in brackets (RFC
   * 5952 section 6).
   */
  static String endpoint(InetAddress a, int port) {
    String h = InetText.format(a);
    return (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
  }

  /** Whole seconds from {@code from} to {@code to}, never negative. */
  static long seconds(Instant from, Instant to) {
    return Math.max(0, Duration.between(from, to).toSeconds());
  }

  /** {@code 90s}, {@code 5m30s}, {@code 2h15m}. */
  static String duration(long s) {
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    }
    return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
  }
}
