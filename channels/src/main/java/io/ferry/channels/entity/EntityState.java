package io.ferry.channels.entity;

import io.ferry.channels.ChannelState;
import io.ferry.channels.fsm.Outcome;
import io.ferry.channels.fsm.Transitions;

/**
 * The channel actor's state: the channel, or null before its first event. Folding an event asks the
 * transition table for the status, so replay lands exactly where the live actor was.
 *
 * @param channel the channel's state; null while the entity has no channel
 */
public record EntityState(ChannelState channel) implements CborSerializable {
  /** An entity with no channel yet. */
  public static final EntityState EMPTY = new EntityState(null);

  /** Whether a channel exists. */
  public boolean exists() {
    return channel != null;
  }

  /** This state with {@code event} applied: the event's changes, then the table's status. */
  public EntityState apply(JournalEvent event) {
    return new EntityState(fold(channel, event));
  }

  /** The fold itself, on a bare channel state (null before {@link JournalEvent.Opened}). */
  static ChannelState fold(ChannelState channel, JournalEvent event) {
    ChannelState base = event instanceof JournalEvent.Opened opened ? opened.newState() : channel;
    if (base == null) {
      throw new IllegalStateException(
          "event " + event.code() + " arrived for a channel that was never opened");
    }
    Outcome outcome = Transitions.decide(base.status(), event.code());
    ChannelState changed = event.applyTo(base).withUpdatedAt(event.at());
    return outcome.isApplied() ? changed.withStatus(outcome.resultingStatus()) : changed;
  }
}
