package org.meshsec.core.config;

import java.util.List;
import org.meshsec.core.config.DataPathConfig.UdpTransportKind;

/** The {@code [datapath]} table. Stateless. */
final class DataPathParser {
  static final List<String> DATAPATH_KEYS = List.of("decrypt_workers", "udp_transport");

  private DataPathParser() {}

  /** Parses {@code [datapath]}: absent means the defaults; null when invalid (reported). */
  static DataPathConfig parse(TomlSection s) {
    if (s == null) {
      return DataPathConfig.DEFAULTS;
    }
    s.checkKeys(DATAPATH_KEYS);
    boolean ok = true;
    int workers = DataPathConfig.DEFAULTS.decryptWorkers();
    if (s.has("decrypt_workers")) {
      Long w = s.integer("decrypt_workers");
      if (w != null && (w < 1 || w > DataPathConfig.MAX_DECRYPT_WORKERS)) {
        s.error(
            "decrypt_workers",
            w + " is out of range 1.." + DataPathConfig.MAX_DECRYPT_WORKERS + " (1: no helpers)");
        w = null;
      }
      ok &= w != null;
      workers = w == null ? workers : w.intValue();
    }
    UdpTransportKind transport = DataPathConfig.DEFAULTS.udpTransport();
    if (s.has("udp_transport")) {
      String t = s.string("udp_transport");
      UdpTransportKind k = null;
      if (t != null) {
        for (UdpTransportKind c : UdpTransportKind.values()) {
          if (c.configName().equals(t)) {
            k = c;
          }
        }
        if (k == null) {
          s.error("udp_transport", "\"" + t + "\" is not one of \"epoll\", \"io_uring\"");
        }
      }
      ok &= k != null;
      transport = k == null ? transport : k;
    }
    return ok ? new DataPathConfig(workers, transport) : null;
  }
}
