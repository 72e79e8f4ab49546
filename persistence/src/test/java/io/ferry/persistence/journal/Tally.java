package io.ferry.persistence.journal;

import io.ferry.channels.entity.CborSerializable;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/** A tiny event-sourced counter for journal round trips: adds numbers, tags every event. */
final class Tally extends EventSourcedBehavior<Tally.Command, Tally.Added, Tally.State> {
  static final String TAG = "tally";

  sealed interface Command {}

  record Add(int amount, ActorRef<State> replyTo) implements Command {}

  record Get(ActorRef<State> replyTo) implements Command {}

  record Added(int amount) implements CborSerializable {}

  record State(int total, int events) implements CborSerializable {}

  static Behavior<Command> create(String id) {
    return new Tally(id);
  }

  private Tally(String id) {
    super(PersistenceId.of("Tally", id));
  }

  @Override
  public State emptyState() {
    return new State(0, 0);
  }

  @Override
  public CommandHandler<Command, Added, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), s))
        .onCommand(
            Add.class,
            (s, c) -> Effect().persist(new Added(c.amount())).thenReply(c.replyTo(), st -> st))
        .build();
  }

  @Override
  public EventHandler<State, Added> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Added.class, (s, e) -> new State(s.total() + e.amount(), s.events() + 1))
        .build();
  }

  @Override
  public Set<String> tagsFor(Added event) {
    return Set.of(TAG);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(2, 2);
  }
}
