package org.meshsec.core.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One metric family being collected for one scrape: values keyed by their label values (a value
 * added twice under the same labels is summed), turned into the client library's counter or gauge
 * snapshot. Not thread-safe: one instance per collection.
 */
final class Family {
  private final String name;
  private final String help;
  private final boolean counter;
  private final String[] labelNames;
  private final Map<List<String>, Double> values = new LinkedHashMap<>();

  private Family(String name, String help, boolean counter, String... labelNames) {
    this.name = name;
    this.help = help;
    this.counter = counter;
    this.labelNames = labelNames;
  }

  /** A counter family; {@code name} without the {@code _total} suffix. */
  static Family counter(String name, String help, String... labelNames) {
    return new Family(name, help, true, labelNames);
  }

  static Family gauge(String name, String help, String... labelNames) {
    return new Family(name, help, false, labelNames);
  }

  /** Adds {@code value} to the data point with these label values (one per label name). */
  Family add(double value, String... labelValues) {
    if (labelValues.length != labelNames.length) {
      throw new IllegalArgumentException(name + ": " + labelNames.length + " label values needed");
    }
    values.merge(List.of(labelValues), value, Double::sum);
    return this;
  }

  /** Sets the data point with these label values. */
  Family set(double value, String... labelValues) {
    values.remove(List.of(labelValues));
    return add(value, labelValues);
  }

  MetricSnapshot snapshot() {
    if (counter) {
      CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
      values.forEach(
          (l, v) ->
              b.dataPoint(CounterDataPointSnapshot.builder().labels(labels(l)).value(v).build()));
      return b.build();
    }
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    values.forEach(
        (l, v) -> b.dataPoint(GaugeDataPointSnapshot.builder().labels(labels(l)).value(v).build()));
    return b.build();
  }

  private Labels labels(List<String> labelValues) {
    return Labels.of(labelNames, labelValues.toArray(new String[0]));
  }
}
