package org.meshsec.ike.task;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.meshsec.ike.message.TrafficSelector;
import org.meshsec.ike.message.TsPayload;
import org.meshsec.ike.port.TsRange;

/**
 * Traffic selector conversion and narrowing (RFC 7296 sections 2.9 and 3.13). Stateless.
 *
 * <p>Narrowing: the responder answers with the intersection of what the initiator proposed and its
 * own templates, per side; if either side's intersection is empty it refuses with TS_UNACCEPTABLE.
 * The initiator accepts an answer only if every selector lies within one it proposed.
 */
final class TrafficSelectors {
  private TrafficSelectors() {}

  /** The payload carrying {@code ranges}. */
  static TsPayload payload(boolean initiator, List<TsRange> ranges) {
    List<TrafficSelector> selectors = new ArrayList<>();
    for (TsRange r : ranges) {
      selectors.add(
          TrafficSelector.AddressRange.of(
              r.start(), r.end(), r.protocol(), r.startPort(), r.endPort()));
    }
    return new TsPayload(initiator, selectors);
  }

  /** The address range selectors of a payload; selectors of other types are ignored. */
  static List<TsRange> ranges(TsPayload payload) {
    List<TsRange> out = new ArrayList<>();
    for (TrafficSelector s : payload.selectors()) {
      if (s instanceof TrafficSelector.AddressRange a) {
        try {
          out.add(
              new TsRange(
                  a.startInetAddress(),
                  a.endInetAddress(),
                  a.ipProtocol(),
                  a.startPort(),
                  a.endPort()));
        } catch (IllegalArgumentException e) {
          // start above end, or an OPAQUE port range: not a selector we can use
        }
      }
    }
    return out;
  }

  /** Templates with "dynamic" (empty) replaced by the host's own address. */
  static List<TsRange> resolve(List<TsRange> templates, InetAddress dynamic) {
    return templates.isEmpty() ? List.of(TsRange.host(dynamic)) : templates;
  }

  /** Every non-empty intersection of an offered selector with one of ours, without duplicates. */
  static List<TsRange> narrow(List<TsRange> offered, List<TsRange> ours) {
    List<TsRange> out = new ArrayList<>();
    for (TsRange o : offered) {
      for (TsRange m : ours) {
        Optional<TsRange> i = o.intersect(m);
        if (i.isPresent() && !out.contains(i.get())) {
          out.add(i.get());
        }
      }
    }
    return out;
  }

  /** Whether every selector of {@code answer} lies within one of {@code proposed}. */
  static boolean within(List<TsRange> answer, List<TsRange> proposed) {
    if (answer.isEmpty()) {
      return false;
    }
    for (TsRange a : answer) {
      if (proposed.stream().noneMatch(a::isSubsetOf)) {
        return false;
      }
    }
    return true;
  }
}
