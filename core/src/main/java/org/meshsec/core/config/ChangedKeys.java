package org.meshsec.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The keys of a single table ({@code [node]}, {@code [tun]}, {@code [listen]}, {@code [metrics]},
 * {@code [routing]}, {@code [datapath]}) whose values differ between two configurations, in the
 * file's spelling, for messages such as "[tun] mtu, routes". Stateless.
 */
final class ChangedKeys {
  private ChangedKeys() {}

  /** One key of a table and how to read its value from the table's record. */
  private record Key<T>(String name, Function<T, Object> value) {}

  /**
   * "[table] key, key" for the keys that differ, or "[table]" when the tables differ in something
   * no key below names (a key added later); null when they are equal.
   */
  static <T> String describe(String table, T before, T after, List<Key<T>> keys) {
    if (before.equals(after)) {
      return null;
    }
    List<String> changed = new ArrayList<>();
    for (Key<T> k : keys) {
      if (!Objects.equals(k.value().apply(before), k.value().apply(after))) {
        changed.add(k.name());
      }
    }
    return changed.isEmpty() ? table : table + " " + String.join(", ", changed);
  }

  static String node(NodeSettings a, NodeSettings b) {
    return describe(
        "[node]",
        a,
        b,
        List.of(
            new Key<>("name", NodeSettings::name),
            new Key<>("log_level", NodeSettings::logLevel),
            new Key<>("secrets", NodeSettings::secretsFile),
            new Key<>("address", NodeSettings::addresses),
            new Key<>("key_log", NodeSettings::keyLog)));
  }

  static String tun(TunConfig a, TunConfig b) {
    return describe(
        "[tun]",
        a,
        b,
        List.of(
            new Key<>("name", TunConfig::name),
            new Key<>("mtu", t -> t.mtu() + "/" + t.mtuConfigured()),
            new Key<>("underlay_mtu", TunConfig::underlayMtu),
            new Key<>("addresses", TunConfig::addresses),
            new Key<>("routes", TunConfig::routes),
            new Key<>("mss_clamp", TunConfig::mssClamp),
            new Key<>("offload", TunConfig::offload),
            new Key<>("queues", TunConfig::queues)));
  }

  static String listen(ListenConfig a, ListenConfig b) {
    return describe(
        "[listen]",
        a,
        b,
        List.of(
            new Key<>("address", ListenConfig::addresses),
            new Key<>("port", ListenConfig::port),
            new Key<>("ike_port", ListenConfig::ikePort),
            new Key<>("half_open_per_source", ListenConfig::halfOpenPerSource)));
  }

  static String datapath(DataPathConfig a, DataPathConfig b) {
    return describe(
        "[datapath]",
        a,
        b,
        List.of(
            new Key<>("decrypt_workers", DataPathConfig::decryptWorkers),
            new Key<>("udp_transport", DataPathConfig::udpTransport)));
  }

  static String metrics(MetricsConfig a, MetricsConfig b) {
    return describe("[metrics]", a, b, List.of(new Key<>("listen", MetricsConfig::listen)));
  }

  static String routing(RoutingConfig a, RoutingConfig b) {
    return describe(
        "[routing]",
        a,
        b,
        List.of(
            new Key<>("table", RoutingConfig::table),
            new Key<>("priority", RoutingConfig::priority)));
  }
}
