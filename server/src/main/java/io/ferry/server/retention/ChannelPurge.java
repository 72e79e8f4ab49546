package io.ferry.server.retention;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.AbstractPersistentActor;
import org.apache.pekko.persistence.DeleteMessagesFailure;
import org.apache.pekko.persistence.DeleteMessagesSuccess;
import org.apache.pekko.persistence.DeleteSnapshotsFailure;
import org.apache.pekko.persistence.DeleteSnapshotsSuccess;
import org.apache.pekko.persistence.Recovery;
import org.apache.pekko.persistence.RecoveryCompleted;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;

/**
 * Deletes every journal event and snapshot of one persistence id, through Pekko Persistence's
 * public API: a short-lived persistent actor with that id, started without replaying anything, asks
 * the journal and the snapshot store to delete all, waits for both answers and stops. The channel's
 * own actor must not be running (terminal channels passivate); the journal keeps the highest
 * sequence number, so a later actor with the same id starts from an empty state.
 */
public final class ChannelPurge {
  private static final AtomicLong COUNTER = new AtomicLong();

  private ChannelPurge() {}

  /**
   * Deletes the events and snapshots of {@code persistenceId}.
   *
   * @return completes when both are deleted; fails with the journal's or snapshot store's error, or
   *     a {@link TimeoutException} after {@code timeout}
   */
  public static CompletionStage<Void> purge(
      ActorSystem<?> system, String persistenceId, Duration timeout) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    // A typed system cannot start a classic actor at the top: a small typed parent starts it,
    // watches it and stops with it.
    Behavior<Void> parent =
        Behaviors.setup(
            ctx -> {
              ActorRef purger =
                  Adapter.actorOf(
                      ctx, org.apache.pekko.actor.Props.create(Purger.class, persistenceId, done));
              ctx.watch(Adapter.toTyped(purger));
              return Behaviors.receive(Void.class)
                  .onSignal(Terminated.class, t -> Behaviors.stopped())
                  .build();
            });
    org.apache.pekko.actor.typed.ActorRef<Void> ref =
        system.systemActorOf(parent, "ferry-purge-" + COUNTER.incrementAndGet(), Props.empty());
    return done.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                system.systemActorOf(
                    Behaviors.setup(
                        c -> {
                          c.stop(ref);
                          return Behaviors.stopped();
                        }),
                    "ferry-purge-stop-" + COUNTER.incrementAndGet(),
                    Props.empty());
              }
            });
  }

  /** The short-lived persistent actor that does the deleting. */
  static final class Purger extends AbstractPersistentActor {
    private final String persistenceId;
    private final CompletableFuture<Void> done;
    private boolean eventsDeleted;
    private boolean snapshotsDeleted;

    Purger(String persistenceId, CompletableFuture<Void> done) {
      this.persistenceId = persistenceId;
      this.done = done;
    }

    @Override
    public String persistenceId() {
      return persistenceId;
    }

    @Override
    public Recovery recovery() {
      return Recovery.none();
    }

    @Override
    public AbstractActor.Receive createReceiveRecover() {
      return receiveBuilder()
          .match(
              RecoveryCompleted.class,
              r -> {
                deleteMessages(Long.MAX_VALUE);
                deleteSnapshots(SnapshotSelectionCriteria.latest());
              })
          .matchAny(m -> {})
          .build();
    }

    @Override
    public AbstractActor.Receive createReceive() {
      return receiveBuilder()
          .match(
              DeleteMessagesSuccess.class,
              m -> {
                eventsDeleted = true;
                finishIfDone();
              })
          .match(
              DeleteSnapshotsSuccess.class,
              m -> {
                snapshotsDeleted = true;
                finishIfDone();
              })
          .match(DeleteMessagesFailure.class, m -> fail("events", m.cause()))
          .match(DeleteSnapshotsFailure.class, m -> fail("snapshots", m.cause()))
          .build();
    }

    private void finishIfDone() {
      if (eventsDeleted && snapshotsDeleted) {
        done.complete(null);
        getContext().stop(getSelf());
      }
    }

    private void fail(String what, Throwable cause) {
      done.completeExceptionally(
          new IllegalStateException(
              "could not delete the " + what + " of " + persistenceId + ": " + cause.getMessage(),
              cause));
      getContext().stop(getSelf());
    }
  }
}
