package io.ferry.server.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A small metrics registry that writes Prometheus' text exposition format (version 0.0.4). Counters
 * and gauges with fixed label names; gauges may also be computed at scrape time. Enough for a node,
 * without a metrics library on the classpath.
 */
public final class MetricRegistry {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final Map<String, Family> families = new ConcurrentSkipListMap<>();

  /** A set of time series with one name, one help text and the same label names. */
  private sealed interface Family permits Metric, ComputedGauge, Histogram {
    String name();

    String help();

    String type();

    void writeSamples(StringBuilder out);
  }

  /** A counter or gauge whose values are held here, one per combination of label values. */
  public static final class Metric implements Family {
    private final String name;
    private final String help;
    private final String type;
    private final List<String> labelNames;
    private final Map<List<String>, DoubleAdder> series = new ConcurrentHashMap<>();

    private Metric(String name, String help, String type, List<String> labelNames) {
      this.name = name;
      this.help = help;
      this.type = type;
      this.labelNames = labelNames;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String help() {
      return help;
    }

    @Override
    public String type() {
      return type;
    }

    private DoubleAdder series(String... labelValues) {
      if (labelValues.length != labelNames.size()) {
        throw new IllegalArgumentException(
            name + " has labels " + labelNames + ", given " + Arrays.toString(labelValues));
      }
      return series.computeIfAbsent(List.of(labelValues), k -> new DoubleAdder());
    }

    /** Adds {@code amount} (a counter only grows: a negative amount is refused). */
    public void add(double amount, String... labelValues) {
      if (type.equals("counter") && amount < 0) {
        throw new IllegalArgumentException(name + " is a counter and cannot decrease by " + amount);
      }
      series(labelValues).add(amount);
    }

    /** Adds one. */
    public void inc(String... labelValues) {
      add(1, labelValues);
    }

    /** Sets a gauge. */
    public void set(double value, String... labelValues) {
      if (!type.equals("gauge")) {
        throw new IllegalStateException(name + " is a " + type + ", only gauges can be set");
      }
      DoubleAdder a = series(labelValues);
      synchronized (a) {
        a.reset();
        a.add(value);
      }
    }

    /** The current value of one series (0 when it was never touched). */
    public double value(String... labelValues) {
      DoubleAdder a = series.get(List.of(labelValues));
      return a == null ? 0 : a.sum();
    }

    @Override
    public void writeSamples(StringBuilder out) {
      series.entrySet().stream()
          .sorted(
              Map.Entry.comparingByKey(
                  (a, b) -> String.join("\0", a).compareTo(String.join("\0", b))))
          .forEach(e -> sample(out, name, labelNames, e.getKey(), e.getValue().sum()));
    }
  }

  /**
   * A histogram without labels: cumulative {@code _bucket{le="..."}} counts, {@code _sum} and
   * {@code _count}, as Prometheus' {@code histogram_quantile} reads them.
   */
  public static final class Histogram implements Family {
    private final String name;
    private final String help;
    private final double[] bounds;
    private final long[] counts;
    private double sum;
    private long count;

    private Histogram(String name, String help, double[] bounds) {
      this.name = name;
      this.help = help;
      this.bounds = bounds.clone();
      this.counts = new long[bounds.length];
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String help() {
      return help;
    }

    @Override
    public String type() {
      return "histogram";
    }

    /** Records one observation. */
    public synchronized void observe(double value) {
      for (int i = 0; i < bounds.length; i++) {
        if (value <= bounds[i]) {
          counts[i]++;
        }
      }
      sum += value;
      count++;
    }

    /** How many observations were recorded. */
    public synchronized long count() {
      return count;
    }

    @Override
    public synchronized void writeSamples(StringBuilder out) {
      for (int i = 0; i < bounds.length; i++) {
        sample(out, name + "_bucket", List.of("le"), List.of(format(bounds[i])), counts[i]);
      }
      sample(out, name + "_bucket", List.of("le"), List.of("+Inf"), count);
      sample(out, name + "_sum", List.of(), List.of(), sum);
      sample(out, name + "_count", List.of(), List.of(), count);
    }
  }

  /** One sample of a computed gauge: label values (in the gauge's label order) and the value. */
  public record Sample(List<String> labelValues, double value) {}

  private record ComputedGauge(
      String name,
      String help,
      List<String> labelNames,
      Supplier<List<Sample>> samples,
      String type)
      implements Family {

    @Override
    public void writeSamples(StringBuilder out) {
      for (Sample s : samples.get()) {
        sample(out, name, labelNames, s.labelValues(), s.value());
      }
    }
  }

  /** Registers a counter. Prometheus convention: the name ends in {@code _total}. */
  public Metric counter(String name, String help, String... labelNames) {
    return register(new Metric(name, help, "counter", checkLabels(labelNames)));
  }

  /** Registers a gauge whose values are set or added to. */
  public Metric gauge(String name, String help, String... labelNames) {
    return register(new Metric(name, help, "gauge", checkLabels(labelNames)));
  }

  /** Registers a histogram with these upper bounds (ascending; {@code +Inf} is implied). */
  public Histogram histogram(String name, String help, double... bounds) {
    return register(new Histogram(name, help, bounds));
  }

  /** Registers a counter computed at every scrape (it must only grow). */
  public void computedCounter(String name, String help, Supplier<List<Sample>> samples) {
    register(new ComputedGauge(name, help, List.of(), samples, "counter"));
  }

  /** Registers a gauge computed at every scrape. */
  public void computedGauge(
      String name, String help, Supplier<List<Sample>> samples, String... labelNames) {
    register(new ComputedGauge(name, help, checkLabels(labelNames), samples, "gauge"));
  }

  private <F extends Family> F register(F family) {
    if (!NAME.matcher(family.name()).matches()) {
      throw new IllegalArgumentException("not a Prometheus metric name: '" + family.name() + "'");
    }
    if (families.putIfAbsent(family.name(), family) != null) {
      throw new IllegalArgumentException("metric '" + family.name() + "' is already registered");
    }
    return family;
  }

  private static List<String> checkLabels(String... labelNames) {
    for (String l : labelNames) {
      if (!LABEL.matcher(l).matches() || l.startsWith("__")) {
        throw new IllegalArgumentException("not a Prometheus label name: '" + l + "'");
      }
    }
    return List.of(labelNames);
  }

  /** Every metric in the text exposition format, sorted by name. */
  public String scrape() {
    StringBuilder out = new StringBuilder(4096);
    for (Family f : new ArrayList<>(families.values())) {
      out.append("# HELP ").append(f.name()).append(' ').append(escapeHelp(f.help())).append('\n');
      out.append("# TYPE ").append(f.name()).append(' ').append(f.type()).append('\n');
      f.writeSamples(out);
    }
    return out.toString();
  }

  private static void sample(
      StringBuilder out, String name, List<String> labelNames, List<String> values, double value) {
    out.append(name);
    if (!labelNames.isEmpty()) {
      out.append('{');
      for (int i = 0; i < labelNames.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append(labelNames.get(i)).append("=\"").append(escapeLabel(values.get(i))).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(format(value)).append('\n');
  }

  private static String format(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  private static String escapeHelp(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }

  private static String escapeLabel(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
