/**
 * IKEv1 exchanges as tasks on an ISAKMP SA (the shape of strongSwan's {@code sa/ikev1/tasks}):
 * {@link org.meshsec.ike.v1.task.MainMode} and {@link org.meshsec.ike.v1.task.AggressiveMode} with
 * pre-shared keys, {@link org.meshsec.ike.v1.task.QuickMode} for ESP pairs, and the informational
 * exchanges ({@link org.meshsec.ike.v1.task.Informational}: Delete, INITIAL-CONTACT, DPD). {@link
 * org.meshsec.ike.v1.task.MainModeExchange} and {@link org.meshsec.ike.v1.task.QuickModeExchange}
 * drive single exchanges over datagrams; {@link org.meshsec.ike.v1.task.V1TaskManager} (not yet
 * wired into the engine) owns them per ISAKMP SA with retransmission and duplicate detection.
 */
package org.meshsec.ike.v1.task;
