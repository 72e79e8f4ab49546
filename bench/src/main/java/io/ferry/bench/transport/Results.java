package io.ferry.bench.transport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;

/**
 * The timed runs of a {@link TransportBench}, case by case in the order the cases first ran, and
 * the tables printed from them: medians, CPU per GB and the ratios to the baselines.
 */
final class Results {
  static final String TLS = "JDK TLS 1.3 socket + SHA-256 (baseline)";
  static final String PLAIN = "JDK plain socket + SHA-256 (baseline)";

  /**
   * One measured run: bytes moved, wall time and CPU time of both processes; for Ferry's pulls also
   * the time both JVMs spent compiling (JIT) and in GC pauses during it (-1 where not measured).
   */
  record Run(long bytes, long nanos, long cpuNanos, long jitMillis, long gcMillis) {
    Run(long bytes, long nanos, long cpuNanos) {
      this(bytes, nanos, cpuNanos, -1, -1);
    }

    double mbPerS() {
      return bytes / (nanos / 1e3);
    }
  }

  private final Map<String, List<Run>> runs = new LinkedHashMap<>();

  /** Records {@code run} as one more run of case {@code name}, and prints it on a line. */
  void add(String name, Run run) {
    runs.computeIfAbsent(name, k -> new ArrayList<>()).add(run);
    System.out.printf(
        "  %-45s %7.0f MB/s  cpu %5.2f s%s%n",
        name,
        run.mbPerS(),
        run.cpuNanos() / 1e9,
        run.jitMillis() < 0
            ? ""
            : String.format(
                "  (JIT %.2f s, GC pauses %.2f s)", run.jitMillis() / 1e3, run.gcMillis() / 1e3));
  }

  /** The same cases over the second half of their runs only (the steady state). */
  Results secondHalf() {
    Results late = new Results();
    runs.forEach((k, v) -> late.runs.put(k, v.subList(v.size() / 2, v.size())));
    return late;
  }

  /**
   * Prints the table. Ratios come two ways: median over median, and the median of each round's
   * ratio to the baseline measured in the same round, seconds earlier (on a shared machine the load
   * changes between rounds more than within one).
   */
  void printTable() {
    List<Run> tls = runs.getOrDefault(TLS, List.of());
    List<Run> plain = runs.getOrDefault(PLAIN, List.of());
    System.out.println();
    System.out.println(
        "| case | MB/s (median) | min–max | CPU s per GB (both processes) | × TLS baseline"
            + " (medians) | × TLS baseline (median of rounds) | × plain baseline (medians) |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
      List<Run> rs = e.getValue();
      double mb = median(rs);
      double min = rs.stream().mapToDouble(Run::mbPerS).min().orElse(0);
      double max = rs.stream().mapToDouble(Run::mbPerS).max().orElse(0);
      double cpuPerGb =
          middle(rs.stream().mapToDouble(r -> r.cpuNanos() / 1e9 / (r.bytes() / 1e9)));
      double perRound =
          tls.size() == rs.size()
              ? middle(
                  IntStream.range(0, rs.size())
                      .mapToDouble(i -> rs.get(i).mbPerS() / tls.get(i).mbPerS()))
              : Double.NaN;
      System.out.printf(
          "| %s | %.0f | %.0f–%.0f | %.2f | %s | %s | %s |%n",
          e.getKey(),
          mb,
          min,
          max,
          cpuPerGb,
          ratio(mb / median(tls)),
          ratio(perRound),
          ratio(mb / median(plain)));
    }
  }

  /** A ratio to two places, or a dash where its baseline did not run. */
  private static String ratio(double r) {
    return Double.isNaN(r) ? "—" : String.format("%.2f", r);
  }

  private static double middle(DoubleStream values) {
    double[] v = values.sorted().toArray();
    return v.length == 0 ? Double.NaN : v[v.length / 2];
  }

  private static double median(List<Run> runs) {
    return middle(runs.stream().mapToDouble(Run::mbPerS));
  }
}
