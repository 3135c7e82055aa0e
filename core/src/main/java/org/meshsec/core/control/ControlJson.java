package org.meshsec.core.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one Jackson configuration of the control protocol, shared by the daemon, the CLI and the
 * tests: compact output (one line), unknown fields refused, no silent coercion of a fraction or a
 * string into a number; a missing boolean is false and a missing object null.
 *
 * <p>Thread-safety: the mapper is configured once here and only used afterwards, which Jackson
 * documents as thread-safe.
 */
public final class ControlJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .build();

  private ControlJson() {}

  /** The shared mapper. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** {@code value} (a record, list, map or tree) as a one-line JSON text. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      // only views of our own records are written here: a failure is a programming error
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  /** {@code value} as a JSON tree, for a response body. */
  public static JsonNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }
}
