/**
 * The daemon's IKE glue: the ike module's {@link org.meshsec.ike.sa.IkeEngine} wired to the SAD and
 * the sockets, as strongSwan's charon is wired to a kernel backend. One class per job:
 *
 * <pre>
 *  {@link org.meshsec.core.ike.IkeGlue}         builds, starts and stops the parts below (the facade the Daemon holds)
 *  {@link org.meshsec.core.ike.PeerConfigs}     [[peer]] tables -&gt; the engine's PeerConfigs; Child SA policyRef -&gt; SPD
 *  {@link org.meshsec.core.ike.SadIpsecPort}    engine -&gt; SAD: getSpi / install / delete (ike's IpsecPort)
 *  {@link org.meshsec.core.ike.IkeUdpNetwork}   engine &lt;-&gt; UDP: port 500 socket, port 4500 with the non-ESP marker
 *  {@link org.meshsec.core.ike.SadEventRouter}  SAD and data path -&gt; engine: ACQUIRE, EXPIRE, unknown SPI
 *  {@link org.meshsec.core.ike.IkeService}      control commands -&gt; engine: list, initiate, terminate, rekey
 *  {@link org.meshsec.core.ike.TrafficSelectors} policy selectors &lt;-&gt; traffic selectors, with
 *  {@link org.meshsec.core.ike.SelectorConversion} (a negotiated pair is one SAD selector or refused)
 * </pre>
 *
 * <p>The SAD belongs to the Daemon; IKE is one of its key engines beside the manual SAs of the
 * config file.
 *
 * <p><b>Threads.</b> The engine runs on its own small pool ({@code meshsec-ike-N}, owned by {@link
 * org.meshsec.core.ike.IkeGlue}); each IKE SA runs on an executor of its own on that pool. SAD
 * events arrive on data-path threads, possibly under an SA's lock, and are handed to the pool,
 * never processed inline. Received IKE datagrams are given to the engine on the socket's event loop
 * (it only decodes the header and queues the work). Control commands call the engine from the
 * control server's threads. Every class here is thread-safe.
 */
package org.meshsec.core.ike;
