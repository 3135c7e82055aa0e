/**
 * IKEv1 exchanges as tasks on an ISAKMP SA (the shape of strongSwan's {@code sa/ikev1/tasks}):
 * {@link org.meshsec.ike.v1.task.MainMode} with pre-shared keys so far, driven over datagrams by
 * {@link org.meshsec.ike.v1.task.MainModeExchange} until the IKEv1 task manager exists.
 */
package org.meshsec.ike.v1.task;
