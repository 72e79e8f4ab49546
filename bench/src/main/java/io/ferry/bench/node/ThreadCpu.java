package io.ferry.bench.node;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The CPU each thread of a process used, read from {@code /proc/PID/task/TID/stat} (user and system
 * time, in the kernel's ticks of 10 ms), and the difference between two readings grouped by what
 * the threads do. The kernel keeps only the first 15 characters of a thread's name, so Pekko's
 * dispatchers ({@code ferry-pekko.actor.default-dispatcher-N}, {@code ...internal-dispatcher-N},
 * {@code ferry-pekko.persistence...}) read alike and count as one group. A thread that ended
 * between the readings is not counted; one that started counts from 0.
 */
final class ThreadCpu {
  /** The kernel's clock ticks per second ({@code getconf CLK_TCK}: 100 on Linux x86-64). */
  private static final double TICK_SECONDS = 0.01;

  private record Task(String name, long ticks) {}

  private final Map<Long, Task> threads;

  private ThreadCpu(Map<Long, Task> threads) {
    this.threads = threads;
  }

  /** Reads every thread of process {@code pid} now; empty if it has gone. */
  static ThreadCpu read(long pid) {
    Map<Long, Task> threads = new HashMap<>();
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Path.of("/proc", "" + pid, "task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          // "tid (name) state ppid ...": the name may hold spaces and parentheses; the fields
          // after its last ')' are fixed, utime and stime the 12th and 13th of them.
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          String[] f = stat.substring(close + 2).split(" ");
          long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
          threads.put(
              Long.parseLong(task.getFileName().toString()),
              new Task(stat.substring(open + 1, close), ticks));
        } catch (IOException | RuntimeException e) {
          // the thread ended while it was read
        }
      }
    } catch (IOException e) {
      // the process has gone
    }
    return new ThreadCpu(threads);
  }

  /**
   * The CPU seconds used since {@code before}, per group of threads, largest first: the JIT's
   * compilers, the garbage collector, Pekko's dispatchers, and each of Ferry's own pools by name.
   */
  Map<String, Double> since(ThreadCpu before) {
    Map<String, Long> ticks = new TreeMap<>();
    threads.forEach(
        (tid, t) -> {
          Task b = before.threads.get(tid);
          long used = t.ticks() - (b == null ? 0 : b.ticks());
          if (used > 0) {
            ticks.merge(group(t.name()), used, Long::sum);
          }
        });
    return ticks.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .collect(
            Collectors.toMap(
                Map.Entry::getKey,
                e -> e.getValue() * TICK_SECONDS,
                (a, b) -> a,
                LinkedHashMap::new));
  }

  /** A thread's group from its (truncated) name. */
  static String group(String name) {
    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
      return "JIT (" + name.substring(0, 2) + ")";
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
      return "GC";
    }
    if (name.startsWith("ferry-pekko.")) {
      return "Pekko dispatchers";
    }
    // "ferry-hash-1", "ferry-scheduler-1": the pool, not the thread
    return name.replaceAll("[-#]?\\d+$", "");
  }

  /** One line: total, then each group's seconds. */
  static String format(Map<String, Double> groups) {
    double total = groups.values().stream().mapToDouble(Double::doubleValue).sum();
    List<String> parts =
        groups.entrySet().stream()
            .filter(e -> e.getValue() >= 0.05)
            .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue()))
            .toList();
    return String.format(Locale.ROOT, "%.2f s: ", total) + String.join(", ", parts);
  }
}
