package io.ferry.channels.entity;

import io.ferry.channels.ChannelState;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.EventRejectedException;

/**
 * What a channel actor does when the journal does not take its events.
 *
 * <p><b>A failed write</b> (the journal or its circuit breaker failed it): Pekko restarts the
 * persistent behavior after a backoff ({@link #ON_PERSIST_FAILURE}); it recovers from the journal
 * and carries on with the commands that arrived meanwhile, which Pekko keeps. Only the command
 * whose events failed is gone, and whether they were written is unknown until recovery: this
 * object, which belongs to the actor around the persistent behavior and so outlives its restarts,
 * keeps that command and the sequence number its events followed. Recovered past that number, the
 * events were written, and what was to follow them runs then (a reply excepted: its asker has given
 * up); not past it, the command is handled again, once. So a progress batch counts exactly once
 * either way, and the transport, which reported it and went on, needs to know nothing: every batch
 * it reported is in the journal once, none twice.
 *
 * <p><b>A rejected write</b> (the journal refused the event: {@code JournalReserveGuard} on a
 * nearly full disk, an event it cannot serialize): Pekko does not restart the actor, and another
 * write would be refused the same way. The channel then stops clearly rather than silently: it logs
 * the refusal at error level with its reason (for the disk, the directory and the free space),
 * closes its data side (nothing more moves that it could not record) and tells its peer it failed
 * with the reason, so the peer does not wait for it. Its journal keeps its last recorded state:
 * woken again (a message, a node start) it recovers from there, and records the failure, or goes
 * on, once the journal takes writes again.
 *
 * <p>Confined to the actor's thread.
 */
final class JournalWrites {
  /** Restarts after a failed write: from 200 ms, doubling to 10 s, keeping what arrives. */
  static final BackoffSupervisorStrategy ON_PERSIST_FAILURE =
      SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)
          .withStashCapacity(65536);

  private final Actions actions;
  private final LongSupplier lastSequenceNr;
  private ChannelCommand handling;
  private EntityState handlingIn;
  private ChannelCommand unconfirmed;
  private EntityState unconfirmedIn;
  private Consumer<EntityState> afterWrite;
  private long before;

  JournalWrites(Actions actions, LongSupplier lastSequenceNr) {
    this.actions = actions;
    this.lastSequenceNr = lastSequenceNr;
  }

  /** The actor handles {@code command} in {@code state}: events it persists are that command's. */
  void handling(EntityState state, ChannelCommand command) {
    handling = command;
    handlingIn = state;
  }

  /**
   * The command being handled persists events after the last sequence number; {@code after} is what
   * runs once they are written.
   */
  void writing(Consumer<EntityState> after) {
    unconfirmed = handling;
    unconfirmedIn = handlingIn;
    afterWrite = after;
    before = lastSequenceNr.getAsLong();
  }

  /** The journal confirmed the events. */
  void written() {
    unconfirmed = null;
    unconfirmedIn = null;
    afterWrite = null;
  }

  /**
   * The behavior recovered to {@code state}: a command whose write failed before is handled again
   * if its events are not in the journal; if they are, what was to follow them runs now.
   */
  void recovered(EntityState state) {
    ChannelCommand command = unconfirmed;
    Consumer<EntityState> after = afterWrite;
    if (command == null) {
      return;
    }
    written();
    String what = command.getClass().getSimpleName();
    long recovered = lastSequenceNr.getAsLong();
    if (recovered > before) {
      actions
          .log()
          .warn(
              "the journal failed the events of {} but wrote them (sequence number {}): going on"
                  + " from them",
              what,
              recovered);
      after.accept(state);
    } else {
      actions.log().warn("the journal did not write the events of {}: handling it again", what);
      actions.tellSelf(command);
    }
  }

  /** The journal refused the events of the command under way: see the class comment. */
  void rejected(EventRejectedException e) {
    String reason = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
    ChannelState state = unconfirmedIn == null ? null : unconfirmedIn.channel();
    String what = unconfirmed == null ? "a command" : unconfirmed.getClass().getSimpleName();
    written();
    if (state == null || state.status().isTerminal()) {
      actions.log().error("the journal refused the events of {}: {}", what, reason);
      return;
    }
    actions
        .log()
        .error(
            "channel {} stops: the journal refused the events of {}: {}; its data side is closed"
                + " and {} told it failed",
            state.channelId(),
            what,
            reason,
            state.otherPeer());
    actions.closeData(state.channelId());
    actions.reportFailure(
        state, "the journal of " + state.channelId() + " refused a write: " + reason);
  }

  /**
   * {@code entity} with rejected writes reported as above; the actor still stops, as Pekko stops
   * it. The interceptor sees every message, the journal's answers included, since a rejection
   * surfaces while the persistent behavior handles the journal's answer.
   */
  @SuppressWarnings("unchecked")
  Behavior<ChannelCommand> reportingRejections(Behavior<ChannelCommand> entity) {
    Behavior<Object> any = (Behavior<Object>) (Behavior<?>) entity;
    Behavior<Object> intercepted =
        Behaviors.intercept(
            () ->
                new BehaviorInterceptor<Object, Object>(Object.class) {
                  @Override
                  public Behavior<Object> aroundReceive(
                      TypedActorContext<Object> ctx, Object msg, ReceiveTarget<Object> target) {
                    try {
                      return target.apply(ctx, msg);
                    } catch (EventRejectedException e) {
                      rejected(e);
                      throw e;
                    }
                  }
                },
            any);
    return (Behavior<ChannelCommand>) (Behavior<?>) intercepted;
  }
}
