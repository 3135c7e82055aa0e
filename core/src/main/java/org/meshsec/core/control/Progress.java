package org.meshsec.core.control;

/**
 * Where a long-running command ({@code initiate}, {@code terminate}, {@code rekey}) reports what
 * has happened so far, one line of text per step ("IKE_SA_INIT done"), before its final {@link
 * ControlResponse}. The control server writes each report to the client at once as an interim
 * {@code {"progress":"..."}} line (see {@link ControlServer}); in process the caller chooses.
 *
 * <p>Called only by the thread running the command. A report never blocks for longer than the
 * server's write timeout, and never fails: a client that went away or stopped reading simply gets
 * no more reports.
 */
@FunctionalInterface
public interface Progress {
  /** Reports one step; {@code line} is one line of text without its newline. */
  void report(String line);

  /** A sink that drops every report (requests that did not ask for progress). */
  Progress NONE = line -> {};
}
