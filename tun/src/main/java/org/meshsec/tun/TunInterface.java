package org.meshsec.tun;

import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * The narrow boundary between the daemon and a TUN device: whole IP packets in and out. Implemented
 * by the kernel device ({@link TunDevice}) and by an in-memory fake ({@code
 * org.meshsec.tun.tuntest.TunFake}, in this module's test-jar) with the same buffer layout and
 * ownership rules, so the daemon's data path can be tested in one JVM.
 *
 * <h2>Buffers</h2>
 *
 * Packets handed to the {@link TunHandler} are in direct, pooled buffers with at least {@link
 * #headroom()} bytes before the reader index and {@link #tailroom()} writable bytes after the
 * writer index, so outer headers (ESP header, IV) can be built in front of the packet and trailers
 * behind it without copying. The handler owns each buffer it receives. {@link #write} takes
 * ownership of its argument and releases it before returning.
 *
 * <p>Implementations are thread-safe: {@link #write} may be called from any thread, concurrently.
 */
public interface TunInterface extends AutoCloseable {

  /** The interface name as the kernel knows it (e.g. {@code meshsec0}). */
  String name();

  /** The interface MTU, in bytes. */
  int mtu();

  /** Bytes guaranteed free in front of the reader index of every packet given to the handler. */
  int headroom();

  /** Bytes guaranteed writable after the writer index of every packet given to the handler. */
  int tailroom();

  /**
   * Whether every packet read and written starts with a {@link VirtioNetHdr} (a device opened with
   * {@link TunOptions#vnetHdr()}). False by default.
   */
  default boolean vnetHdr() {
    return false;
  }

  /**
   * Writes one whole IP packet (the buffer's readable bytes) towards the kernel's stack. Never
   * blocks; a packet the device cannot take now is dropped and counted. Takes ownership: {@code
   * packet} is released before this method returns, whatever the result.
   */
  WriteResult write(ByteBuf packet);

  /**
   * Starts delivering packets read from the device to {@code handler}, in batches. Called once.
   *
   * @throws IOException if reading cannot be set up
   * @throws IllegalStateException if already started or closed
   */
  void start(TunHandler handler) throws IOException;

  /** A snapshot of the packet counters. */
  TunStats stats();

  /**
   * Stops reading (waiting for a batch in progress), then releases the device. Idempotent. After
   * close, {@link #write} returns {@link WriteResult#CLOSED}.
   */
  @Override
  void close();
}
