package org.meshsec.core.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.meshsec.core.net.PortRange;
import org.meshsec.core.spd.Policy;
import org.meshsec.core.spd.Selector;

/**
 * What is valid but almost certainly not meant in a configuration's policies (RFC 4301 section
 * 4.4.1: the SPD is ordered, the first matching entry wins): a policy that can never match because
 * one that wins over it (a higher priority, or the same priority and earlier in the file) covers
 * its whole selector, and two policies that negotiate the same traffic with IKE. {@code meshsec
 * check-config} prints them; they do not stop the daemon. A pure function of the configuration.
 */
public final class PolicyWarnings {
  private PolicyWarnings() {}

  /** The warnings for {@code config}, in the order of its policies. */
  public static List<String> of(NodeConfig config) {
    List<Policy> ps = config.policies();
    List<String> out = new ArrayList<>();
    Set<String> duplicates = new HashSet<>();
    for (int j = 0; j < ps.size(); j++) {
      Policy p = ps.get(j);
      for (int i = 0; i < j; i++) {
        Policy q = ps.get(i);
        if (q.direction() != p.direction() || !q.selector().equals(p.selector())) {
          continue;
        }
        Optional<IkePeer> qp = config.ikePeerOf(q.name());
        Optional<IkePeer> pp = config.ikePeerOf(p.name());
        if (qp.isPresent() && pp.isPresent() && !q.name().equals(p.name())) {
          duplicates.add(q.name() + "/" + p.name() + "/" + p.direction());
          out.add(
              "policies \""
                  + q.name()
                  + "\" and \""
                  + p.name()
                  + "\" ("
                  + p.direction().name().toLowerCase()
                  + ") negotiate the same traffic "
                  + p.selector().describe()
                  + " with IKE ("
                  + (qp.get().name().equals(pp.get().name())
                      ? "peer \"" + qp.get().name() + "\""
                      : "peers \"" + qp.get().name() + "\" and \"" + pp.get().name() + "\"")
                  + "): only \""
                  + (q.priority() >= p.priority() ? q.name() : p.name())
                  + "\" is used");
        }
      }
    }
    for (int j = 0; j < ps.size(); j++) {
      Policy p = ps.get(j);
      for (int i = 0; i < ps.size(); i++) {
        Policy q = ps.get(i);
        if (i == j || q.direction() != p.direction() || q.name().equals(p.name())) {
          continue;
        }
        boolean wins = q.priority() > p.priority() || (q.priority() == p.priority() && i < j);
        if (!wins || !covers(q.selector(), p.selector())) {
          continue;
        }
        if (duplicates.contains(q.name() + "/" + p.name() + "/" + p.direction())) {
          break; // said above
        }
        out.add(
            "policy \""
                + p.name()
                + "\" ("
                + p.direction().name().toLowerCase()
                + ", priority "
                + p.priority()
                + ") can never match: \""
                + q.name()
                + "\" (priority "
                + q.priority()
                + (q.priority() == p.priority() ? ", earlier in the file" : "")
                + ") covers "
                + p.selector().describe());
        break;
      }
    }
    return out;
  }

  /** Whether every packet {@code inner} matches also matches {@code outer}. */
  static boolean covers(Selector outer, Selector inner) {
    return outer.src().contains(inner.src())
        && outer.dst().contains(inner.dst())
        && (outer.protocol() == Selector.ANY_PROTOCOL || outer.protocol() == inner.protocol())
        && covers(outer.srcPorts(), inner.srcPorts())
        && covers(outer.dstPorts(), inner.dstPorts())
        && (outer.icmpType() < 0 || outer.icmpType() == inner.icmpType())
        && (outer.icmpCode() < 0 || outer.icmpCode() == inner.icmpCode());
  }

  private static boolean covers(PortRange outer, PortRange inner) {
    return outer.from() <= inner.from() && inner.to() <= outer.to();
  }
}
