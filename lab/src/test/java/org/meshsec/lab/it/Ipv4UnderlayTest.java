package org.meshsec.lab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.meshsec.lab.netns.Jvm;
import org.meshsec.tun.exec.ExecResult;

/**
 * {@link TrafficTestBase} over the IPv4 underlay (192.0.2.1 - 192.0.2.2): transport mode with IPv4
 * overlay addresses, IPv4-in-IPv4 and IPv6-in-IPv4 tunnels. The 50 MB transfer runs through the
 * IPv4 subnet tunnel. Also the smoke test of the CLI's {@code sa list} and {@code stats} output.
 */
class Ipv4UnderlayTest extends TrafficTestBase {
  @Override
  boolean v6Underlay() {
    return false;
  }

  @Override
  String tcpSize(String pair) {
    return pair.equals("lan4") ? "50M" : "8M";
  }

  @Override
  int expectedMtu() {
    return 1438; // AES-GCM tunnel over IPv4, 1500-byte underlay
  }

  /**
   * The CLI's text output through the control socket: {@code meshsec sa list} (a header, one row
   * and one selector line per SA) and {@code meshsec stats} (one counter per line).
   */
  @Test
  void cliSaListAndStatsFormat() throws Exception {
    ExecResult sa = cli("sa", "list");
    List<String> lines = sa.stdout().lines().toList();
    assertTrue(
        lines
            .get(0)
            .matches(
                "dir\\s+spi\\s+state\\s+peer\\s+mode\\s+suite\\s+bytes\\s+packets"
                    + "\\s+replay\\s+icv\\s+age"),
        sa.stdout());
    Pattern row =
        Pattern.compile(
            "(in|out) +0x[0-9a-f]{8} MATURE +192\\.0\\.2\\.2:4500 +(tunnel|transport) +aes128gcm16"
                + " +\\d+ +\\d+ +\\d+ +\\d+ +\\d+s");
    Pattern selector =
        Pattern.compile(
            "    [0-9a-f.:]+/\\d+ -> [0-9a-f.:]+/\\d+  policy [\\w.-]+(, peer [\\w.-]+)?");
    assertEquals(1 + 2 * 6, lines.size(), "three pairs of SAs: " + sa.stdout());
    for (int i = 1; i < lines.size(); i += 2) {
      assertTrue(row.matcher(lines.get(i)).matches(), "row: " + lines.get(i));
      assertTrue(selector.matcher(lines.get(i + 1)).matches(), "selector: " + lines.get(i + 1));
    }
    assertTrue(sa.stdout().contains("10.9.0.2/32 -> 10.9.0.1/32"), sa.stdout());

    ExecResult stats = cli("stats");
    Map<String, Long> counters = new java.util.LinkedHashMap<>();
    Pattern peerLine =
        Pattern.compile(
            "peer [\\w.:-]+ +\\d+ bytes / \\d+ packets in, \\d+ bytes / \\d+ packets out");
    int peers = 0;
    for (String l : stats.stdout().lines().toList()) {
      if (l.startsWith("peer ")) {
        assertTrue(peerLine.matcher(l).matches(), "peer line: " + l);
        peers++;
        continue;
      }
      Matcher m = Pattern.compile("(\\w+) +(\\d+)").matcher(l);
      assertTrue(m.matches(), "stats line: " + l);
      counters.put(m.group(1), Long.parseLong(m.group(2)));
    }
    assertEquals(1, peers, "one peer's totals: " + stats.stdout());
    for (String c :
        List.of("XfrmInNoStates", "XfrmInStateSeqError", "XfrmOutPolBlock", "TunRxPackets")) {
      assertTrue(counters.containsKey(c), c + " missing: " + stats.stdout());
    }
    // The text and the JSON form report the same counters.
    var json = new java.util.LinkedHashSet<>(a.stats().keySet());
    assertTrue(json.remove("peers"), "the JSON form has the peers' totals too");
    assertEquals(counters.keySet(), json);
  }

  private ExecResult cli(String... command) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of(command));
    args.addAll(List.of("--socket", a.socket.toString()));
    ExecResult r =
        lab.a()
            .execAllowingFailure(
                Lab.TOOL_TIMEOUT, Jvm.tool(Jvm.DAEMON_MAIN, args.toArray(String[]::new)));
    assertEquals(0, r.exitCode(), "meshsec " + args + ": " + r.stdout() + r.stderr());
    return r;
  }
}
