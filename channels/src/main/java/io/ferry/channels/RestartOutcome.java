package io.ferry.channels;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a channel did when it was told to restart, as the channel itself decided it: the only place
 * the restart rules live. A restart is asynchronous: {@link RequestSent} means a request is on its
 * way, and the channel records {@link EventCode#Restart} when the other side answers or {@link
 * EventCode#Disconnected} when the attempt fails. Whoever waits for that (the engine's {@code
 * Manager.restartDataTransferChannel(id, wait)}) hears how it ended: {@link Restarted}, {@link
 * AttemptFailed}, {@link EndedMeanwhile}, or {@link Unanswered} within its wait.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
@JsonSubTypes({
  @JsonSubTypes.Type(value = RestartOutcome.RequestSent.class, name = "request-sent"),
  @JsonSubTypes.Type(value = RestartOutcome.AlreadyUnderWay.class, name = "already-under-way"),
  @JsonSubTypes.Type(value = RestartOutcome.NothingToRestart.class, name = "nothing-to-restart"),
  @JsonSubTypes.Type(value = RestartOutcome.CleanupResumed.class, name = "cleanup-resumed"),
  @JsonSubTypes.Type(value = RestartOutcome.Ended.class, name = "ended"),
  @JsonSubTypes.Type(value = RestartOutcome.Restarted.class, name = "restarted"),
  @JsonSubTypes.Type(value = RestartOutcome.AttemptFailed.class, name = "attempt-failed"),
  @JsonSubTypes.Type(value = RestartOutcome.EndedMeanwhile.class, name = "ended-meanwhile"),
  @JsonSubTypes.Type(value = RestartOutcome.Unanswered.class, name = "unanswered")
})
public sealed interface RestartOutcome {
  /** A sentence for an operator. */
  String describe();

  /**
   * A restart request went to the other side (or, for a channel it never accepted, the open request
   * again); its answer follows as an event.
   */
  record RequestSent() implements RestartOutcome {
    @Override
    public String describe() {
      return "a restart request went to the other side; its answer is recorded as Restart";
    }
  }

  /**
   * A restart of this channel is already under way: a request of this side awaits its answer, or
   * this responder has restarted the channel once since its connection came up.
   */
  record AlreadyUnderWay() implements RestartOutcome {
    @Override
    public String describe() {
      return "a restart is already under way (this side sent a restart request that awaits its"
          + " answer, or restarted the channel once since its connection came up); nothing more"
          + " was sent, and the channel's events show a Restart when the other side answers";
    }
  }

  /** This side only waits for the other; {@code why} says for what. */
  record NothingToRestart(String why) implements RestartOutcome {
    @Override
    public String describe() {
      return why;
    }
  }

  /** The channel had stopped in its cleanup ({@code status}), which runs again. */
  record CleanupResumed(Status status) implements RestartOutcome {
    @Override
    public String describe() {
      return "the channel is finishing its cleanup (" + status + ")";
    }
  }

  /** The channel has ended ({@code status}) and cannot restart. */
  record Ended(Status status) implements RestartOutcome {
    @Override
    public String describe() {
      return "the channel is " + status + ": a channel that has ended cannot restart";
    }
  }

  /** The request went out and the other side answered it: the channel recorded a Restart. */
  record Restarted() implements RestartOutcome {
    @Override
    public String describe() {
      return "the other side answered the restart; the transfer continues from what this side"
          + " holds";
    }
  }

  /**
   * The request went out and the attempt failed ({@code reason}); the channel retries by itself.
   */
  record AttemptFailed(String reason) implements RestartOutcome {
    @Override
    public String describe() {
      return "the restart attempt failed (" + reason + "); a stalled channel tries again by itself";
    }
  }

  /**
   * The request went out and the channel ended meanwhile, {@code status}, saying {@code message}.
   */
  record EndedMeanwhile(Status status, String message) implements RestartOutcome {
    @Override
    public String describe() {
      return "the channel ended " + status + (message.isBlank() ? "" : ": " + message);
    }
  }

  /** The request went out and no answer was recorded within {@code waitedMillis}. */
  record Unanswered(long waitedMillis) implements RestartOutcome {
    @Override
    public String describe() {
      return "no restart was recorded within "
          + waitedMillis
          + " ms: the other side has not answered the restart request yet; the channel's events"
          + " will show a Restart when it does";
    }
  }
}
