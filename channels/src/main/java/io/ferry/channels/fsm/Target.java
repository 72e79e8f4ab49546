package io.ferry.channels.fsm;

import io.ferry.channels.Status;
import java.util.Objects;

/**
 * What a {@link Rule} does to the channel's status when its event is applied (go-statemachine's
 * {@code To}, {@code ToNoChange} and {@code ToJustRecord}).
 */
public sealed interface Target permits Target.To, Target.NoChange, Target.JustRecord {

  /** The channel moves to {@code status}, and that status's entry action runs. */
  record To(Status status) implements Target {
    public To {
      Objects.requireNonNull(status, "status");
    }

    @Override
    public String toString() {
      return "To(" + status + ")";
    }
  }

  /**
   * The status stays, the event is recorded, and the current status's entry action runs again (a
   * cleanup status re-runs its cleanup).
   */
  record NoChange() implements Target {
    @Override
    public String toString() {
      return "NoChange";
    }
  }

  /** The status stays and the event is recorded; no entry action runs. */
  record JustRecord() implements Target {
    @Override
    public String toString() {
      return "JustRecord";
    }
  }

  /** Move to {@code status}. */
  static Target to(Status status) {
    return new To(status);
  }

  /** Stay, and re-run the status's entry action. */
  static Target noChange() {
    return new NoChange();
  }

  /** Stay, and only record the event. */
  static Target justRecord() {
    return new JustRecord();
  }
}
