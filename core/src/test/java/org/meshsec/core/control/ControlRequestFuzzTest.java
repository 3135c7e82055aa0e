package org.meshsec.core.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import org.meshsec.fuzz.FuzzBudget;
import org.meshsec.fuzz.Mutations;

/**
 * Fuzzing of the control protocol's request decoding ({@link CommandRegistry#handle}, the path of
 * every line a client sends): valid request lines of every command, mutated byte by byte and token
 * by token (absurd numbers, wrong types, unknown fields and commands, nesting, control characters).
 * Every line yields a response, an error for anything invalid, never an exception; a line that is
 * accepted names a request whose bounds hold. The second property: every valid request survives the
 * JSON round trip unchanged.
 */
@AddLifecycleHook(FuzzBudget.class)
class ControlRequestFuzzTest {
  private static final CommandRegistry REGISTRY = new CommandRegistry();

  static {
    for (Class<?> c : ControlRequest.class.getPermittedSubclasses()) {
      register(c.asSubclass(ControlRequest.class));
    }
  }

  private static <R extends ControlRequest> void register(Class<R> type) {
    REGISTRY.register(type, r -> ControlResponse.ok(ControlJson.write(r)));
  }

  static List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (String name : ControlRequest.names()) {
      lines.add("{\"command\":\"" + name + "\",\"json\":true}");
      lines.add(
          "{\"command\":\"" + name + "\",\"peer\":\"b\",\"timeoutMillis\":15000,\"json\":false}");
    }
    lines.add("{\"command\":\"initiate\",\"peer\":\"peer-é\",\"timeoutMillis\":null}");
    return lines;
  }

  private static final List<String> TOKENS =
      List.of(
          "1e300",
          "-1",
          "0",
          "9223372036854775807",
          "9223372036854775808",
          "1.5",
          "\"15000\"",
          "null",
          "true",
          "[]",
          "{}",
          "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
          "\"\\u0000\"",
          "\"\\ud800\"",
          "\"" + "x".repeat(300) + "\"",
          "\"sa-list\",\"command\":\"status\"",
          "\"unknown\"");

  @Provide
  Arbitrary<String> requestLines() {
    Arbitrary<String> tokenEdited =
        Arbitraries.of(lines())
            .flatMap(
                line ->
                    Arbitraries.of(TOKENS)
                        .map(
                            t -> {
                              int colon = line.lastIndexOf(':');
                              int end = line.indexOf(',', colon);
                              return line.substring(0, colon + 1)
                                  + t
                                  + (end < 0 ? "}" : line.substring(end));
                            }));
    Arbitrary<String> mutated =
        Mutations.of(lines().stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList())
            .map(in -> new String(in.bytes(), StandardCharsets.UTF_8));
    return Arbitraries.oneOf(mutated, mutated, tokenEdited, deep());
  }

  private static Arbitrary<String> deep() {
    return Arbitraries.integers()
        .between(1, 5000)
        .map(n -> "{\"command\":\"status\",\"json\":" + "[".repeat(n) + "]".repeat(n) + "}");
  }

  @Property(tries = 2000, seed = "1")
  void everyLineGetsAResponse(@ForAll("requestLines") String line) throws Exception {
    ControlResponse r = REGISTRY.handle(line);
    assertNotNull(r);
    assertNotNull(r.text(), "response text");
    Statistics.collect(r.ok() ? "ok" : "error");
    if (r.ok()) {
      ControlRequest parsed = ControlJson.mapper().readValue(line, ControlRequest.class);
      assertNotNull(parsed);
    }
    assertFalse(r.text().contains("\tat "), "a stack trace in a response");
  }

  @Provide
  Arbitrary<ControlRequest> requests() {
    Arbitrary<String> peer =
        Arbitraries.strings()
            .withCharRange(' ', '\uD7FF')
            .ofMinLength(1)
            .ofMaxLength(ControlRequest.MAX_NAME)
            .filter(p -> !p.isBlank() && p.chars().noneMatch(Character::isISOControl));
    Arbitrary<Long> timeout =
        Arbitraries.longs().between(0, ControlRequest.MAX_TIMEOUT.toMillis()).injectNull(0.2);
    Arbitrary<Boolean> json = Arbitraries.of(true, false);
    return Arbitraries.oneOf(
        json.map(ControlRequest.Status::new),
        json.map(ControlRequest.SaList::new),
        json.map(ControlRequest.PolicyList::new),
        json.map(ControlRequest.Stats::new),
        json.map(ControlRequest.Reload::new),
        json.map(ControlRequest.IkeList::new),
        net.jqwik.api.Combinators.combine(peer, timeout, json).as(ControlRequest.Initiate::new),
        net.jqwik.api.Combinators.combine(peer, timeout, json).as(ControlRequest.Terminate::new),
        net.jqwik.api.Combinators.combine(peer, timeout, json).as(ControlRequest.Rekey::new));
  }

  @Property(tries = 1000, seed = "2")
  void validRequestsRoundTrip(@ForAll("requests") ControlRequest request)
      throws JsonProcessingException {
    String line = ControlJson.write(request);
    assertTrue(line.indexOf('\n') < 0, "one line");
    assertEquals(request, ControlJson.mapper().readValue(line, ControlRequest.class));
  }
}
