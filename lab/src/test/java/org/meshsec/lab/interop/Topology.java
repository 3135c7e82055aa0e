package org.meshsec.lab.interop;

/**
 * The two-host network of the interop tests: namespaces "left" and "right" (unique names per run)
 * joined by a veth pair named {@value #DEV} on both ends, with underlay addresses {@value
 * #LEFT_ADDR} and {@value #RIGHT_ADDR} (/24, RFC 5737 TEST-NET-1), and one host address each on the
 * loopback to tunnel between, {@value #LEFT_HOST} and {@value #RIGHT_HOST} (/32). Both namespaces
 * are removed by {@link #close()}; end the processes started in them first.
 *
 * <pre>
 *   left: lo 10.0.0.1/32                           right: lo 10.0.1.1/32
 *         u0 192.0.2.1/24  ---------- veth -------  u0 192.0.2.2/24
 * </pre>
 *
 * Not thread-safe.
 */
public final class Topology implements AutoCloseable {
  public static final String DEV = "u0";
  public static final String LEFT_ADDR = "192.0.2.1";
  public static final String RIGHT_ADDR = "192.0.2.2";
  public static final String LEFT_HOST = "10.0.0.1";
  public static final String RIGHT_HOST = "10.0.1.1";

  private final TestNetns left;
  private final TestNetns right;

  private Topology(TestNetns left, TestNetns right) {
    this.left = left;
    this.right = right;
  }

  /** Creates both namespaces (prefixes "msl" and "msr") and wires them. */
  public static Topology create() {
    TestNetns l = TestNetns.create("msl");
    TestNetns r = null;
    try {
      r = TestNetns.create("msr");
      TestNetns.veth(l, DEV, LEFT_ADDR + "/24", r, DEV, RIGHT_ADDR + "/24");
      l.addAddress("lo", LEFT_HOST + "/32");
      r.addAddress("lo", RIGHT_HOST + "/32");
      return new Topology(l, r);
    } catch (RuntimeException e) {
      if (r != null) {
        r.close();
      }
      l.close();
      throw e;
    }
  }

  TestNetns left() {
    return left;
  }

  TestNetns right() {
    return right;
  }

  public String leftName() {
    return left.name();
  }

  public String rightName() {
    return right.name();
  }

  @Override
  public void close() {
    try {
      left.close();
    } finally {
      right.close();
    }
  }
}
