/**
 * Small traffic tools that run inside a network namespace with only the JDK: ICMP echo ({@link
 * org.meshsec.core.tools.Ping}), a TCP bulk transfer with SHA-256 check ({@link
 * org.meshsec.core.tools.TcpSend}, {@link org.meshsec.core.tools.TcpSink}), and a UDP size sweep
 * against an echo server ({@link org.meshsec.core.tools.UdpSweep}, {@link
 * org.meshsec.core.tools.UdpEcho}). {@link org.meshsec.core.tools.Tools} lists them by name for the
 * CLI; each also has a {@code main} for {@code java -cp}.
 *
 * <p>Exit codes: 0 success, 1 the check failed (lost replies, hash or size failure, I/O error), 2
 * bad usage.
 */
package org.meshsec.core.tools;
