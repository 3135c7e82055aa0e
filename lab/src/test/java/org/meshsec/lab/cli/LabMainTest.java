package org.meshsec.lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The {@code meshsec-lab} command line, without namespaces or root. */
class LabMainTest {
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = LabMain.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void helpListsDemoAndTool() {
    Run r = run("--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("  demo"), r.out());
    assertTrue(r.out().contains("  tool"), r.out());
  }

  @Test
  void toolHelpListsEveryTool() {
    Run r = run("tool", "--help");
    assertEquals(0, r.code(), r.err());
    for (String t :
        new String[] {
          "ping", "tcp-sink", "tcp-send", "udp-echo", "udp-sweep", "capture", "chaos-relay"
        }) {
      assertTrue(r.out().contains("  " + t), "missing " + t + " in\n" + r.out());
    }
  }

  @Test
  void toolUsageErrorPrintsTheToolSynopsis() {
    Run r = run("tool", "tcp-send", "127.0.0.1", "5001");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("usage: tcp-send HOST PORT BYTES"), r.err());
    r = run("tool", "ping", "192.0.2.1", "-c", "0");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("ping: -c must be in [1, 65535]: 0"), r.err());
  }

  @Test
  void everyToolOptionHasADescription() {
    Run r = run("tool", "capture", "--help");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("--marker=TEXT"), r.out());
    assertTrue(r.out().contains("Count packets containing TEXT"), r.out());
  }

  @Test
  void toolWithoutNameListsTheTools() {
    Run r = run("tool");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("  " + org.meshsec.lab.tools.UdpSweep.USAGE), r.err());
  }

  @Test
  void withoutSubcommandIsUsage() {
    Run r = run();
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Usage: meshsec-lab"), r.err());
  }
}
