package org.meshsec.core.diagnose;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.meshsec.inet.InetText;

/**
 * The underlay probes of a diagnosis, with the system's {@code ping} (iputils): one ICMP echo to
 * the peer, and the path MTU found with Don't Fragment echoes ({@code ping -M do}, RFC 1191 path
 * MTU discovery by hand): the full underlay MTU first, then a binary search below it. A probe that
 * cannot run (no {@code ping}) answers null: "not measured", never a wrong number.
 *
 * <p>Stateless and thread-safe; each call blocks for at most a few seconds.
 */
final class UnderlayProbe {
  private static final Pattern LOCAL_MTU = Pattern.compile("mtu ?= ?(\\d+)");
  private static final int SEARCH_STEPS = 5;

  private UnderlayProbe() {}

  /** Whether {@code peer} answers one echo within a second; null if ping cannot run. */
  static Boolean ping(InetAddress peer) {
    Result r = run(peer, -1);
    return r == null ? null : r.ok;
  }

  /**
   * The largest IP packet with DF that reaches {@code peer} and comes back, at most {@code
   * underlayMtu}; null if not even the minimum MTU does or ping cannot run.
   */
  static Integer pathMtu(InetAddress peer, int underlayMtu) {
    int header = peer instanceof Inet4Address ? 28 : 48; // IP + ICMP headers
    int min = peer instanceof Inet4Address ? 576 : 1280;
    Result full = run(peer, underlayMtu - header);
    if (full == null) {
      return null;
    }
    if (full.ok) {
      return underlayMtu;
    }
    int hi = underlayMtu - 1;
    if (full.localMtu > 0 && full.localMtu < underlayMtu) {
      hi = full.localMtu; // our own route or interface is smaller: search from there
    }
    int lo = min;
    Result base = run(peer, lo - header);
    if (base == null || !base.ok) {
      return null;
    }
    for (int i = 0; i < SEARCH_STEPS && lo < hi; i++) {
      int mid = (lo + hi + 1) / 2;
      Result r = run(peer, mid - header);
      if (r != null && r.ok) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  private record Result(boolean ok, int localMtu) {}

  /** One echo of {@code payload} bytes with DF ({@code payload} < 0: a plain echo). */
  private static Result run(InetAddress peer, int payload) {
    List<String> cmd = new ArrayList<>(List.of("ping", "-n", "-c", "1", "-W", "1"));
    if (payload >= 0) {
      cmd.addAll(List.of("-M", "do", "-s", Integer.toString(payload)));
    }
    cmd.add(InetText.format(peer));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      if (!p.waitFor(3, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(false, -1);
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      Matcher m = LOCAL_MTU.matcher(out);
      return new Result(p.exitValue() == 0, m.find() ? Integer.parseInt(m.group(1)) : -1);
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
