package org.meshsec.core.control.command;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.meshsec.core.control.Progress;
import org.meshsec.ike.sa.ChildSaInfo;
import org.meshsec.ike.sa.ChildSaState;
import org.meshsec.ike.sa.IkeSaInfo;
import org.meshsec.ike.sa.IkeSaState;

/**
 * The progress lines of one {@code initiate}, {@code terminate} or {@code rekey} call, made from
 * the engine's events as the command takes them ({@link IkeWait}): one line per completed exchange
 * ("IKE_SA_INIT done", "IKE_AUTH done, IKE SA #1 established, Child SA lan installed (SPIs c0a80001
 * in, 5b1e0a2f out)", "Main Mode done", "Quick Mode done, ..."), and one per IKE SA deleted. A
 * Child SA is named once, when it is first seen installed.
 *
 * <p>Not thread-safe: used by the one thread running the command.
 */
final class ProgressText {
  private final Progress sink;
  private final Set<Integer> announced = new HashSet<>();

  /** Reports to {@code sink}; the Child SAs of {@code before} (the SAs at the start) are old. */
  ProgressText(Progress sink, List<IkeSaInfo> before) {
    this.sink = sink;
    for (IkeSaInfo s : before) {
      s.children().forEach(c -> announced.add(c.inboundSpi()));
    }
  }

  /** Reports what {@code e} means for the operator, if anything. */
  void report(IkeWait.Event e) {
    if (e instanceof IkeWait.Exchange x) {
      sink.report(exchange(x.info(), x.exchange()));
    } else if (e instanceof IkeWait.Destroyed d && d.last().established() != null) {
      sink.report("IKE SA #" + d.last().id() + " deleted: " + d.reason());
    } else if (e instanceof IkeWait.Changed c && c.info().state() == IkeSaState.DELETING) {
      sink.report("IKE SA #" + c.info().id() + ": Delete sent, waiting for the peer's answer");
    }
  }

  private String exchange(IkeSaInfo s, String exchange) {
    StringBuilder line = new StringBuilder(exchange).append(" done");
    if (exchange.equals("IKE_AUTH")
        || exchange.equals("Main Mode")
        || exchange.equals("Aggressive Mode")) {
      if (s.state() == IkeSaState.ESTABLISHED) {
        line.append(", IKE SA #").append(s.id()).append(" established");
      }
    } else if (s.state() == IkeSaState.REKEYED) {
      line.append(", IKE SA #").append(s.id()).append(" rekeyed");
    }
    List<String> installed = new ArrayList<>();
    for (ChildSaInfo c : s.children()) {
      if (c.state() == ChildSaState.INSTALLED && announced.add(c.inboundSpi())) {
        installed.add(
            String.format(
                "Child SA %s installed (SPIs %08x in, %08x out)",
                c.name(), c.inboundSpi(), c.outboundSpi()));
      }
    }
    for (String i : installed) {
      line.append(", ").append(i);
    }
    return line.toString();
  }
}
