package io.ferry.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Shows a transfer's progress: on a terminal, one line redrawn in place with a bar (when the total
 * is known), bytes, rate and ETA; elsewhere (a pipe, a log file, CI), plain lines at most every few
 * seconds and on every status change.
 */
public final class ProgressBar {
  private static final int WIDTH = 30;
  private static final long PLAIN_INTERVAL_MS = 5_000;
  private static final long RATE_WINDOW_MS = 5_000;

  private record Sample(long atMillis, long bytes) {}

  private final PrintWriter out;
  private final boolean terminal;
  private final Clock clock;
  private final String label;
  private final Deque<Sample> samples = new ArrayDeque<>();
  private String lastStatus = "";
  private long lastPlainAt = Long.MIN_VALUE;
  private int lastWidth;

  /**
   * @param out where to draw (the CLI uses stderr, so stdout stays for results)
   * @param terminal whether {@code out} is a terminal (redraw in place) or not (plain lines)
   * @param clock the rate's clock
   * @param label what every line starts with, e.g. {@code pull …12345678} (a short channel ID)
   */
  public ProgressBar(PrintWriter out, boolean terminal, Clock clock, String label) {
    this.out = out;
    this.terminal = terminal;
    this.clock = clock;
    this.label = label;
  }

  /** Whether this process writes to a terminal. */
  public static boolean onTerminal() {
    return System.console() != null;
  }

  /** Shows that {@code bytes} of {@code total} (0 when unknown) have moved, in {@code status}. */
  public void update(long bytes, long total, String status) {
    long now = clock.millis();
    samples.addLast(new Sample(now, bytes));
    while (samples.size() > 2 && now - samples.peekFirst().atMillis() > RATE_WINDOW_MS) {
      samples.removeFirst();
    }
    double rate = rate();
    if (terminal) {
      String line = label + "  " + line(bytes, total, rate, status);
      int pad = Math.max(0, lastWidth - line.length());
      out.print("\r" + line + " ".repeat(pad));
      lastWidth = line.length();
      out.flush();
    } else if (!status.equals(lastStatus) || now - lastPlainAt >= PLAIN_INTERVAL_MS) {
      out.println(label + ": " + line(bytes, total, rate, status));
      out.flush();
      lastPlainAt = now;
    }
    lastStatus = status;
  }

  /** Ends the progress display (moves past the redrawn line on a terminal). */
  public void finish() {
    if (terminal && lastWidth > 0) {
      out.println();
      out.flush();
    }
  }

  /**
   * Erases the bar from a terminal so that a line can be printed where it was; the next {@link
   * #update} draws it again below. Does nothing on plain output.
   */
  public void clear() {
    if (terminal && lastWidth > 0) {
      out.print("\r" + " ".repeat(lastWidth) + "\r");
      out.flush();
      lastWidth = 0;
    }
  }

  /** Bytes per second over the last few seconds. */
  double rate() {
    if (samples.size() < 2) {
      return 0;
    }
    Sample first = samples.peekFirst();
    Sample last = samples.peekLast();
    long ms = last.atMillis() - first.atMillis();
    return ms <= 0 ? 0 : (last.bytes() - first.bytes()) * 1000.0 / ms;
  }

  /** One rendering: {@code [#####.....] 45.0 MiB / 100.0 MiB 12.0 MiB/s ETA 0:05 Ongoing}. */
  static String line(long bytes, long total, double rate, String status) {
    StringBuilder b = new StringBuilder();
    if (total > 0) {
      int filled = (int) Math.min(WIDTH, Math.round(WIDTH * (double) bytes / total));
      b.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
      b.append(String.format("%3d%%  ", Math.min(100, bytes * 100 / total)));
      b.append(bytes(bytes)).append(" / ").append(bytes(total));
    } else {
      b.append(bytes(bytes));
    }
    b.append("  ").append(bytes((long) rate)).append("/s");
    if (total > 0 && rate > 0 && bytes < total) {
      b.append("  ETA ").append(duration((long) ((total - bytes) / rate)));
    }
    if (!status.isEmpty()) {
      b.append("  ").append(status);
    }
    return b.toString();
  }

  /** {@code 1.5 MiB}, {@code 512 B}. */
  public static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format("%.1f %s", v, units[u]);
  }

  /** {@code 1:05}, {@code 1:02:03}. */
  public static String duration(long seconds) {
    long h = seconds / 3600;
    long m = (seconds % 3600) / 60;
    long s = seconds % 60;
    return h > 0 ? String.format("%d:%02d:%02d", h, m, s) : String.format("%d:%02d", m, s);
  }
}
