package org.meshsec.core.control;

/**
 * One command of the control socket: runs a typed, already validated request and answers it.
 * Registered in a {@link CommandRegistry} under its request type; each CLI subcommand that talks to
 * a running daemon sends exactly one request type (the way strongSwan's swanctl maps to vici
 * commands).
 *
 * <p>Commands run concurrently, each on the control server's thread for its connection, so an
 * implementation must be thread-safe: read snapshots and counters, hand mutations to their owner. A
 * command may block (waiting for an IKE negotiation) up to the request's timeout; it returns early
 * when interrupted, which is how the server stops at shutdown.
 *
 * @param <R> the request type
 */
@FunctionalInterface
public interface Command<R extends ControlRequest> {
  /**
   * Runs the command.
   *
   * @throws InterruptedException when the server shuts down during a wait
   */
  ControlResponse run(R request) throws InterruptedException;
}
