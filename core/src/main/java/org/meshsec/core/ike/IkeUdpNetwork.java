package org.meshsec.core.ike;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoopGroup;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.meshsec.core.config.IkePeer;
import org.meshsec.core.config.NodeConfig;
import org.meshsec.core.datapath.UdpTransport;
import org.meshsec.ike.port.IkeNetwork;
import org.meshsec.ike.sa.IkeEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IKE's two UDP ports (RFC 7296 section 2.11, RFC 3948):
 *
 * <pre>
 *  port 500  ({@code [listen] ike_port}): a socket of its own, bound by {@link #open}; IKE_SA_INIT
 *  port 4500 ({@code [listen] port}):     the daemon's ESP socket, shared; IKE there carries the
 *            four-byte non-ESP marker (RFC 3948 section 2.2), added by {@link #send} and already
 *            stripped by {@code DataPath} when a datagram reaches {@link #receiveNatt}
 * </pre>
 *
 * Received datagrams are given to {@link IkeEngine#receive} on the socket's event loop (the engine
 * only decodes the header and queues the work on the IKE SA's executor), with the local address
 * they arrived on.
 *
 * <p>Thread-safe: {@link #send} is called from the IKE SAs' executors, the receive paths from the
 * sockets' event loops.
 */
public final class IkeUdpNetwork implements IkeNetwork, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IkeUdpNetwork.class);

  private volatile NodeConfig config;
  private final UdpTransport natt;
  private final int ikePort;
  private final int nattPort;
  private volatile UdpTransport ikeSocket;
  private volatile IkeEngine engine;
  private volatile boolean closed;

  /**
   * @param natt the daemon's ESP-in-UDP socket, shared for IKE on the NAT-T port
   */
  /** The configuration after a reload (its peers; the sockets stay as they are). */
  void update(NodeConfig next) {
    config = next;
  }

  public IkeUdpNetwork(NodeConfig config, UdpTransport natt) {
    this.config = config;
    this.natt = natt;
    this.ikePort = config.listen().ikePort();
    this.nattPort = config.listen().port();
  }

  /**
   * Binds the IKE port and from now on hands received IKE datagrams (on both ports) to {@code
   * engine}.
   *
   * @throws IOException when the IKE port cannot be bound
   */
  public void open(IoEventLoopGroup group, IkeEngine engine) throws IOException {
    this.engine = engine;
    this.ikeSocket =
        UdpTransport.bind(
            group, config.listen().ikeEndpoints(), (payload, from) -> receive(payload, from, true));
  }

  @Override
  public void send(byte[] datagram, InetSocketAddress local, InetSocketAddress remote) {
    if (closed) {
      return;
    }
    UdpTransport ike = ikeSocket;
    if (local.getPort() == nattPort) {
      ByteBuf b = Unpooled.buffer(4 + datagram.length);
      b.writeInt(0); // the non-ESP marker, RFC 3948 section 2.2
      b.writeBytes(datagram);
      natt.sendRaw(b, local.getAddress(), remote);
    } else if (local.getPort() == ikePort && ike != null) {
      ike.sendRaw(Unpooled.wrappedBuffer(datagram.clone()), local.getAddress(), remote);
    } else {
      log.warn(
          "IKE datagram from unknown local port {}:{} dropped",
          org.meshsec.inet.InetText.format(local.getAddress()),
          local.getPort());
    }
  }

  /**
   * An IKE datagram received on the NAT-T port (non-ESP marker already removed), from {@link
   * org.meshsec.core.datapath.DataPath.IkeIn}. Takes ownership of {@code ike}.
   */
  public void receiveNatt(ByteBuf ike, InetSocketAddress from) {
    receive(ike, from, false);
  }

  private void receive(ByteBuf payload, InetSocketAddress from, boolean ikePortSocket) {
    byte[] bytes;
    try {
      bytes = ByteBufUtil.getBytes(payload);
    } finally {
      payload.release();
    }
    IkeEngine e = engine;
    if (closed || e == null) {
      return;
    }
    UdpTransport t = ikePortSocket ? ikeSocket : natt;
    int port = ikePortSocket ? ikePort : nattPort;
    InetAddress local = localFor(from.getAddress(), t);
    e.receive(bytes, new InetSocketAddress(local, port), from);
  }

  /**
   * Our address a datagram from {@code remote} arrived on: the socket's own address when it is
   * bound to one; behind a wildcard socket, the local address configured for that peer, else the
   * node's address of that family.
   */
  private InetAddress localFor(InetAddress remote, UdpTransport t) {
    boolean v4 = remote instanceof Inet4Address;
    InetAddress only = null;
    int count = 0;
    if (t != null) {
      for (InetSocketAddress a : t.localAddresses()) {
        if ((a.getAddress() instanceof Inet4Address) == v4 && !a.getAddress().isAnyLocalAddress()) {
          only = a.getAddress();
          count++;
        }
      }
    }
    if (count == 1) {
      return only;
    }
    for (IkePeer p : config.peers()) {
      if (p.address().equals(remote)) {
        return p.local();
      }
    }
    return config.node().address(v4 ? 4 : 6).orElse(only != null ? only : wildcard(v4));
  }

  private static InetAddress wildcard(boolean v4) {
    try {
      return InetAddress.getByAddress(new byte[v4 ? 4 : 16]);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e); // 4 or 16 bytes
    }
  }

  /** Stops sending and receiving and closes the IKE port (the shared ESP socket stays). */
  @Override
  public void close() {
    closed = true;
    UdpTransport ike = ikeSocket;
    if (ike != null) {
      ike.close();
    }
  }
}
