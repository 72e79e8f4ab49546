package io.ferry.channels;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a channel did when it was told to restart, as the channel itself decided it: the only place
 * the restart rules live. A restart is asynchronous: {@link RequestSent} means a request is on its
 * way, and the channel records {@link EventCode#Restart} when the other side answers or {@link
 * EventCode#Disconnected} when the attempt fails.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
@JsonSubTypes({
  @JsonSubTypes.Type(value = RestartOutcome.RequestSent.class, name = "request-sent"),
  @JsonSubTypes.Type(value = RestartOutcome.AlreadyUnderWay.class, name = "already-under-way"),
  @JsonSubTypes.Type(value = RestartOutcome.NothingToRestart.class, name = "nothing-to-restart"),
  @JsonSubTypes.Type(value = RestartOutcome.CleanupResumed.class, name = "cleanup-resumed"),
  @JsonSubTypes.Type(value = RestartOutcome.Ended.class, name = "ended")
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
      return "a restart of this channel is already under way (this side sent a request that"
          + " awaits its answer, or restarted it once since its connection came up)";
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
}
