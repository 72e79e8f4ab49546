package io.ferry.bench.node;

import io.ferry.bench.transport.TransportBench;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The bench's one table: a row per case, MB/s and the ratio to the TLS baseline. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private double reference = Double.NaN;

  void setReference(TransportBench.Baseline tls) {
    this.reference = tls.megabytesPerSecond();
  }

  void note(String note) {
    notes.add(note);
    System.out.println(note);
  }

  /** A socket baseline: its rate, and the CPU its two ends spent per GiB. */
  void baseline(String name, long sizeMiB, TransportBench.Baseline b) {
    add(
        name + ", " + sizeMiB + " MiB",
        String.format(
            Locale.ROOT,
            "%.0f MB/s (CPU %.1f s per GiB, both ends)",
            b.megabytesPerSecond(),
            b.cpuSecondsPerGiB()));
  }

  /** A transfer: its rate, its ratio to the TLS baseline, and the CPU both nodes spent per GiB. */
  void transfer(String name, ProductBench.Timed t) {
    String cpu =
        Double.isNaN(t.cpuSecondsPerGiB())
            ? ""
            : String.format(Locale.ROOT, "; CPU %.1f s per GiB, both nodes", t.cpuSecondsPerGiB());
    add(
        String.format(Locale.ROOT, "%s, %d MiB", name, t.bytes() >> 20),
        reference > 0
            ? String.format(
                Locale.ROOT,
                "%.0f MB/s = %.2fx TLS (%.1f s%s)",
                t.megabytesPerSecond(),
                t.megabytesPerSecond() / reference,
                t.nanos() / 1e9,
                cpu)
            : String.format(
                Locale.ROOT,
                "%.0f MB/s (%.1f s%s; no TLS baseline in this run)",
                t.megabytesPerSecond(),
                t.nanos() / 1e9,
                cpu));
  }

  void row(String name, String result) {
    add(name, result);
  }

  private void add(String name, String result) {
    rows.add(new String[] {name, result});
    System.out.printf("%-62s %s%n", name, result);
  }

  void print() {
    System.out.println();
    System.out.println("| case | result |");
    System.out.println("|---|---|");
    for (String[] r : rows) {
      System.out.println("| " + r[0] + " | " + r[1] + " |");
    }
    notes.forEach(n -> System.out.println("\n" + n));
  }
}
