package io.ferry.channels.entity;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.fsm.Outcome;
import io.ferry.channels.fsm.Transitions;

/**
 * The channel actor's state, one type per phase, so that the actor's command handlers ({@code
 * forStateType}) say where each command is valid: {@link NoChannel} before the first event, {@link
 * Live} while the channel opens, moves data or finishes, {@link CleaningUp} in Completing, Failing
 * or Cancelling, and {@link Ended} once terminal. Every event records the status it left the
 * channel in, and folding it sets that status: replay lands exactly where the live actor was,
 * whatever the transition table says today.
 *
 * <p>Snapshots written before the phases existed hold a bare {@code EntityState} with its channel;
 * {@link #fromSnapshot} reads them into the phase their status names.
 */
public sealed interface EntityState extends CborSerializable {
  /** An entity with no channel yet. */
  EntityState EMPTY = new NoChannel();

  /** The channel's state; null only in {@link NoChannel}. */
  ChannelState channel();

  /** Whether a channel exists. */
  default boolean exists() {
    return channel() != null;
  }

  /** This state with {@code event} applied: the event's changes and recorded status. */
  default EntityState apply(JournalEvent event) {
    return of(fold(channel(), event));
  }

  /** The phase of {@code channel}'s status. */
  static EntityState of(ChannelState channel) {
    if (channel == null) {
      return EMPTY;
    }
    Status status = channel.status();
    if (status.isTerminal()) {
      return new Ended(channel);
    }
    return status.isCleanup() ? new CleaningUp(channel) : new Live(channel);
  }

  /** Reads a snapshot of any build: the channel it holds, in the phase of its status. */
  @JsonCreator
  static EntityState fromSnapshot(@JsonProperty("channel") ChannelState channel) {
    return of(channel);
  }

  /** No event yet: the channel may be opened (or a request for it validated). */
  record NoChannel() implements EntityState {
    @Override
    public ChannelState channel() {
      return null;
    }
  }

  /** Opening, moving data or finishing: every status that is neither cleanup nor terminal. */
  record Live(ChannelState channel) implements EntityState {}

  /** Completing, Failing or Cancelling: cleanup runs, then the channel is terminal. */
  record CleaningUp(ChannelState channel) implements EntityState {}

  /** Completed, Failed or Cancelled: the channel answers questions and nothing else. */
  record Ended(ChannelState channel) implements EntityState {}

  /**
   * The fold itself, on a bare channel state (null before {@link JournalEvent.Opened}): the event's
   * changes, then the status it recorded. Events from journals written before events recorded their
   * status take the table's; one the table refuses fails the replay, naming the channel, rather
   * than silently applying its changes.
   */
  static ChannelState fold(ChannelState channel, JournalEvent event) {
    ChannelState base = event instanceof JournalEvent.Opened opened ? opened.newState() : channel;
    if (base == null) {
      throw new IllegalStateException(
          "event " + event.code() + " arrived for a channel that was never opened");
    }
    Status status = event.status() != null ? event.status() : tableStatus(base, event);
    return event.applyTo(base).withUpdatedAt(event.at()).withStatus(status);
  }

  private static Status tableStatus(ChannelState base, JournalEvent event) {
    Outcome outcome = Transitions.decide(base.status(), event.code());
    if (outcome instanceof Outcome.Refused refused) {
      throw new IllegalStateException(
          "channel "
              + base.channelId()
              + ": its journal holds "
              + event.getClass().getSimpleName()
              + " ("
              + event.code()
              + ") at "
              + event.at()
              + ", which the lifecycle table refuses in "
              + base.status()
              + ": "
              + refused.reason());
    }
    return outcome.resultingStatus();
  }
}
