package org.meshsec.core.control.command;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Duration;
import java.util.List;
import org.meshsec.core.capture.WiresharkKeyTables;
import org.meshsec.core.control.Command;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.daemon.Daemon;
import org.meshsec.core.ike.IkeService;
import org.meshsec.core.sad.SaSecrets;
import org.meshsec.ike.sa.IkeSaSecrets;

/**
 * {@code sa-export-keys}: the Wireshark key tables of every live IKE SA and ESP SA, as lines, for
 * the CLI to write into root-only files. The answer travels only over the control socket (root
 * only) and is never logged; the copies of the keys are wiped once the lines are built.
 * Thread-safe.
 */
public final class ExportKeysCommand implements Command<ControlRequest.ExportKeys> {

  /** How long the IKE SAs' executors get to hand over their keys. */
  static final Duration IKE_WAIT = Duration.ofSeconds(2);

  /** The answer: the lines of both tables (records and comment lines). */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record View(List<String> ikev2DecryptionTable, List<String> espSa) {}

  private final Daemon d;

  public ExportKeysCommand(Daemon d) {
    this.d = d;
  }

  @Override
  public ControlResponse run(ControlRequest.ExportKeys request) {
    WiresharkKeyTables.Lines lines = tables(d);
    return ControlResponse.json(true, new View(lines.ike(), lines.esp()));
  }

  /** Both tables for the daemon's SAs now. */
  public static WiresharkKeyTables.Lines tables(Daemon d) {
    IkeService ike = d.ike();
    List<IkeSaSecrets> ikeSecrets = ike == null ? List.of() : ike.engine().secrets(IKE_WAIT);
    List<SaSecrets> espSecrets = d.dataPath().sad().secrets();
    try {
      return WiresharkKeyTables.lines(ikeSecrets, espSecrets);
    } finally {
      ikeSecrets.forEach(IkeSaSecrets::close);
      espSecrets.forEach(SaSecrets::close);
    }
  }
}
