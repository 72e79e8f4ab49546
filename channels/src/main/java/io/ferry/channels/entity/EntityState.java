package io.ferry.channels.entity;

import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.fsm.Outcome;
import io.ferry.channels.fsm.Transitions;

/**
 * The channel actor's state: the channel, or null before its first event. Every event records the
 * status it left the channel in, and folding it sets that status: replay lands exactly where the
 * live actor was, whatever the transition table says today.
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
