package org.meshsec.ike.port;

import java.net.InetSocketAddress;

/**
 * Sends IKE datagrams (RFC 7296 section 2.11). The engine chooses the local address and port: port
 * 500 for IKE_SA_INIT, 4500 afterwards (the initiator moves to 4500 as NAT traversal does, RFC 7296
 * section 2.23, because meshsec always encapsulates ESP in UDP on 4500).
 *
 * <p>Datagrams are passed <em>without</em> the four-byte non-ESP marker of RFC 3948 section 2.2;
 * the implementation adds it when sending from port 4500 (and strips it before handing a received
 * datagram to {@code IkeEngine.receive}).
 *
 * <p>Implementations must be thread-safe (IKE SAs send from their own executors) and must not block
 * for long; a datagram that cannot be sent is dropped, as UDP would drop it: IKE retransmits.
 */
@FunctionalInterface
public interface IkeNetwork {

  /**
   * Sends one IKE message or fragment.
   *
   * @param datagram the IKE message starting with the IKE header; the callee must not modify it and
   *     may keep it only until this call returns
   * @param local our address and UDP port to send from
   * @param remote the peer's address and UDP port
   */
  void send(byte[] datagram, InetSocketAddress local, InetSocketAddress remote);
}
