package org.meshsec.ike.sa;

/**
 * Makes the task manager of each new IKE SA. The IKEv2 tasks live in {@code org.meshsec.ike.task},
 * which depends on this package; whoever builds the engine passes their factory ({@code
 * IkeEngine.Builder.tasks}), so the dependency between the two packages runs one way.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface TaskFactory {

  /** The task manager of {@code sa}; called once, in the SA's constructor. */
  IkeSaTasks tasksFor(IkeSa sa);
}
