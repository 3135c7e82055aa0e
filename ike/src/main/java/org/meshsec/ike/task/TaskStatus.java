package org.meshsec.ike.task;

/** What a task says after building or processing a message (strongSwan's status_t subset). */
public enum TaskStatus {
  /** The task needs another message (its next round, or its response to build). */
  NEED_MORE,
  /** The task is complete and leaves the task manager. */
  DONE,
  /** The task failed; for IKE_SA_INIT and IKE_AUTH this fails the IKE SA. */
  FAILED
}
