package org.meshsec.core.config;

import java.util.Locale;
import java.util.Objects;

/**
 * The {@code [datapath]} table: how the packet path uses threads and sockets (docs/architecture.md,
 * "Spreading the inbound path").
 *
 * @param decryptWorkers threads that open the ESP received by one UDP event loop: 1 (the default)
 *     opens each packet on the loop that read it; {@code n > 1} adds {@code n - 1} helper threads
 *     that open in parallel, delivering each loop's packets in the order received
 * @param udpTransport the Netty transport of the UDP sockets
 */
public record DataPathConfig(int decryptWorkers, UdpTransportKind udpTransport) {

  /** The most decrypt workers accepted. */
  public static final int MAX_DECRYPT_WORKERS = 64;

  /** Everything at its default. */
  public static final DataPathConfig DEFAULTS = new DataPathConfig(1, UdpTransportKind.EPOLL);

  /** The Netty transport for the UDP sockets. */
  public enum UdpTransportKind {
    /** Netty's epoll transport (recvmmsg, UDP GSO and GRO); NIO where epoll is unavailable. */
    EPOLL,
    /**
     * Netty's io_uring transport (Linux 5.14+ with io_uring enabled; UDP GSO sends, no UDP GRO);
     * epoll again, with a log line, where the kernel refuses io_uring.
     */
    IO_URING;

    /** The spelling in the configuration file. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public DataPathConfig {
    Objects.requireNonNull(udpTransport, "udpTransport");
    if (decryptWorkers < 1 || decryptWorkers > MAX_DECRYPT_WORKERS) {
      throw new IllegalArgumentException(
          "decrypt_workers " + decryptWorkers + " is out of range 1.." + MAX_DECRYPT_WORKERS);
    }
  }
}
