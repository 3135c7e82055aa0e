package org.meshsec.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.meshsec.core.spd.Direction;
import org.meshsec.core.spd.Policy;

/**
 * What a reload changes: policies (identified by name and direction) and manual SAs (identified by
 * name) that were added, removed, or kept with a different content. Policy ids are ignored; SA keys
 * are compared in constant time. Entries that did not change are not listed, so a reload can leave
 * their SAs alone.
 *
 * <p>An SA whose own fields are unchanged is not listed even if the policy it serves changed; the
 * caller decides whether a changed policy invalidates its SAs. Changes to {@code [node]}, {@code
 * [tun]} and {@code [listen]} are reported as flags.
 *
 * @param policiesAdded in the new config only
 * @param policiesRemoved in the old config only
 * @param policiesChanged in both with different contents
 * @param sasAdded in the new config only
 * @param sasRemoved in the old config only
 * @param sasChanged in both with different contents (including a different key or SPI)
 * @param nodeChanged whether {@code [node]} differs
 * @param tunChanged whether {@code [tun]} differs (including a recomputed MTU)
 * @param listenChanged whether {@code [listen]} differs
 * @param peersChanged whether the {@code [[peer]]} tables differ (including the policies they
 *     serve)
 */
public record ConfigDiff(
    List<Policy> policiesAdded,
    List<Policy> policiesRemoved,
    List<Change<Policy>> policiesChanged,
    List<ManualSa> sasAdded,
    List<ManualSa> sasRemoved,
    List<Change<ManualSa>> sasChanged,
    boolean nodeChanged,
    boolean tunChanged,
    boolean listenChanged,
    boolean peersChanged) {

  /** One entry present in both configurations with different contents. */
  public record Change<T>(T before, T after) {}

  public ConfigDiff {
    policiesAdded = List.copyOf(policiesAdded);
    policiesRemoved = List.copyOf(policiesRemoved);
    policiesChanged = List.copyOf(policiesChanged);
    sasAdded = List.copyOf(sasAdded);
    sasRemoved = List.copyOf(sasRemoved);
    sasChanged = List.copyOf(sasChanged);
  }

  /** Whether the two configurations are equivalent. */
  public boolean isEmpty() {
    return policiesAdded.isEmpty()
        && policiesRemoved.isEmpty()
        && policiesChanged.isEmpty()
        && sasAdded.isEmpty()
        && sasRemoved.isEmpty()
        && sasChanged.isEmpty()
        && !nodeChanged
        && !tunChanged
        && !listenChanged
        && !peersChanged;
  }

  /** Compares two loaded configurations; lists keep the order of the config that holds them. */
  public static ConfigDiff diff(NodeConfig before, NodeConfig after) {
    Map<PolicyKey, Policy> oldPolicies = new LinkedHashMap<>();
    for (Policy p : before.policies()) {
      oldPolicies.put(new PolicyKey(p.name(), p.direction()), p);
    }
    Map<PolicyKey, Policy> newPolicies = new LinkedHashMap<>();
    for (Policy p : after.policies()) {
      newPolicies.put(new PolicyKey(p.name(), p.direction()), p);
    }
    List<Policy> pAdded = new ArrayList<>();
    List<Change<Policy>> pChanged = new ArrayList<>();
    for (Map.Entry<PolicyKey, Policy> e : newPolicies.entrySet()) {
      Policy old = oldPolicies.get(e.getKey());
      if (old == null) {
        pAdded.add(e.getValue());
      } else if (!sameContent(old, e.getValue())) {
        pChanged.add(new Change<>(old, e.getValue()));
      }
    }
    List<Policy> pRemoved = new ArrayList<>();
    for (Map.Entry<PolicyKey, Policy> e : oldPolicies.entrySet()) {
      if (!newPolicies.containsKey(e.getKey())) {
        pRemoved.add(e.getValue());
      }
    }

    Map<String, ManualSa> oldSas = new LinkedHashMap<>();
    for (ManualSa s : before.sas()) {
      oldSas.put(s.name(), s);
    }
    Map<String, ManualSa> newSas = new LinkedHashMap<>();
    for (ManualSa s : after.sas()) {
      newSas.put(s.name(), s);
    }
    List<ManualSa> sAdded = new ArrayList<>();
    List<Change<ManualSa>> sChanged = new ArrayList<>();
    for (ManualSa s : after.sas()) {
      ManualSa old = oldSas.get(s.name());
      if (old == null) {
        sAdded.add(s);
      } else if (!old.equals(s)) { // includes a constant-time key comparison
        sChanged.add(new Change<>(old, s));
      }
    }
    List<ManualSa> sRemoved = new ArrayList<>();
    for (ManualSa s : before.sas()) {
      if (!newSas.containsKey(s.name())) {
        sRemoved.add(s);
      }
    }
    return new ConfigDiff(
        pAdded,
        pRemoved,
        pChanged,
        sAdded,
        sRemoved,
        sChanged,
        !before.node().equals(after.node()),
        !before.tun().equals(after.tun()),
        !before.listen().equals(after.listen()),
        !before.peers().equals(after.peers()));
  }

  private record PolicyKey(String name, Direction direction) {}

  /** Equality of everything but the SPD-assigned id. */
  private static boolean sameContent(Policy a, Policy b) {
    return a.priority() == b.priority()
        && a.direction() == b.direction()
        && a.name().equals(b.name())
        && a.selector().equals(b.selector())
        && a.action() == b.action()
        && Objects.equals(a.template(), b.template());
  }
}
