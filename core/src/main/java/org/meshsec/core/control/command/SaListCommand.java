package org.meshsec.core.control.command;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import org.meshsec.core.control.Command;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.sad.SaInfo;

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
      sb.append("    ").append(selector(s)).append('\n');
    }
    return ControlResponse.ok(sb.toString());
  }

  private static View view(SaInfo s, long now) {
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
