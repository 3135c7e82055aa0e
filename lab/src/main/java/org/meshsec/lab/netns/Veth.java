package org.meshsec.lab.netns;

/**
 * A veth pair: {@code leftDev} in {@code left} is joined to {@code rightDev} in {@code right}.
 * Deleting either end (or the namespace holding it) deletes both.
 */
public record Veth(Netns left, String leftDev, Netns right, String rightDev) {}
