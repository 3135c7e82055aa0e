package org.meshsec.lab.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

/**
 * {@link TrafficTestBase} over the IPv4 underlay with {@code [datapath] decrypt_workers = 2} and
 * {@code udp_transport = "io_uring"} on both nodes (docs/configuration.md): every transfer arrives
 * intact with ESP opened by the decrypt pool and the UDP sockets on Netty's io_uring transport, or,
 * on a kernel that refuses io_uring, on epoll after the logged fallback.
 */
class ParallelInboundTest extends Ipv4UnderlayTest {
  @Override
  String extraToml() {
    return "[datapath]\ndecrypt_workers = 2\nudp_transport = \"io_uring\"";
  }

  @Override
  String tcpSize(String pair) {
    return "8M";
  }

  @Test
  void theUdpSocketsUseIoUringWhereTheKernelAllowsIt() {
    for (NamespaceDaemon n : new NamespaceDaemon[] {a, b}) {
      String out = n.output();
      if (IoUring.isAvailable()) {
        assertTrue(out.contains("(io_uring"), n.name + " listens with io_uring:\n" + out);
      } else {
        assertTrue(
            out.contains("io_uring is not available"), n.name + " logs the fallback:\n" + out);
      }
    }
  }
}
