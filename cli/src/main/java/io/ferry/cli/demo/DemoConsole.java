package io.ferry.cli.demo;

import io.ferry.cli.ProgressBar;
import java.io.PrintWriter;
import java.time.Clock;

/**
 * The demo's output: lines (events, steps, the summary) on {@code out} and one progress bar on
 * {@code err}, from several threads. On a terminal the bar is erased before a line is printed and
 * drawn again below it on the next update, so the two never garble each other.
 */
final class DemoConsole {
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean terminal;
  private ProgressBar bar;

  DemoConsole(PrintWriter out, PrintWriter err, boolean terminal) {
    this.out = out;
    this.err = err;
    this.terminal = terminal;
  }

  /** Prints one line on {@code out}. */
  synchronized void line(String text) {
    if (bar != null) {
      bar.clear();
    }
    out.println(text);
    out.flush();
  }

  /** Prints one line on {@code err}. */
  synchronized void problem(String text) {
    if (bar != null) {
      bar.clear();
    }
    err.println(text);
    err.flush();
  }

  /** Starts a progress bar labelled {@code label}. */
  synchronized void startProgress(String label) {
    bar = new ProgressBar(err, terminal, Clock.systemUTC(), label);
  }

  /** Shows {@code bytes} of {@code total} moved, in {@code status}. */
  synchronized void progress(long bytes, long total, String status) {
    if (bar != null) {
      bar.update(bytes, total, status);
    }
  }

  /** Ends the progress bar. */
  synchronized void endProgress() {
    if (bar != null) {
      bar.finish();
      bar = null;
    }
  }
}
