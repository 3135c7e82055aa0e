/**
 * Small traffic tools that run inside a network namespace with only the JDK: ICMP echo ({@link
 * org.meshsec.lab.tools.Ping}), a TCP bulk transfer with SHA-256 check ({@link
 * org.meshsec.lab.tools.TcpSend}, {@link org.meshsec.lab.tools.TcpSink}), and a UDP size sweep
 * against an echo server ({@link org.meshsec.lab.tools.UdpSweep}, {@link
 * org.meshsec.lab.tools.UdpEcho}). {@link org.meshsec.lab.tools.Tools} lists them by name for the
 * CLI; each also has a {@code main} for {@code java -cp}.
 *
 * <p>Exit codes: 0 success, 1 the check failed (lost replies, hash or size failure, I/O error), 2
 * bad usage.
 */
package org.meshsec.lab.tools;
