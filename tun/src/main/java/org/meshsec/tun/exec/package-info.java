/**
 * Running external programs ({@code ip}, {@code nft}, test peers) without a shell: {@link
 * org.meshsec.tun.exec.Commands} runs one to completion with a timeout and captures its output,
 * {@link org.meshsec.tun.exec.Background} keeps one running until closed. Failures are typed
 * ({@link org.meshsec.tun.exec.CommandFailedException} for a non-zero exit, {@link
 * org.meshsec.tun.exec.CommandStartException} for a program that cannot be started) and their
 * messages name the command as run. A timed-out or closed command is killed together with its
 * descendants ({@link org.meshsec.tun.exec.Processes}).
 *
 * <p>Every type here is thread-safe.
 */
package org.meshsec.tun.exec;
