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
 * <p>A command that waits for steps an operator wants to watch ({@code initiate}, {@code
 * terminate}, {@code rekey}) overrides {@link #run(ControlRequest, Progress)} and reports each
 * step; the others answer once.
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

  /**
   * Runs the command, reporting its steps to {@code progress} as they happen; by default it reports
   * nothing.
   *
   * @throws InterruptedException when the server shuts down during a wait
   */
  default ControlResponse run(R request, Progress progress) throws InterruptedException {
    return run(request);
  }

  /**
   * What to do once the answer {@code response} to {@code request} is out: written to the client
   * (or the client gone) when the request came through the {@link ControlServer}, returned when it
   * was a {@link CommandRegistry#call} in process. A command whose effect would cut its own answer
   * off ({@code stop}, which closes the control server) acts here; by default there is nothing to
   * do (null). Called once, on the thread that ran the command, and must not block.
   */
  default Runnable afterAnswer(R request, ControlResponse response) {
    return null;
  }
}
