/**
 * IKEv2 exchanges as small task objects queued on an IKE SA (STYLE point 1; the shape of
 * strongSwan's {@code sa/ikev2/tasks} and {@code task_manager_v2.c}, not a state machine with a
 * state per procedure).
 *
 * <p>A {@link org.meshsec.ike.task.Task} builds and processes the messages of one job and says
 * whether it needs another round ({@link org.meshsec.ike.task.TaskStatus}). Its initiator or
 * responder variant is chosen when it is made. The {@link org.meshsec.ike.task.TaskManager} of the
 * SA owns the Message IDs, the window of one, retransmission, the cached response, which tasks
 * answer a request, and turns a typed {@link org.meshsec.ike.task.IkeException} into a notify
 * response in one place.
 *
 * <pre>
 *  task            exchange(s)                 job
 *  IkeInit         IKE_SA_INIT                 SA, KE, nonces, NAT-D, COOKIE and INVALID_KE rounds
 *  IkeAuth         IKE_AUTH                    IDs, AUTH (PSK / certificates), INITIAL_CONTACT
 *  ChildCreate     IKE_AUTH or CREATE_CHILD_SA a Child SA pair: SA, TS narrowing, [KE], install
 *  ChildRekey      CREATE_CHILD_SA             N(REKEY_SA) + ChildCreate, then delete the old pair
 *  IkeRekey        CREATE_CHILD_SA             a new IKE SA, children moved, old one deleted
 *  ChildDelete     INFORMATIONAL               D(ESP) both ways
 *  IkeDelete       INFORMATIONAL               D(IKE)
 *  IkeDpd          INFORMATIONAL               empty liveness check
 *  Informational   INFORMATIONAL (responder)   any other informational request: acknowledged
 * </pre>
 */
package org.meshsec.ike.task;
