package io.ferry.cli.cluster;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the seconds of a failover went, read from the nodes' logs (one clock: every node runs on
 * this machine): for each step, the first line after the kill that says it, on whichever node
 * logged it first. Printed by ClusterFailoverTest beside the channel's own times, so a slow run
 * shows which step was slow before its directory goes.
 */
final class FailoverTimeline {
  /** A step and the texts only its log line holds. */
  record Step(String what, String... texts) {}

  /** The steps of a kill -9 failover, in the order they are expected. */
  static List<Step> afterAKill(String peer) {
    return List.of(
        new Step("the provider lost the killed member", "lost connection to"),
        new Step("a survivor connected to the provider", "connected to " + peer + ": moving"),
        new Step("unreachable", "as UNREACHABLE"),
        new Step("split-brain resolver decided", "SBR took decision"),
        new Step("removed by the leader", "is removing"),
        new Step("a singleton started on a survivor", "starting singleton actor"),
        new Step("the provider's channels run on a survivor", "the channels with " + peer + " run"),
        new Step(
            "its channels woken there (the claim completed)",
            peer + " was served by",
            "waking its channels"),
        new Step("unfinished channels woken by the oldest", "restarting the unfinished channels"));
  }

  private FailoverTimeline() {}

  /**
   * One line per step: seconds after {@code from}, the node, the step ("-" when none logged it).
   */
  static String of(Instant from, List<Step> steps, List<MemberJvm> nodes) {
    List<String> lines = new ArrayList<>();
    for (Step step : steps) {
      Instant first = null;
      MemberJvm where = null;
      for (MemberJvm node : nodes) {
        Optional<Instant> at = firstAfter(from, node.log(), step.texts());
        if (at.isPresent() && (first == null || at.get().isBefore(first))) {
          first = at.get();
          where = node;
        }
      }
      lines.add(
          first == null
              ? String.format("     -   %s", step.what())
              : String.format(
                  "%6.1f s %s (%s)",
                  Duration.between(from, first).toMillis() / 1e3, step.what(), where));
    }
    return String.join("\n", lines);
  }

  /** The time of the first log line after {@code from} holding every one of {@code parts}. */
  static Optional<Instant> firstAfter(Instant from, String log, String... parts) {
    return log.lines()
        .filter(l -> List.of(parts).stream().allMatch(l::contains))
        .map(FailoverTimeline::timeOf)
        .flatMap(Optional::stream)
        .filter(at -> at.isAfter(from))
        .findFirst();
  }

  /** A log line's time (the node's log pattern starts with an ISO offset date-time). */
  static Optional<Instant> timeOf(String line) {
    int space = line.indexOf(' ');
    if (space < 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(line.substring(0, space)).toInstant());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
