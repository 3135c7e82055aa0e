package org.meshsec.core.control.command;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.meshsec.core.control.Command;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.spd.Policy;
import org.meshsec.inet.InetText;

/** {@code policy-list}: the SPD in lookup order. Thread-safe (an SPD snapshot). */
public final class PolicyListCommand implements Command<ControlRequest.PolicyList> {

  /**
   * One policy of {@code policy-list --json}; {@code mode}, {@code peer} and {@code esp} only for a
   * PROTECT policy (they are left out otherwise).
   */
  public record View(
      long id,
      String name,
      String direction,
      int priority,
      String selector,
      String action,
      @JsonInclude(JsonInclude.Include.NON_NULL) String mode,
      @JsonInclude(JsonInclude.Include.NON_NULL) String peer,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<String> esp) {}

  private final Daemon d;

  public PolicyListCommand(Daemon d) {
    this.d = d;
  }

  @Override
  public ControlResponse run(ControlRequest.PolicyList request) {
    List<Policy> ps = d.spd().policies();
    if (request.json()) {
      return ControlResponse.json(true, ps.stream().map(PolicyListCommand::view).toList());
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "%-4s %-20s %-3s %5s %-8s %s%n", "id", "name", "dir", "prio", "action", "selector"));
    for (Policy p : ps) {
      sb.append(
          String.format(
              "%-4d %-20s %-3s %5d %-8s %s%s%n",
              p.id(),
              p.name(),
              p.direction().name().toLowerCase(),
              p.priority(),
              p.action().name().toLowerCase(),
              p.selector().describe(),
              p.template() == null
                  ? ""
                  : "  ["
                      + p.template().mode().name().toLowerCase()
                      + " peer "
                      + InetText.format(p.template().peer())
                      + " "
                      + p.template().suites()
                      + "]"));
    }
    return ControlResponse.ok(sb.toString());
  }

  private static View view(Policy p) {
    boolean t = p.template() != null;
    return new View(
        p.id(),
        p.name(),
        p.direction().name().toLowerCase(),
        p.priority(),
        p.selector().describe(),
        p.action().name().toLowerCase(),
        t ? p.template().mode().name().toLowerCase() : null,
        t ? InetText.format(p.template().peer()) : null,
        t ? p.template().suites().stream().map(s -> s.configName()).toList() : null);
  }
}
