package org.meshsec.lab.it;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The TOML configuration of one node (format: docs/configuration.md), built up by a test. Policies
 * and SAs are appended as TOML text; {@link Lab#protect} adds mirrored pairs to two nodes. Not
 * thread-safe.
 */
final class NodeConf {
  final String name;
  final List<String> address = new ArrayList<>();
  final List<String> tunAddresses = new ArrayList<>();
  final List<String> routes = new ArrayList<>();
  private final List<String> blocks = new ArrayList<>();
  private final List<String> tunLines = new ArrayList<>();
  private String tunName = "ms0";

  NodeConf(String name) {
    this.name = name;
  }

  /**
   * Node a of the usual dual-stack overlay: underlay {@link Lab#A4}, TUN 10.9.0.1/24 and
   * fd00:9::1/64, routes to {@link #overlayB()}'s prefixes.
   */
  static NodeConf overlayA() {
    return new NodeConf("a")
        .address(Lab.A4)
        .tunAddress("10.9.0.1/24", "fd00:9::1/64")
        .route("10.9.1.0/24", "fd00:9:1::/64");
  }

  /** Node b of the usual dual-stack overlay, the mirror of {@link #overlayA()}. */
  static NodeConf overlayB() {
    return new NodeConf("b")
        .address(Lab.B4)
        .tunAddress("10.9.1.1/24", "fd00:9:1::1/64")
        .route("10.9.0.0/24", "fd00:9::/64");
  }

  NodeConf address(String... a) {
    address.addAll(List.of(a));
    return this;
  }

  NodeConf tunAddress(String... a) {
    tunAddresses.addAll(List.of(a));
    return this;
  }

  NodeConf route(String... r) {
    routes.addAll(List.of(r));
    return this;
  }

  NodeConf tunName(String n) {
    tunName = n;
    return this;
  }

  /** Adds a raw line to the {@code [tun]} table, e.g. {@code offload = false}. */
  NodeConf tunLine(String line) {
    tunLines.add(line);
    return this;
  }

  /** Appends raw TOML ({@code [[policy]]} or {@code [[sa]]} tables). */
  NodeConf raw(String toml) {
    blocks.add(toml.strip());
    return this;
  }

  /** A copy with the same content (to derive a reloaded configuration from). */
  NodeConf copy() {
    NodeConf c = new NodeConf(name);
    c.address.addAll(address);
    c.tunAddresses.addAll(tunAddresses);
    c.routes.addAll(routes);
    c.blocks.addAll(blocks);
    c.tunLines.addAll(tunLines);
    c.tunName = tunName;
    return c;
  }

  String toml() {
    StringBuilder sb = new StringBuilder();
    sb.append("[node]\n");
    sb.append("name = \"").append(name).append("\"\n");
    sb.append("secrets = \"secrets.toml\"\n");
    if (!address.isEmpty()) {
      sb.append("address = ").append(list(address)).append('\n');
    }
    sb.append("\n[tun]\n");
    sb.append("name = \"").append(tunName).append("\"\n");
    sb.append("addresses = ").append(list(tunAddresses)).append('\n');
    sb.append("routes = ").append(list(routes)).append('\n');
    for (String l : tunLines) {
      sb.append(l).append('\n');
    }
    for (String b : blocks) {
      sb.append('\n').append(b).append('\n');
    }
    return sb.toString();
  }

  private static String list(List<String> xs) {
    return xs.stream().map(x -> "\"" + x + "\"").collect(Collectors.joining(", ", "[", "]"));
  }
}
