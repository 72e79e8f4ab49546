package io.ferry.channels.fsm;

import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import java.util.Objects;

/** What {@link Transitions#decide} says about one event in one status. */
public sealed interface Outcome permits Outcome.Moved, Outcome.Recorded, Outcome.Refused {

  /**
   * The event is applied and the channel enters {@code to}, running its entry action. When {@code
   * to == from} the channel re-enters its status ({@code NoChange}): {@code reentered} is true and
   * the entry action (cleanup, in a cleanup status) runs again.
   */
  record Moved(Status from, Status to, boolean reentered) implements Outcome {
    public Moved {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      if (reentered != (from == to)) {
        throw new IllegalArgumentException(
            "reentered must be " + (from == to) + " for a move from " + from + " to " + to);
      }
    }

    /** A move from {@code from} to {@code to}; a re-entry when they are the same. */
    public Moved(Status from, Status to) {
      this(from, to, from == to);
    }
  }

  /** The event is applied (recorded, subscribers hear of it), the status stays {@code status}. */
  record Recorded(Status status) implements Outcome {
    public Recorded {
      Objects.requireNonNull(status, "status");
    }
  }

  /** The event is not allowed in {@code status}; nothing changes. {@code reason} says why. */
  record Refused(Status status, EventCode event, String reason) implements Outcome {
    public Refused {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(event, "event");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Whether the event is applied (persisted and published), with or without a status change. */
  default boolean isApplied() {
    return !(this instanceof Refused);
  }

  /** The channel's status after this outcome (unchanged when recorded or refused). */
  default Status resultingStatus() {
    if (this instanceof Moved m) {
      return m.to();
    }
    if (this instanceof Recorded r) {
      return r.status();
    }
    return ((Refused) this).status();
  }
}
