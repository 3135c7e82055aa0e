package org.meshsec.ike.sa;

import java.util.ServiceLoader;

/**
 * Makes the task manager of each new IKE SA. The IKEv2 tasks live in {@code org.meshsec.ike.task},
 * which depends on this package; the engine finds their factory with {@link ServiceLoader} (the ike
 * jar registers it in {@code META-INF/services}), so the dependency between the two packages runs
 * one way.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface TaskFactory {

  /** The task manager of {@code sa}; called once, in the SA's constructor. */
  IkeSaTasks tasksFor(IkeSa sa);

  /** The factory registered on the class path (the IKEv2 tasks of the ike jar). */
  static TaskFactory load() {
    return ServiceLoader.load(TaskFactory.class, TaskFactory.class.getClassLoader())
        .findFirst()
        .orElseThrow(
            () -> new IllegalStateException("no IKEv2 task factory (org.meshsec.ike.task) found"));
  }
}
