package org.meshsec.core.control;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The answer to one {@link ControlRequest}: success or failure, with a text body or a JSON body
 * (the command's typed view, as a tree). On the wire it is one JSON object:
 *
 * <pre>
 *   {"ok":true,"text":"IKE SA #1 with b established, Child SAs [lan]\n"}
 *   {"ok":true,"json":[{"id":1,"peer":"b","state":"ESTABLISHED",...}]}
 *   {"ok":false,"text":"unknown command 'x'; commands: [status, sa-list, ...]"}
 * </pre>
 *
 * The CLI prints {@link #body()} (to stdout on success, to stderr on failure, then exits 1).
 *
 * <p>Immutable and thread-safe.
 *
 * @param ok whether the command succeeded
 * @param text the text body, or null when the body is JSON
 * @param json the JSON body, or null when the body is text
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ControlResponse(boolean ok, String text, JsonNode json) {

  public ControlResponse {
    if ((text == null) == (json == null)) {
      throw new IllegalArgumentException("a response has either a text or a JSON body");
    }
  }

  /** Success with a text body. */
  public static ControlResponse ok(String text) {
    return new ControlResponse(true, text, null);
  }

  /** Failure with a message. */
  public static ControlResponse error(String message) {
    return new ControlResponse(false, message, null);
  }

  /** Success or failure with {@code body} (a view record, list or map) as the JSON body. */
  public static ControlResponse json(boolean ok, Object body) {
    return new ControlResponse(ok, null, ControlJson.tree(body));
  }

  /**
   * The JSON body read back into the command's view type (e.g. {@code IkeListCommand.View[].class}
   * for {@code ike-list}), for tests and programs that drive a daemon.
   *
   * @throws IllegalStateException when the body is text or does not fit {@code type}
   */
  public <T> T bodyAs(Class<T> type) {
    if (json == null) {
      throw new IllegalStateException("the response has a text body: " + text);
    }
    try {
      return ControlJson.mapper().treeToValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "the JSON body is not a " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }

  /** The body as the CLI prints it: the text, or the JSON on one line; ends with a newline. */
  public String body() {
    String b = json != null ? ControlJson.write(json) : text;
    return b.endsWith("\n") ? b : b + "\n";
  }
}
