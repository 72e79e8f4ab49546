package io.ferry.channels.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.EventCode;
import io.ferry.channels.Status;

/** Walks the lifecycle table event by event, for the tests that check its paths. */
final class LifecycleWalk {
  private LifecycleWalk() {}

  /** Applies each event in turn, failing on a refusal, and returns the final status. */
  static Status walk(Status start, EventCode... events) {
    Status at = start;
    for (EventCode e : events) {
      Outcome o = Transitions.decide(at, e);
      assertThat(o.isApplied()).as("%s in %s: %s", e, at, o).isTrue();
      at = o.resultingStatus();
    }
    return at;
  }

  /** The status {@code event} moves {@code from} to, failing unless the outcome is a move. */
  static Status moveOf(Status from, EventCode event) {
    Outcome o = Transitions.decide(from, event);
    assertThat(o).as("%s in %s", event, from).isInstanceOf(Outcome.Moved.class);
    return ((Outcome.Moved) o).to();
  }
}
