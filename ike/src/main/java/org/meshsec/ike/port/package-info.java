/**
 * The ports of the IKE engine: the narrow interfaces through which it talks to the rest of the
 * daemon, modelled on strongSwan's kernel interface ({@code kernel_ipsec_t}) and socket, so that
 * the engine can be tested with two peers in one process and {@code core} plugs in later.
 *
 * <ul>
 *   <li>{@link org.meshsec.ike.port.IkeNetwork}: sends IKE datagrams (the engine receives them
 *       through {@code IkeEngine.receive}).
 *   <li>{@link org.meshsec.ike.port.IpsecPort}: reserves inbound SPIs, installs and deletes Child
 *       SA pairs (the data plane's SAD); its events (acquire, expire, unknown SPI) come back
 *       through methods of {@code IkeEngine}.
 *   <li>{@link org.meshsec.ike.port.Scheduler}: time, timers and the executor the IKE SAs run on;
 *       {@link org.meshsec.ike.port.ExecutorScheduler} is the real one.
 * </ul>
 *
 * Values that cross the boundary are plain records of this package ({@link
 * org.meshsec.ike.port.ChildSaInstall}, {@link org.meshsec.ike.port.TsRange}) and esp's SA-level
 * types ({@link org.meshsec.esp.IpsecMode}, {@link org.meshsec.esp.SaLifetime}); {@code core}
 * converts the traffic selectors to its own. Those records are immutable and thread-safe (except
 * that a {@code ChildSaInstall}'s keys are wiped after {@code install} returns); every interface
 * states what its implementations must guarantee.
 *
 * <p>The in-memory fakes of these ports ({@code LoopbackNetwork}, {@code MemoryIpsec}, the
 * virtual-time {@code ManualScheduler}) are in the ike test-jar, not in this jar.
 */
package org.meshsec.ike.port;
