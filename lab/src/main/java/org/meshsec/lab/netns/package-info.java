/**
 * Linux network-namespace tooling for {@code meshsec-lab demo}, the namespace integration tests and
 * the end-to-end benchmark: uniquely named namespaces, veth pairs, addresses, routes and sysctls,
 * commands run inside a namespace (through {@link org.meshsec.tun.exec.Commands}, which this
 * package shares with tun), and cleanup that also happens on Ctrl-C.
 *
 * <p>Everything goes through iproute2's {@code ip} (and {@code sh}/{@code cat} for sysctls), so the
 * demo needs nothing beyond iproute2 and the JDK. Entry points: {@link
 * org.meshsec.lab.netns.Topology} (owns and removes what it creates), {@link
 * org.meshsec.lab.netns.TwoNodeTopology} (the standard two-node layout), {@link
 * org.meshsec.lab.netns.Netns} (one namespace; {@link
 * org.meshsec.lab.netns.Netns#requireRoot(String)} and {@link
 * org.meshsec.lab.netns.Netns#cleanupStale(String)}).
 */
package org.meshsec.lab.netns;
