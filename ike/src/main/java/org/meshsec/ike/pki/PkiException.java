package org.meshsec.ike.pki;

/**
 * A PKI input could not be used: unreadable PEM, the wrong kind of object, an invalid request
 * signature, a CA key that does not match its certificate. Messages name the problem, never key
 * material.
 */
public final class PkiException extends Exception {
  private static final long serialVersionUID = 1L;

  public PkiException(String message) {
    super(message);
  }

  public PkiException(String message, Throwable cause) {
    super(message, cause);
  }
}
