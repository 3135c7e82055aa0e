package org.meshsec.lab.tools;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The traffic tools by CLI name ({@code meshsec tool NAME ARGS...}). Immutable, thread-safe. */
public final class Tools {
  private static final Map<String, Tool> ALL;
  private static final Map<String, String> USAGES;

  static {
    Map<String, Tool> m = new LinkedHashMap<>();
    Map<String, String> u = new LinkedHashMap<>();
    m.put("ping", Ping::run);
    u.put("ping", Ping.USAGE);
    m.put("tcp-sink", TcpSink::run);
    u.put("tcp-sink", TcpSink.USAGE);
    m.put("tcp-send", TcpSend::run);
    u.put("tcp-send", TcpSend.USAGE);
    m.put("udp-echo", UdpEcho::run);
    u.put("udp-echo", UdpEcho.USAGE);
    m.put("udp-sweep", UdpSweep::run);
    u.put("udp-sweep", UdpSweep.USAGE);
    m.put("capture", Capture::run);
    u.put("capture", Capture.USAGE);
    ALL = java.util.Collections.unmodifiableMap(m);
    USAGES = java.util.Collections.unmodifiableMap(u);
  }

  private Tools() {}

  /** Every tool, by name, in a stable order. */
  public static Map<String, Tool> all() {
    return ALL;
  }

  /** One-line usage of every tool, by name. */
  public static Map<String, String> usages() {
    return USAGES;
  }

  public static Optional<Tool> byName(String name) {
    return Optional.ofNullable(ALL.get(name));
  }
}
