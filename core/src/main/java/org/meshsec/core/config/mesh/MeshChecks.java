package org.meshsec.core.config.mesh;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.meshsec.core.net.IpPrefix;
import org.meshsec.inet.InetText;

/**
 * The rules a mesh file must follow across its entries: unique node names and underlay addresses,
 * overlay prefixes that do not overlap (a packet must belong to one node) and contain no node's
 * underlay address (the ESP datagrams to that node would be routed into the tunnel), pairs that
 * name two different known nodes once. Each problem is reported at the line of the later entry.
 *
 * <p>Stateless and thread-safe.
 */
public final class MeshChecks {
  /** One problem at a line of the mesh file. */
  public record Problem(int line, String reason) {}

  private MeshChecks() {}

  /** Every problem of {@code nodes} and {@code pairs}, in no particular order. */
  public static List<Problem> check(List<MeshFile.Node> nodes, List<MeshFile.Pair> pairs) {
    List<Problem> out = new ArrayList<>();
    Map<String, MeshFile.Node> names = new HashMap<>();
    Map<InetAddress, String> addresses = new HashMap<>();
    for (MeshFile.Node n : nodes) {
      MeshFile.Node first = names.putIfAbsent(n.name(), n);
      if (first != null) {
        out.add(
            new Problem(
                n.line(),
                "duplicate node name \""
                    + n.name()
                    + "\" (first defined at line "
                    + first.line()
                    + ")"));
      }
      for (MeshFile.At<InetAddress> a : n.addresses()) {
        String owner = addresses.putIfAbsent(a.value(), n.name());
        if (owner != null) {
          out.add(
              new Problem(
                  a.line(),
                  "node \""
                      + n.name()
                      + "\" address "
                      + InetText.format(a.value())
                      + " is already node \""
                      + owner
                      + "\"'s"));
        }
      }
    }
    List<Owned> prefixes = new ArrayList<>();
    for (MeshFile.Node n : nodes) {
      for (MeshFile.At<IpPrefix> p : n.prefixes()) {
        for (Owned o : prefixes) {
          if (overlap(o.prefix(), p.value())) {
            out.add(
                new Problem(
                    p.line(),
                    "node \""
                        + n.name()
                        + "\" prefix "
                        + p.value()
                        + " overlaps "
                        + (o.node().equals(n.name()) ? "its own" : "node \"" + o.node() + "\"'s")
                        + " prefix "
                        + o.prefix()
                        + " (line "
                        + o.line()
                        + "): every overlay address belongs to one node"));
          }
        }
        prefixes.add(new Owned(n.name(), p.value(), p.line()));
        for (MeshFile.Node m : nodes) {
          for (MeshFile.At<InetAddress> a : m.addresses()) {
            if (p.value().contains(IpPrefix.host(a.value()))) {
              out.add(
                  new Problem(
                      p.line(),
                      "node \""
                          + n.name()
                          + "\" prefix "
                          + p.value()
                          + " contains node \""
                          + m.name()
                          + "\"'s underlay address "
                          + InetText.format(a.value())
                          + " (its ESP packets would be sent into the tunnel)"));
            }
          }
        }
      }
    }
    List<MeshFile.Pair> seen = new ArrayList<>();
    for (MeshFile.Pair p : pairs) {
      if (p.a().equals(p.b())) {
        out.add(new Problem(p.line(), "pair names node \"" + p.a() + "\" twice"));
        continue;
      }
      boolean known = true;
      for (String n : List.of(p.a(), p.b())) {
        if (!names.containsKey(n)) {
          out.add(new Problem(p.line(), "pair names \"" + n + "\", which is no [[node]]"));
          known = false;
        }
      }
      if (!known) {
        continue;
      }
      for (MeshFile.Pair q : seen) {
        if (q.joins(p.a(), p.b())) {
          out.add(
              new Problem(
                  p.line(), "pair " + p.a() + "-" + p.b() + " is already set at line " + q.line()));
        }
      }
      seen.add(p);
    }
    return out;
  }

  private record Owned(String node, IpPrefix prefix, int line) {}

  private static boolean overlap(IpPrefix a, IpPrefix b) {
    return a.version() == b.version() && (a.contains(b) || b.contains(a));
  }
}
