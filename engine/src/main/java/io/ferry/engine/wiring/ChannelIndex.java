package io.ferry.engine.wiring;

import io.ferry.channels.ChannelId;
import io.ferry.channels.entity.CborSerializable;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The node's durable list of channels that are not yet terminal, so a restarted node knows which
 * channels to wake and resume. A channel is added before its first event is journaled and removed
 * when it becomes terminal.
 */
public final class ChannelIndex
    extends EventSourcedBehavior<ChannelIndex.Command, ChannelIndex.Event, ChannelIndex.State> {

  /** What the index is asked (across members when the index is a cluster singleton). */
  public sealed interface Command extends CborSerializable {}

  /** Note a channel; answered once it is durable. */
  public record Add(ChannelId channelId, ActorRef<Done> replyTo) implements Command {}

  /** Forget a terminal channel. */
  public record Remove(ChannelId channelId) implements Command {}

  /** Answer with every channel noted. */
  public record List(ActorRef<Listing> replyTo) implements Command {}

  /** The channels noted. */
  public record Listing(Set<ChannelId> channelIds) implements CborSerializable {
    public Listing {
      channelIds = Set.copyOf(channelIds);
    }
  }

  /** What the index journals. */
  public sealed interface Event extends CborSerializable {}

  public record Added(String channelId) implements Event {}

  public record Removed(String channelId) implements Event {}

  /** The channels noted, by their text form. */
  public record State(Set<String> channelIds) implements CborSerializable {
    public State {
      channelIds = Set.copyOf(channelIds);
    }

    State with(String id, boolean present) {
      TreeSet<String> next = new TreeSet<>(channelIds);
      if (present) {
        next.add(id);
      } else {
        next.remove(id);
      }
      return new State(next);
    }
  }

  public static Behavior<Command> create() {
    return new ChannelIndex();
  }

  private ChannelIndex() {
    super(PersistenceId.ofUniqueId("ferry-channel-index"));
  }

  @Override
  public State emptyState() {
    return new State(Set.of());
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            List.class,
            (s, c) -> {
              Set<ChannelId> ids = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
              s.channelIds().forEach(id -> ids.add(ChannelId.parse(id)));
              return Effect().reply(c.replyTo(), new Listing(ids));
            })
        .onCommand(
            Add.class,
            (s, c) ->
                s.channelIds().contains(c.channelId().toString())
                    ? Effect().reply(c.replyTo(), Done.getInstance())
                    : Effect()
                        .persist(new Added(c.channelId().toString()))
                        .thenReply(c.replyTo(), st -> Done.getInstance()))
        .onCommand(
            Remove.class,
            (s, c) ->
                s.channelIds().contains(c.channelId().toString())
                    ? Effect().persist(new Removed(c.channelId().toString()))
                    : Effect().none())
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Added.class, (s, e) -> s.with(e.channelId(), true))
        .onEvent(Removed.class, (s, e) -> s.with(e.channelId(), false))
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(200, 2);
  }
}
