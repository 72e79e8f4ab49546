package io.ferry.cli;

import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Subscriber;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Prints channel events as they happen, one line each: time, node, channel, event, status and the
 * bytes moved so far (sent or received, whichever this node does). Used by {@code ferry demo}; any
 * command that watches channels can print through it.
 */
public final class EventPrinter implements Subscriber {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  private final String node;
  private final PrintWriter out;

  /** Prints the events of the node called {@code node} to {@code out}. */
  public EventPrinter(String node, PrintWriter out) {
    this.node = node;
    this.out = out;
  }

  /** The header line that goes above the events. */
  public static String header() {
    return String.format(
        Locale.ROOT,
        "%-12s  %-8s  %-14s  %-28s  %-36s  %s",
        "time",
        "node",
        "channel",
        "event",
        "status",
        "bytes");
  }

  @Override
  public void onEvent(ChannelEvent event, ChannelState state) {
    out.println(line(node, event, state));
    out.flush();
  }

  /** One event as one line. */
  public static String line(String node, ChannelEvent event, ChannelState state) {
    long bytes = state.isSender() ? state.sent() : state.received();
    return String.format(
        Locale.ROOT,
        "%-12s  %-8s  %-14s  %-28s  %-36s  %s",
        TIME.format(event.timestamp()),
        node,
        "..." + Long.toUnsignedString(state.transferId() % 100_000_000L),
        event.code(),
        state.status(),
        human(bytes));
  }

  /** Bytes as B, KiB or MiB with one decimal. */
  public static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
