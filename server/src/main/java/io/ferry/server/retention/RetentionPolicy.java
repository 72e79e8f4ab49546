package io.ferry.server.retention;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.server.config.Settings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which terminal channels to purge: those that ended more than {@code keepFor} ago, and those
 * beyond the {@code keepCount} most recently ended. A zero bound does not apply. Channels that are
 * not terminal (Completed, Failed, Cancelled) are never chosen.
 *
 * @param keepFor how long a terminal channel is kept after its last event; zero keeps any age
 * @param keepCount how many terminal channels are kept; zero keeps any number
 */
public record RetentionPolicy(Duration keepFor, int keepCount) {
  public RetentionPolicy {
    if (keepFor.isNegative()) {
      throw new IllegalArgumentException("keep-for must not be negative, was " + keepFor);
    }
    if (keepCount < 0) {
      throw new IllegalArgumentException("keep-count must not be negative, was " + keepCount);
    }
  }

  /** The policy of {@code ferry.retention}. */
  public static RetentionPolicy of(Settings.Retention settings) {
    return new RetentionPolicy(settings.keepFor(), settings.keepCount());
  }

  /** The channels to purge at {@code now}, oldest first. */
  public List<ChannelId> toPurge(List<ChannelState> channels, Instant now) {
    List<ChannelState> terminal =
        channels.stream()
            .filter(c -> c.status().isTerminal())
            .sorted(
                Comparator.comparing(ChannelState::updatedAt)
                    .reversed()
                    .thenComparing(c -> c.channelId().toString()))
            .toList();
    Set<ChannelId> purge = new LinkedHashSet<>();
    if (keepCount > 0) {
      for (int i = keepCount; i < terminal.size(); i++) {
        purge.add(terminal.get(i).channelId());
      }
    }
    if (!keepFor.isZero()) {
      Instant cutoff = now.minus(keepFor);
      for (ChannelState c : terminal) {
        if (c.updatedAt().isBefore(cutoff)) {
          purge.add(c.channelId());
        }
      }
    }
    List<ChannelId> oldestFirst = new ArrayList<>();
    for (int i = terminal.size() - 1; i >= 0; i--) {
      if (purge.contains(terminal.get(i).channelId())) {
        oldestFirst.add(terminal.get(i).channelId());
      }
    }
    return oldestFirst;
  }
}
