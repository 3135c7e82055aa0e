package org.meshsec.core.control;

/**
 * A control request whose arguments are out of bounds (a negative or too long timeout, a missing
 * peer name). Thrown by the request records' constructors, so a request that exists is valid; the
 * server answers it with an error naming the field, the CLI with a usage error.
 */
public final class BadRequestException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public BadRequestException(String message) {
    super(message);
  }
}
