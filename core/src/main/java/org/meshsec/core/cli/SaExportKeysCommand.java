package org.meshsec.core.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.meshsec.core.capture.KeyTableFiles;
import org.meshsec.core.capture.WiresharkKeyTables;
import org.meshsec.core.control.ControlClient;
import org.meshsec.core.control.ControlRequest;
import org.meshsec.core.control.ControlResponse;
import org.meshsec.core.control.command.ExportKeysCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code meshsec sa export-keys --format wireshark DIR}: asks the daemon for the keys of its IKE
 * SAs and ESP SAs ({@code sa-export-keys}) and writes them into {@code DIR} as Wireshark's two key
 * tables ({@link KeyTableFiles}: mode 0600 files in a 0700 directory). Root only; warns on stderr
 * that the files are secret. The keys are written here, by the CLI, so that they land in the
 * caller's file system even when the daemon runs with a private /tmp.
 */
@Command(
    name = "export-keys",
    description = {
      "Write the keys of the live IKE and ESP SAs for decrypting packet captures.",
      "DIR receives the files ikev2_decryption_table and esp_sa (Wireshark's key tables;"
          + " usable as a Wireshark configuration directory or with tshark -o uat:...)."
    })
public final class SaExportKeysCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ControlOptions control;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "wireshark",
      description = "Key table format: wireshark (the default and only one).")
  String format;

  @Parameters(paramLabel = "DIR", description = "Directory for the key tables (created 0700).")
  Path dir;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    try {
      int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      if (uid != 0) {
        err.println(
            "meshsec: sa export-keys: only root may export keys (running as uid " + uid + ")");
        return ExitCode.FAILURE.code();
      }
    } catch (IOException | UnsupportedOperationException e) {
      err.println("meshsec: sa export-keys: cannot tell who runs this: " + e.getMessage());
      return ExitCode.RUNTIME.code();
    }
    ControlResponse r;
    try {
      r = ControlClient.call(control.socketPath(), new ControlRequest.ExportKeys(format, true));
    } catch (IOException e) {
      err.println("meshsec: " + e.getMessage());
      return ExitCode.CONTROL_UNAVAILABLE.code();
    }
    if (!r.ok()) {
      err.print(r.body());
      return ExitCode.FAILURE.code();
    }
    ExportKeysCommand.View v = r.bodyAs(ExportKeysCommand.View.class);
    WiresharkKeyTables.Lines lines =
        new WiresharkKeyTables.Lines(v.ikev2DecryptionTable(), v.espSa());
    List<Path> files;
    try {
      files = KeyTableFiles.write(dir.toAbsolutePath(), lines, false);
    } catch (IOException e) {
      err.println("meshsec: sa export-keys: " + e.getMessage());
      return ExitCode.RUNTIME.code();
    }
    err.println(
        "meshsec: warning: "
            + dir
            + " now holds secret keys: anyone who reads it can decrypt this node's IKE and ESP"
            + " traffic of these SAs. Delete it when the capture is analysed.");
    var out = spec.commandLine().getOut();
    long ike = v.ikev2DecryptionTable().stream().filter(l -> !l.startsWith("#")).count();
    long esp = v.espSa().stream().filter(l -> !l.startsWith("#")).count();
    out.printf(
        "wrote %d IKE SA and %d ESP SA keys to %s and %s%n", ike, esp, files.get(0), files.get(1));
    v.ikev2DecryptionTable().stream().filter(l -> l.startsWith("#")).forEach(out::println);
    v.espSa().stream().filter(l -> l.startsWith("#")).forEach(out::println);
    out.flush();
    return ExitCode.OK.code();
  }
}
