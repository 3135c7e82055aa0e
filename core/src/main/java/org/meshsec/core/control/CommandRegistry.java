package org.meshsec.core.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named commands of the control socket (ZooKeeper's command registry and strongSwan's vici are
 * the model): a {@link Command} per {@link ControlRequest} type. {@link #handle(String)} reads and
 * validates one request line and runs it, as the server does for every connection; {@link
 * #call(ControlRequest)} runs a typed request in process (tests, embedding). Neither throws: a bad
 * request, an unknown command or a failing command is an error response, and a command's exception
 * is logged here, never sent to the client.
 *
 * <p>Thread-safety: commands may be registered and called from any thread (a concurrent map); calls
 * run concurrently.
 */
public final class CommandRegistry {
  private static final Logger log = LoggerFactory.getLogger(CommandRegistry.class);

  private final Map<Class<? extends ControlRequest>, Command<?>> commands =
      new ConcurrentHashMap<>();

  /** Registers (or replaces) the command serving requests of {@code type}. */
  public <R extends ControlRequest> CommandRegistry register(Class<R> type, Command<R> command) {
    commands.put(type, command);
    return this;
  }

  /** The names of the registered commands, in the protocol's order. */
  public List<String> names() {
    return ControlRequest.names().stream()
        .filter(n -> commands.keySet().stream().anyMatch(t -> ControlRequest.nameOf(t).equals(n)))
        .toList();
  }

  /** Runs a typed request in process. */
  public ControlResponse call(ControlRequest request) throws InterruptedException {
    return call(request, Progress.NONE);
  }

  /**
   * Runs a typed request in process, its steps reported to {@code progress} when the request asks
   * for them ({@link ControlRequest#progress()}), as the server does; what the command does once
   * its answer is out ({@link Command#afterAnswer}) is done before this returns.
   */
  public ControlResponse call(ControlRequest request, Progress progress)
      throws InterruptedException {
    return outcome(request, progress).answered();
  }

  /**
   * A request's answer and what to do once it is out ({@link Command#afterAnswer}; null: nothing).
   */
  record Outcome(ControlResponse response, Runnable afterAnswer) {
    /** Does what follows the answer (a failure is logged), then returns the answer. */
    ControlResponse answered() {
      if (afterAnswer != null) {
        try {
          afterAnswer.run();
        } catch (RuntimeException e) {
          log.warn("control command: the action after the answer failed", e);
        }
      }
      return response;
    }
  }

  private Outcome outcome(ControlRequest request, Progress progress) throws InterruptedException {
    @SuppressWarnings("unchecked")
    Command<ControlRequest> c = (Command<ControlRequest>) commands.get(request.getClass());
    if (c == null) {
      return new Outcome(
          ControlResponse.error(
              "command '" + request.command() + "' is not served here; commands: " + names()),
          null);
    }
    try {
      ControlResponse r = c.run(request, request.progress() ? progress : Progress.NONE);
      return new Outcome(r, c.afterAnswer(request, r));
    } catch (RuntimeException e) {
      log.warn("control command {} failed", request.command(), e);
      return new Outcome(
          ControlResponse.error(
              request.command() + " failed: " + e.getClass().getSimpleName() + " (see the log)"),
          null);
    }
  }

  /** Reads one request line (JSON), validates it and runs it. */
  public ControlResponse handle(String line) throws InterruptedException {
    return handle(line, Progress.NONE);
  }

  /**
   * Reads one request line (JSON), validates it and runs it; its steps go to {@code progress} when
   * the request asks for them ({@link ControlRequest#progress()}).
   */
  public ControlResponse handle(String line, Progress progress) throws InterruptedException {
    return exchange(line, progress).answered();
  }

  /**
   * Like {@link #handle(String, Progress)}, but leaves what follows the answer to the caller: the
   * server does it once the answer is written.
   */
  Outcome exchange(String line, Progress progress) throws InterruptedException {
    ControlRequest request;
    try {
      request = ControlJson.mapper().readValue(line, ControlRequest.class);
    } catch (JsonProcessingException e) {
      return new Outcome(ControlResponse.error(describe(e)), null);
    }
    if (request == null) {
      return new Outcome(ControlResponse.error("empty request; commands: " + names()), null);
    }
    return outcome(request, progress);
  }

  /** A client-facing description of why a request line was refused (no stack trace). */
  private String describe(JsonProcessingException e) {
    if (e instanceof InvalidTypeIdException t) {
      return t.getTypeId() == null
          ? "the request names no \"command\"; commands: " + names()
          : "unknown command '" + printable(t.getTypeId()) + "'; commands: " + names();
    }
    if (e instanceof ValueInstantiationException v
        && v.getCause() instanceof BadRequestException b) {
      return "bad request: " + b.getMessage();
    }
    if (e instanceof UnrecognizedPropertyException u) {
      return "bad request: unknown field '"
          + printable(u.getPropertyName())
          + "'; fields: "
          + u.getKnownPropertyIds().stream()
              .map(String::valueOf)
              .sorted()
              .collect(Collectors.joining(", ", "[", "]"));
    }
    if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
      String field =
          m.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."));
      String type = m.getTargetType() == null ? "value" : m.getTargetType().getSimpleName();
      return "bad request: " + printable(field) + ": not a valid " + type;
    }
    return "bad request: not a JSON control request (" + printable(e.getOriginalMessage()) + ")";
  }

  /** Client text echoed in an answer or a log line: bounded, without control characters. */
  static String printable(String s) {
    if (s == null) {
      return "null";
    }
    String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return t.codePoints()
        .map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }
}
