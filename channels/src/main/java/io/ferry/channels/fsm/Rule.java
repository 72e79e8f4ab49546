package io.ferry.channels.fsm;

import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One line of the transition table: when {@code event} happens in one of the {@code from} statuses,
 * do {@code target}. An empty {@code from} means every non-terminal status; a rule naming a status
 * explicitly overrides the from-any rule of the same event for that status.
 *
 * @param event the event this rule handles
 * @param from the statuses it applies in, in enum order; empty = any non-terminal status
 * @param target what happens to the status
 */
public record Rule(EventCode event, Set<Status> from, Target target) {

  public Rule {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(target, "target");
    from =
        from.isEmpty()
            ? Set.of()
            : Collections.unmodifiableSet(EnumSet.copyOf(from)); // enum order, immutable
    for (Status s : from) {
      if (s.isTerminal() || s == Status.ChannelNotFoundError) {
        throw new IllegalArgumentException(
            "rule for " + event + " names " + s + ", which accepts no event");
      }
    }
  }

  /** Whether this is the event's from-any rule. */
  public boolean fromAny() {
    return from.isEmpty();
  }

  /** Whether this rule applies in {@code status} (terminal statuses never match). */
  public boolean appliesTo(Status status) {
    return fromAny() ? Transitions.isLive(status) : from.contains(status);
  }

  @Override
  public String toString() {
    String froms =
        fromAny() ? "ANY" : from.stream().map(Status::name).collect(Collectors.joining("|"));
    return event + ": " + froms + " -> " + target;
  }
}
