package org.meshsec.ike.task;

/** The kinds of task, for collision checks and for asking what is queued. */
public enum TaskType {
  IKE_INIT,
  IKE_AUTH,
  CHILD_CREATE,
  CHILD_REKEY,
  CHILD_DELETE,
  IKE_REKEY,
  IKE_DELETE,
  IKE_DPD,
  INFORMATIONAL
}
