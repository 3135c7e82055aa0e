package org.meshsec.ike.task;

import org.meshsec.ike.sa.IkeSa;
import org.meshsec.ike.sa.IkeSaTasks;
import org.meshsec.ike.sa.TaskFactory;

/**
 * The IKEv2 tasks' factory (RFC 7296): each IKE SA gets a {@link TaskManager}. Given to {@code
 * IkeEngine.builder().tasks(...)}. Stateless and thread-safe.
 */
public final class Ikev2TaskFactory implements TaskFactory {

  @Override
  public IkeSaTasks tasksFor(IkeSa sa) {
    return new TaskManager(sa);
  }
}
