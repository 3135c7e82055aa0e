/**
 * {@code meshsec diagnose PEER}: "is it the network or IPsec?" on one screen. {@link Diagnoser}
 * samples a running daemon (probes of the underlay and of IKE, SA states and counters over a few
 * seconds, drop counters, path MTU); {@link Verdict#of} turns the samples into the most likely
 * cause and the next command to run, as a pure function that the tests drive directly.
 */
package org.meshsec.core.diagnose;
