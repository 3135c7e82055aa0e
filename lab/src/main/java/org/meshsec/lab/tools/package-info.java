/**
 * Small traffic tools that run inside a network namespace with only the JDK: ICMP echo ({@link
 * org.meshsec.lab.tools.Ping}), a TCP bulk transfer with SHA-256 check ({@link
 * org.meshsec.lab.tools.TcpSend}, {@link org.meshsec.lab.tools.TcpSink}), and a UDP size sweep
 * against an echo server ({@link org.meshsec.lab.tools.UdpSweep}, {@link
 * org.meshsec.lab.tools.UdpEcho}). Each is a picocli command ({@link org.meshsec.lab.tools.Tool}):
 * a subcommand of {@code meshsec-lab tool} and, with its own {@code main}, runnable with {@code
 * java -cp}; {@link org.meshsec.lab.tools.Tools} runs one and reports usage errors. The packet
 * capture ({@link org.meshsec.lab.tools.Capture}) lives here, outside the daemon's jar.
 *
 * <p>Exit codes: 0 success, 1 the check failed (lost replies, hash or size failure, I/O error), 2
 * bad usage.
 */
package org.meshsec.lab.tools;
