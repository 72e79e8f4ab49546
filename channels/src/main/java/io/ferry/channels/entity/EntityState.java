package io.ferry.channels.entity;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.fsm.Outcome;
import io.ferry.channels.fsm.Transitions;

/**
 * The channel actor's state, one type per phase, so that the actor's command handlers ({@code
 * forStateType}) say where each command is valid: {@link NoChannel} before the first event; while
 * the channel opens, moves data or finishes ({@link Active}) {@link Live}, {@link AwaitingRestart}
 * when this incarnation of the actor sent a restart request that awaits its answer, and {@link
 * RestartedHere} when this incarnation, as responder, restarted the channel since its connection
 * came up; {@link CleaningUp} in Completing, Failing or Cancelling, and {@link Ended} once
 * terminal. Every event records the status it left the channel in, and folding it sets that status:
 * replay lands exactly where the live actor was, whatever the transition table says today.
 *
 * <p>The two restart phases hold only for the incarnation that wrote them: {@link
 * JournalEvent.RestartRequested} and {@link JournalEvent.Restarted} name their writer ({@code by}),
 * and the fold ({@link #apply(JournalEvent, String)}) enters them only for its own actor. An actor
 * that recovers (after a crash, a passivation or a failover) replays them as {@link Live}: a
 * request its predecessor sent is answered to nobody, and nothing of its predecessor's data is
 * open.
 *
 * <p>Snapshots hold the phase as recovery sees it ({@link #recovered}); snapshots written before
 * the phases existed hold a bare {@code EntityState} with its channel, which {@link #fromSnapshot}
 * reads into the phase its status names.
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

  /** This state with {@code event} applied as recovery sees it: no restart phase is anyone's. */
  default EntityState apply(JournalEvent event) {
    return apply(event, null);
  }

  /**
   * This state with {@code event} applied, as the actor incarnation {@code self} sees it: the
   * event's changes and recorded status, the data side's bookkeeping, and the restart phase the
   * event leaves this incarnation in.
   */
  default EntityState apply(JournalEvent event, String self) {
    ChannelState next = fold(channel(), event);
    Status status = next.status();
    if (status.isTerminal()) {
      return new Ended(next);
    }
    if (status.isCleanup()) {
      return new CleaningUp(next);
    }
    DataSide data =
        (this instanceof Active active ? active.data() : DataSide.NONE).after(event, next);
    if (event instanceof JournalEvent.RestartRequested requested) {
      return requested.isBy(self) ? new AwaitingRestart(next, data) : new Live(next, data);
    }
    if (event instanceof JournalEvent.Restarted restarted) {
      return restarted.isBy(self) && !next.isInitiator()
          ? new RestartedHere(next, data)
          : new Live(next, data);
    }
    if (event instanceof JournalEvent.RestartFailed || event instanceof JournalEvent.Disconnected) {
      return new Live(next, data);
    }
    if (this instanceof AwaitingRestart) {
      return new AwaitingRestart(next, data);
    }
    return this instanceof RestartedHere ? new RestartedHere(next, data) : new Live(next, data);
  }

  /** The phase of {@code channel}'s status, as an actor that has just recovered it sees it. */
  static EntityState of(ChannelState channel) {
    if (channel == null) {
      return EMPTY;
    }
    Status status = channel.status();
    if (status.isTerminal()) {
      return new Ended(channel);
    }
    return status.isCleanup() ? new CleaningUp(channel) : new Live(channel, DataSide.NONE);
  }

  /** What a snapshot keeps of {@code state}: its channel, in the phase recovery gives it. */
  static EntityState recovered(EntityState state) {
    return of(state.channel());
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

  /**
   * Opening, moving data or finishing: every status that is neither cleanup nor terminal, with what
   * this incarnation knows of the channel's data side.
   */
  sealed interface Active extends EntityState {
    /** The data side's bookkeeping. */
    DataSide data();
  }

  /** Active, and no restart of this incarnation is under way. */
  record Live(ChannelState channel, DataSide data) implements Active {
    public Live {
      data = data == null ? DataSide.NONE : data;
    }
  }

  /**
   * Active, and this incarnation's restart request (initiator: RESTART; responder:
   * RESTART_EXISTING_CHANNEL) awaits its answer: the attempt ends answered ({@code Restarted}) or
   * failed ({@code RestartFailed}).
   */
  record AwaitingRestart(ChannelState channel, DataSide data) implements Active {}

  /**
   * Active responder that restarted the channel in this incarnation (it answered a restart, or an
   * open asked again), and whose connection has not dropped since: a wake-up must not restart it
   * once more.
   */
  record RestartedHere(ChannelState channel, DataSide data) implements Active {}

  /** Completing, Failing or Cancelling: cleanup runs, then the channel is terminal. */
  record CleaningUp(ChannelState channel) implements EntityState {}

  /** Completed, Failed or Cancelled: the channel answers questions and nothing else. */
  record Ended(ChannelState channel) implements EntityState {}

  /**
   * What the fold keeps of the channel's data side.
   *
   * @param queuedAtOpen the first-time bytes the channel had queued when its sending side last
   *     opened ({@code Accepted}, {@code Restarted}): a sending transport's byte limit counts from
   *     its open
   * @param closes how often the channel closed its data after an event ({@code RestartRequested},
   *     {@code RestartFailed}, {@code Disconnected}): a receiving side that fails to open after a
   *     later close was superseded by it
   */
  record DataSide(long queuedAtOpen, long closes) {
    /** Nothing known yet. */
    public static final DataSide NONE = new DataSide(0, 0);

    DataSide after(JournalEvent event, ChannelState next) {
      if (event instanceof JournalEvent.Accepted || event instanceof JournalEvent.Restarted) {
        return new DataSide(next.queued(), closes);
      }
      if (event instanceof JournalEvent.RestartRequested
          || event instanceof JournalEvent.RestartFailed
          || event instanceof JournalEvent.Disconnected) {
        return new DataSide(queuedAtOpen, closes + 1);
      }
      return this;
    }
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
