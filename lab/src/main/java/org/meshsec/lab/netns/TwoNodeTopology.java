package org.meshsec.lab.netns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.meshsec.inet.InetText;

/**
 * The standard two-node layout for the daemon tests, {@code meshsec-lab demo} and the end-to-end
 * benchmark: nodes A and B joined by a veth "underlay", and optionally a LAN host behind each node
 * for tunnel-mode tests.
 *
 * <pre>
 *                           underlay (veth)
 *   node A  ns "a"   ul0 ------------------------- ul0   node B  ns "b"
 *            192.0.2.1/24                            192.0.2.2/24          (TEST-NET-1)
 *            2001:db8:1::1/64                        2001:db8:1::2/64
 *            ip_forward=1 (v4 and v6)                ip_forward=1 (v4 and v6)
 *            lan0 10.0.0.1/24, fd00:0::1/64          lan0 10.0.1.1/24, fd00:1::1/64
 *              |  (veth, only withLans)                |  (veth, only withLans)
 *            eth0 10.0.0.10/24, fd00:0::10/64        eth0 10.0.1.10/24, fd00:1::10/64
 *   A-LAN host  ns "ah"                              B-LAN host  ns "bh"
 *            default via 10.0.0.1 / fd00:0::1        default via 10.0.1.1 / fd00:1::1
 * </pre>
 *
 * <p>Namespaces are named {@code <prefix>-<role>-<pid>-<hex>} with the roles above. IPv6 addresses
 * are added with {@code nodad}. Nothing routes between the LANs yet: the meshsec daemon in each
 * node creates its TUN device and the routes to the other LAN; this class builds only namespaces,
 * veths, addresses, the LAN hosts' default routes and forwarding on the nodes.
 *
 * <p>Thread-safe as its {@link Topology} is; the accessors are immutable.
 */
public final class TwoNodeTopology implements AutoCloseable {
  /** The underlay interface in both nodes. */
  public static final String UNDERLAY_DEV = "ul0";

  /** The LAN-side interface in each node. */
  public static final String LAN_DEV = "lan0";

  /** The interface in each LAN host. */
  public static final String HOST_DEV = "eth0";

  public static final InetAddress A_UNDERLAY_V4 = addr("192.0.2.1");
  public static final InetAddress B_UNDERLAY_V4 = addr("192.0.2.2");
  public static final int UNDERLAY_V4_PREFIX_LEN = 24;
  public static final InetAddress A_UNDERLAY_V6 = addr("2001:db8:1::1");
  public static final InetAddress B_UNDERLAY_V6 = addr("2001:db8:1::2");
  public static final int UNDERLAY_V6_PREFIX_LEN = 64;

  /** A's LAN, as a prefix string. */
  public static final String A_LAN_V4 = "10.0.0.0/24";

  public static final String A_LAN_V6 = "fd00:0::/64";
  public static final String B_LAN_V4 = "10.0.1.0/24";
  public static final String B_LAN_V6 = "fd00:1::/64";
  public static final InetAddress A_LAN_NODE_V4 = addr("10.0.0.1");
  public static final InetAddress A_LAN_HOST_V4 = addr("10.0.0.10");
  public static final InetAddress B_LAN_NODE_V4 = addr("10.0.1.1");
  public static final InetAddress B_LAN_HOST_V4 = addr("10.0.1.10");
  public static final InetAddress A_LAN_NODE_V6 = addr("fd00:0::1");
  public static final InetAddress A_LAN_HOST_V6 = addr("fd00:0::10");
  public static final InetAddress B_LAN_NODE_V6 = addr("fd00:1::1");
  public static final InetAddress B_LAN_HOST_V6 = addr("fd00:1::10");
  public static final int LAN_V4_PREFIX_LEN = 24;
  public static final int LAN_V6_PREFIX_LEN = 64;

  private final Topology topology;
  private final Netns a;
  private final Netns b;
  private final Netns aHost;
  private final Netns bHost;

  private TwoNodeTopology(Topology topology, Netns a, Netns b, Netns aHost, Netns bHost) {
    this.topology = topology;
    this.a = a;
    this.b = b;
    this.aHost = aHost;
    this.bHost = bHost;
  }

  /** Options: prefix (default "mst"), LAN hosts (default off), underlay MTU (default 1500). */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds the layout with default options but the given prefix and LAN choice. */
  public static TwoNodeTopology create(String prefix, boolean withLans) throws IOException {
    return builder().prefix(prefix).withLans(withLans).build();
  }

  /** Options for {@link TwoNodeTopology}. Not thread-safe. */
  public static final class Builder {
    private String prefix = "mst";
    private boolean withLans;
    private int underlayMtu;

    private Builder() {}

    /** Namespace name prefix; see {@link Topology#Topology(String)}. */
    public Builder prefix(String prefix) {
      Topology.checkPrefix(prefix);
      this.prefix = prefix;
      return this;
    }

    /** Whether to add a LAN host behind each node (tunnel-mode tests). */
    public Builder withLans(boolean withLans) {
      this.withLans = withLans;
      return this;
    }

    /** MTU of both underlay veth ends (0 keeps the kernel's default, 1500). */
    public Builder underlayMtu(int mtu) {
      if (mtu != 0 && (mtu < 1280 || mtu > 65535)) {
        throw new IllegalArgumentException("underlay MTU out of range: " + mtu);
      }
      this.underlayMtu = mtu;
      return this;
    }

    /** Creates everything; on failure removes what was created and rethrows. */
    public TwoNodeTopology build() throws IOException {
      Topology t = new Topology(prefix);
      try {
        Netns a = t.namespace("a");
        Netns b = t.namespace("b");
        t.veth(a, UNDERLAY_DEV, b, UNDERLAY_DEV);
        address(a, UNDERLAY_DEV, A_UNDERLAY_V4, UNDERLAY_V4_PREFIX_LEN);
        address(a, UNDERLAY_DEV, A_UNDERLAY_V6, UNDERLAY_V6_PREFIX_LEN);
        address(b, UNDERLAY_DEV, B_UNDERLAY_V4, UNDERLAY_V4_PREFIX_LEN);
        address(b, UNDERLAY_DEV, B_UNDERLAY_V6, UNDERLAY_V6_PREFIX_LEN);
        if (underlayMtu != 0) {
          a.setMtu(UNDERLAY_DEV, underlayMtu);
          b.setMtu(UNDERLAY_DEV, underlayMtu);
        }
        Netns ah = null;
        Netns bh = null;
        if (withLans) {
          ah = lan(t, a, "ah", A_LAN_NODE_V4, A_LAN_HOST_V4, A_LAN_NODE_V6, A_LAN_HOST_V6);
          bh = lan(t, b, "bh", B_LAN_NODE_V4, B_LAN_HOST_V4, B_LAN_NODE_V6, B_LAN_HOST_V6);
          for (Netns node : new Netns[] {a, b}) {
            node.sysctl("net.ipv4.ip_forward", "1");
            node.sysctl("net.ipv6.conf.all.forwarding", "1");
          }
        }
        return new TwoNodeTopology(t, a, b, ah, bh);
      } catch (IOException | RuntimeException e) {
        t.close();
        throw e;
      }
    }

    private static Netns lan(
        Topology t,
        Netns node,
        String role,
        InetAddress node4,
        InetAddress host4,
        InetAddress node6,
        InetAddress host6)
        throws IOException {
      Netns host = t.namespace(role);
      t.veth(node, LAN_DEV, host, HOST_DEV);
      address(node, LAN_DEV, node4, LAN_V4_PREFIX_LEN);
      address(node, LAN_DEV, node6, LAN_V6_PREFIX_LEN);
      address(host, HOST_DEV, host4, LAN_V4_PREFIX_LEN);
      address(host, HOST_DEV, host6, LAN_V6_PREFIX_LEN);
      host.addRoute("default", InetText.format(node4));
      host.addRoute("default", InetText.format(node6));
      return host;
    }

    private static void address(Netns ns, String dev, InetAddress a, int len) throws IOException {
      ns.addAddress(dev, InetText.format(a) + "/" + len);
    }
  }

  /** The topology that owns every namespace here (to create more, or spawn processes). */
  public Topology topology() {
    return topology;
  }

  /** Node A (underlay 192.0.2.1). */
  public Netns a() {
    return a;
  }

  /** Node B (underlay 192.0.2.2). */
  public Netns b() {
    return b;
  }

  public boolean hasLans() {
    return aHost != null;
  }

  /** The host on A's LAN (10.0.0.10). */
  public Netns aHost() {
    if (aHost == null) {
      throw new IllegalStateException("built without LANs");
    }
    return aHost;
  }

  /** The host on B's LAN (10.0.1.10). */
  public Netns bHost() {
    if (bHost == null) {
      throw new IllegalStateException("built without LANs");
    }
    return bHost;
  }

  /** Removes every namespace (and so every veth) and stops processes spawned in them. */
  @Override
  public void close() {
    topology.close();
  }

  private static InetAddress addr(String literal) {
    try {
      return InetAddress.getByName(literal); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public String toString() {
    return "TwoNodeTopology" + topology.namespaces();
  }
}
