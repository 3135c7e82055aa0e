package org.meshsec.ike.config;

/** What the engine does with a Child SA configuration when it starts (strongSwan start_action). */
public enum StartAction {
  /** Nothing: only the peer, or a command, brings it up. */
  NONE,
  /** Initiate it at start (and after a DPD restart). */
  START,
  /** Wait for an acquire from the data plane's policy (on-demand, "trap"). */
  TRAP
}
