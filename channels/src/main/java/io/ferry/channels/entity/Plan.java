package io.ferry.channels.entity;

import io.ferry.channels.ChannelState;
import io.ferry.channels.fsm.Outcome;
import io.ferry.channels.fsm.Transitions;
import java.util.ArrayList;
import java.util.List;

/**
 * The events one command wants to persist, each checked against the transition table in turn. The
 * first refused event refuses the whole plan: nothing is persisted and {@link #refusal()} says why.
 * Each accepted event is stamped with the status the table gives it, which the journal keeps.
 * Persisted together, the events are one atomic journal write.
 */
final class Plan {
  private ChannelState current;
  private final List<JournalEvent> events = new ArrayList<>();
  private final List<ChannelState> states = new ArrayList<>();
  private String refusal;
  private boolean entersCleanup;

  private Plan(ChannelState start) {
    this.current = start;
  }

  /** A plan starting from {@code state} (null for a channel about to be opened). */
  static Plan from(ChannelState state) {
    return new Plan(state);
  }

  /** Adds {@code event} if the table allows it in the status reached so far. */
  Plan add(JournalEvent event) {
    if (refusal != null) {
      return this;
    }
    if (current == null && !(event instanceof JournalEvent.Opened)) {
      refusal = event.code() + " refused: there is no channel";
      return this;
    }
    ChannelState base = event instanceof JournalEvent.Opened o ? o.newState() : current;
    Outcome outcome = Transitions.decide(base.status(), event.code());
    if (outcome instanceof Outcome.Refused r) {
      refusal = r.reason();
      return this;
    }
    if (outcome instanceof Outcome.Moved m && m.to().isCleanup()) {
      entersCleanup = true;
    }
    JournalEvent recorded = event.producing(outcome.resultingStatus());
    current = EntityState.fold(current, recorded);
    events.add(recorded);
    states.add(current);
    return this;
  }

  /** Adds {@code event} when {@code condition} holds. */
  Plan addIf(boolean condition, JournalEvent event) {
    return condition ? add(event) : this;
  }

  boolean refused() {
    return refusal != null;
  }

  String refusal() {
    return refusal;
  }

  boolean isEmpty() {
    return events.isEmpty();
  }

  List<JournalEvent> events() {
    return List.copyOf(events);
  }

  /** The state after each event, in order. */
  List<ChannelState> states() {
    return List.copyOf(states);
  }

  /** The state after the last event. */
  ChannelState result() {
    return current;
  }

  /** Whether an event moves the channel into (or back into) a cleanup status. */
  boolean entersCleanup() {
    return entersCleanup;
  }
}
