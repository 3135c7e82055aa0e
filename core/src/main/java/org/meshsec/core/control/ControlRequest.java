package org.meshsec.core.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * One request of the control protocol: a command name and its typed arguments. On the wire it is
 * one JSON object on one line, the name in {@code "command"} and the arguments beside it:
 *
 * <pre>
 *   {"command":"initiate","peer":"b","timeoutMillis":15000,"json":false}
 *   {"command":"rekey","peer":"b","json":false,"progress":true}
 *   {"command":"sa-list","json":true}
 * </pre>
 *
 * Each record below is one command of the daemon, mirrored one-to-one by a CLI subcommand (the
 * shape of strongSwan's vici commands and swanctl). The records check their bounds in their
 * constructors, so a request that exists is valid, whether the CLI built it or the server read it
 * from a client: {@link BadRequestException} names the field otherwise. {@code json} asks for the
 * response body as JSON instead of text. A timeout of {@code null} means the command's default.
 * {@code progress} (on {@code initiate}, {@code terminate} and {@code rekey}; false when absent)
 * asks for interim {@code {"progress":"..."}} lines before the response (see {@link
 * ControlServer}), so that a client written for one answer line keeps working.
 *
 * <p>Immutable and thread-safe.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "command")
@JsonSubTypes({
  @JsonSubTypes.Type(ControlRequest.Status.class),
  @JsonSubTypes.Type(ControlRequest.SaList.class),
  @JsonSubTypes.Type(ControlRequest.PolicyList.class),
  @JsonSubTypes.Type(ControlRequest.Stats.class),
  @JsonSubTypes.Type(ControlRequest.Reload.class),
  @JsonSubTypes.Type(ControlRequest.IkeList.class),
  @JsonSubTypes.Type(ControlRequest.Initiate.class),
  @JsonSubTypes.Type(ControlRequest.Terminate.class),
  @JsonSubTypes.Type(ControlRequest.Rekey.class),
  @JsonSubTypes.Type(ControlRequest.ExportKeys.class),
  @JsonSubTypes.Type(ControlRequest.Diagnose.class),
  @JsonSubTypes.Type(ControlRequest.Show.class),
  @JsonSubTypes.Type(ControlRequest.Stop.class)
})
public sealed interface ControlRequest {

  /** The longest wait a request may ask for. */
  Duration MAX_TIMEOUT = Duration.ofMinutes(10);

  /** The longest peer name accepted. */
  int MAX_NAME = 255;

  /** Whether the response body should be JSON. */
  boolean json();

  /** Whether the client wants the command's steps as interim progress lines. */
  default boolean progress() {
    return false;
  }

  /** The command's name on the wire ({@code "sa-list"}). */
  default String command() {
    return nameOf(getClass());
  }

  /** The wire name of a request type. */
  static String nameOf(Class<? extends ControlRequest> type) {
    JsonTypeName n = type.getAnnotation(JsonTypeName.class);
    if (n == null) {
      throw new IllegalStateException(type.getSimpleName() + " has no command name");
    }
    return n.value();
  }

  /** Every command name of the protocol, in declaration order. */
  static List<String> names() {
    return Arrays.stream(ControlRequest.class.getPermittedSubclasses())
        .map(c -> nameOf(c.asSubclass(ControlRequest.class)))
        .toList();
  }

  /** {@code status}: the node's state. */
  @JsonTypeName("status")
  record Status(boolean json) implements ControlRequest {}

  /** {@code sa-list}: the SAD with per-SA counters. */
  @JsonTypeName("sa-list")
  record SaList(boolean json) implements ControlRequest {}

  /** {@code policy-list}: the SPD. */
  @JsonTypeName("policy-list")
  record PolicyList(boolean json) implements ControlRequest {}

  /** {@code stats}: the data path's counters. */
  @JsonTypeName("stats")
  record Stats(boolean json) implements ControlRequest {}

  /** {@code reload}: re-read the configuration and apply what changed. */
  @JsonTypeName("reload")
  record Reload(boolean json) implements ControlRequest {}

  /** {@code ike-list}: the IKE SAs and their Child SAs. */
  @JsonTypeName("ike-list")
  record IkeList(boolean json) implements ControlRequest {}

  /**
   * {@code initiate}: bring up the IKE SA with {@code peer} and all its Child SAs, and wait at most
   * {@code timeoutMillis} for the outcome (0: do not wait).
   */
  @JsonTypeName("initiate")
  record Initiate(
      String peer,
      Long timeoutMillis,
      boolean json,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean progress)
      implements ControlRequest {
    public Initiate {
      checkPeer(peer);
      checkTimeout(timeoutMillis);
    }

    /** A request without progress lines. */
    public Initiate(String peer, Long timeoutMillis, boolean json) {
      this(peer, timeoutMillis, json, false);
    }
  }

  /** {@code terminate}: delete the IKE SA(s) with {@code peer} and wait for the peer's answer. */
  @JsonTypeName("terminate")
  record Terminate(
      String peer,
      Long timeoutMillis,
      boolean json,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean progress)
      implements ControlRequest {
    public Terminate {
      checkPeer(peer);
      checkTimeout(timeoutMillis);
    }

    /** A request without progress lines. */
    public Terminate(String peer, Long timeoutMillis, boolean json) {
      this(peer, timeoutMillis, json, false);
    }
  }

  /**
   * {@code rekey}: rekey the IKE SA(s) with {@code peer} and wait until they are replaced; with
   * {@code child}, only the Child SA(s) of that name (RFC 7296 section 1.3.3; an IKEv1 peer's by a
   * new Quick Mode), the IKE SA staying as it is.
   */
  @JsonTypeName("rekey")
  record Rekey(
      String peer,
      Long timeoutMillis,
      boolean json,
      @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean progress,
      @JsonInclude(JsonInclude.Include.NON_NULL) String child)
      implements ControlRequest {
    public Rekey {
      checkPeer(peer);
      checkTimeout(timeoutMillis);
      if (child != null) {
        checkName("child", child, "Child SA");
      }
    }

    /** A request without progress lines. */
    public Rekey(String peer, Long timeoutMillis, boolean json) {
      this(peer, timeoutMillis, json, false, null);
    }

    /** A rekey of the IKE SA(s). */
    public Rekey(String peer, Long timeoutMillis, boolean json, boolean progress) {
      this(peer, timeoutMillis, json, progress, null);
    }
  }

  /**
   * {@code sa-export-keys}: the keys of every IKE SA and ESP SA as capture key tables in {@code
   * format} (only {@code wireshark}); the answer holds key material.
   */
  @JsonTypeName("sa-export-keys")
  record ExportKeys(String format, boolean json) implements ControlRequest {
    public ExportKeys {
      if (!"wireshark".equals(format)) {
        throw new BadRequestException("format: only \"wireshark\" is supported");
      }
    }
  }

  /**
   * {@code diagnose}: is the path to {@code peer} broken in the network or in IPsec? Samples the
   * SAs and probes for {@code sampleMillis} (null: 3 s; 500 ms to 30 s).
   */
  @JsonTypeName("diagnose")
  record Diagnose(String peer, Long sampleMillis, boolean json) implements ControlRequest {
    public Diagnose {
      checkPeer(peer);
      if (sampleMillis != null && (sampleMillis < 500 || sampleMillis > 30_000)) {
        throw new BadRequestException(
            "sampleMillis: " + sampleMillis + " is outside [500, 30000] (0.5 to 30 s)");
      }
    }
  }

  /** {@code show}: each configured peer's state, traffic and next rekey. */
  @JsonTypeName("show")
  record Show(boolean json) implements ControlRequest {}

  /**
   * {@code stop}: stop the daemon as SIGTERM does, after answering; with {@code forRestart}, a stop
   * for restart (the SAs go to the hot-restart state file for the next process, and the IKE SAs are
   * not deleted with the peers).
   */
  @JsonTypeName("stop")
  record Stop(boolean forRestart, boolean json) implements ControlRequest {}

  private static void checkPeer(String peer) {
    if (peer == null || peer.isBlank()) {
      throw new BadRequestException("peer: a [[peer]] name is required");
    }
    checkName("peer", peer, "[[peer]]");
  }

  private static void checkName(String field, String name, String what) {
    if (name.isBlank()
        || name.length() > MAX_NAME
        || name.chars().anyMatch(Character::isISOControl)) {
      throw new BadRequestException(
          field + ": not a " + what + " name (at most " + MAX_NAME + " printable characters)");
    }
  }

  private static void checkTimeout(Long millis) {
    if (millis != null && (millis < 0 || millis > MAX_TIMEOUT.toMillis())) {
      throw new BadRequestException(
          "timeoutMillis: "
              + millis
              + " is outside [0, "
              + MAX_TIMEOUT.toMillis()
              + "] (at most "
              + MAX_TIMEOUT.toMinutes()
              + " min)");
    }
  }
}
