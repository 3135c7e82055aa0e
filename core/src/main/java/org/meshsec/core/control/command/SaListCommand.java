package org.meshsec.core.control.command;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Optional;
import org.meshsec.core.config.IkePeer;
import org.meshsec.core.control.Command;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.sad.SaInfo;
import org.meshsec.core.spd.Policy;

/**
 * {@code sa-list}: the SAD, one entry per SA with its counters. Never shows key material (SaInfo
 * carries none). Thread-safe (a SAD snapshot).
 */
public final class SaListCommand implements Command<ControlRequest.SaList> {

  /**
   * One SA of {@code sa-list --json}. A LARVAL SA (an SPI reserved by IKE, not yet updated) has no
   * local address, mode, suite or selector: those are null, the selector {@code -}.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record View(
      String direction,
      String spi,
      String state,
      String local,
      String peer,
      String mode,
      String suite,
      boolean esn,
      String selector,
      long policyId,
      String policy,
      String peerName,
      long bytes,
      long packets,
      long replayDrops,
      long icvFailures,
      long ageSeconds,
      Long lastUseSecondsAgo,
      int queued) {}

  private final Daemon d;

  public SaListCommand(Daemon d) {
    this.d = d;
  }

  @Override
  public ControlResponse run(ControlRequest.SaList request) {
    List<SaInfo> sas = d.dataPath().sad().dump();
    long now = d.dataPath().sad().nowMillis(); // the SAD's clock, not the epoch
    if (request.json()) {
      return ControlResponse.json(true, sas.stream().map(s -> view(s, now)).toList());
    }
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "%-3s %-10s %-7s %-22s %-9s %-16s %12s %9s %6s %6s %6s%n",
            "dir", "spi", "state", "peer", "mode", "suite", "bytes", "packets", "replay", "icv",
            "age"));
    for (SaInfo s : sas) {
      sb.append(
          String.format(
              "%-3s 0x%08x %-7s %-22s %-9s %-16s %12d %9d %6d %6d %5ds%n",
              s.direction().name().toLowerCase(),
              s.spi(),
              s.state(),
              Replies.endpoint(s.peer(), s.peerPort()),
              s.mode() == null ? "-" : s.mode().name().toLowerCase(),
              s.suite() == null ? "-" : s.suite().configName(),
              s.bytes(),
              s.packets(),
              s.replayDrops(),
              s.icvFailures(),
              s.addMillis() < 0 ? 0 : (now - s.addMillis()) / 1000));
      sb.append("    ").append(selector(s));
      String policy = policyName(s);
      if (policy != null) {
        sb.append("  policy ").append(policy);
      }
      String peer = peerName(s, policy);
      if (peer != null) {
        sb.append(policy != null ? ", peer " : "  peer ").append(peer);
      }
      sb.append('\n');
    }
    return ControlResponse.ok(sb.toString());
  }

  /** The name of the policy the SA serves, null if none (a LARVAL SA, a removed policy). */
  private String policyName(SaInfo s) {
    Policy p = d.dataPath().spd().get(s.policyId());
    return p == null ? null : p.name();
  }

  /**
   * The {@code [[peer]]} name of the SA's peer: the peer negotiating the policy, else the peer at
   * the SA's address; null for a manual SA to no configured peer.
   */
  private String peerName(SaInfo s, String policy) {
    if (policy != null) {
      Optional<IkePeer> p = d.config().ikePeerOf(policy);
      if (p.isPresent()) {
        return p.get().name();
      }
    }
    return d.config().peers().stream()
        .filter(p -> p.address().equals(s.peer()))
        .map(IkePeer::name)
        .findFirst()
        .orElse(null);
  }

  private View view(SaInfo s, long now) {
    String policy = policyName(s);
    return new View(
        s.direction().name().toLowerCase(),
        String.format("0x%08x", s.spi()),
        s.state().name(),
        s.local() == null ? null : Replies.endpoint(s.local(), s.localPort()),
        Replies.endpoint(s.peer(), s.peerPort()),
        s.mode() == null ? null : s.mode().name().toLowerCase(),
        s.suite() == null ? null : s.suite().configName(),
        s.esn(),
        selector(s),
        s.policyId(),
        policy,
        peerName(s, policy),
        s.bytes(),
        s.packets(),
        s.replayDrops(),
        s.icvFailures(),
        s.addMillis() < 0 ? 0 : (now - s.addMillis()) / 1000,
        s.lastUseMillis() < 0 ? null : (now - s.lastUseMillis()) / 1000,
        s.queued());
  }

  private static String selector(SaInfo s) {
    return s.selector() == null ? "-" : s.selector().describe();
  }
}
