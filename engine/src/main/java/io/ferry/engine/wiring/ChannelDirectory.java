package io.ferry.engine.wiring;

import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelNotFoundException;
import io.ferry.channels.ChannelState;
import io.ferry.channels.RestartOutcome;
import io.ferry.channels.entity.ChannelCommand;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.channels.entity.ChannelListener;
import io.ferry.channels.entity.ChannelReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * A started node's channels: reaches each through Cluster Sharding, keeps the durable {@link
 * ChannelIndex} and the in-memory set of live channels in step with what channels report, and wakes
 * the listed channels after a start. The node's {@code Manager} methods are thin calls into this.
 */
public final class ChannelDirectory {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final ActorRef<ChannelIndex.Command> index;
  private final Duration askTimeout;
  private final String journal;
  private final Set<ChannelId> live = ConcurrentHashMap.newKeySet();

  /**
   * @param journal the journal's description, for the error when the index does not answer
   */
  public ChannelDirectory(
      ActorSystem<?> system,
      ClusterSharding sharding,
      ActorRef<ChannelIndex.Command> index,
      Duration askTimeout,
      String journal) {
    this.system = system;
    this.sharding = sharding;
    this.index = index;
    this.askTimeout = askTimeout;
    this.journal = journal;
  }

  /** The channels this node knows are not finished, as of now. */
  public Set<ChannelId> live() {
    return Set.copyOf(live);
  }

  /** Asks the channel; a receipt gives its state, anything else fails with the reason. */
  public CompletionStage<ChannelState> command(
      ChannelId id, Function<ActorRef<ChannelReply>, ChannelCommand> command) {
    return entity(id)
        .<ChannelReply>ask(command::apply, askTimeout)
        .thenApply(
            reply -> {
              if (reply instanceof ChannelReply.Receipt r) {
                return r.state();
              }
              if (reply instanceof ChannelReply.Refusal r) {
                throw new CompletionException(new IllegalStateException(r.reason()));
              }
              throw new CompletionException(new ChannelNotFoundException(id));
            });
  }

  /** Restarts a channel; completes with what the channel did, as the channel decided it. */
  public CompletionStage<RestartOutcome> restart(ChannelId id) {
    return entity(id)
        .<ChannelReply>ask(ChannelCommand.Restart::new, askTimeout)
        .thenApply(
            reply -> {
              if (reply instanceof ChannelReply.RestartAnswer a) {
                return a.outcome();
              }
              throw new CompletionException(new ChannelNotFoundException(id));
            });
  }

  /** The state of every listed channel that is not terminal. */
  public CompletionStage<Map<ChannelId, ChannelState>> inProgress() {
    return listed()
        .thenCompose(
            ids -> {
              List<CompletableFuture<ChannelReply>> replies = new ArrayList<>();
              for (ChannelId id : ids) {
                replies.add(
                    entity(id)
                        .<ChannelReply>ask(ChannelCommand.GetState::new, askTimeout)
                        .toCompletableFuture());
              }
              return CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0]))
                  .thenApply(
                      all -> {
                        Map<ChannelId, ChannelState> out = new LinkedHashMap<>();
                        for (CompletableFuture<ChannelReply> f : replies) {
                          if (f.join() instanceof ChannelReply.Receipt r
                              && !r.state().status().isTerminal()) {
                            out.put(r.state().channelId(), r.state());
                          }
                        }
                        return out;
                      });
            });
  }

  /**
   * Learns every channel the index lists and, with {@code restart}, wakes each one; each restarts
   * by its role (or finishes cleanup).
   */
  public CompletionStage<Void> resume(boolean restart) {
    return listed()
        .exceptionally(
            e -> {
              throw new CompletionException(
                  new IllegalStateException("the " + journal + " did not answer: " + e, e));
            })
        .thenAccept(
            ids -> {
              live.addAll(ids);
              if (!restart) {
                return;
              }
              for (ChannelId id : ids) {
                entity(id)
                    .<ChannelReply>ask(ChannelCommand.Restart::new, askTimeout)
                    .thenAccept(
                        reply -> {
                          if (reply instanceof ChannelReply.Unknown) {
                            forget(id);
                          }
                        });
              }
            });
  }

  /**
   * What channels tell this node: registration in the index first, events to {@code hub}, cleanup
   * to {@code cleanup}, ends out of the index.
   */
  public ChannelListener listener(
      EventHub hub, Function<ChannelState, CompletionStage<Void>> cleanup) {
    return new ChannelListener() {
      @Override
      public CompletionStage<Void> register(ChannelId channelId) {
        return AskPattern.<ChannelIndex.Command, Done>ask(
                index,
                replyTo -> new ChannelIndex.Add(channelId, replyTo),
                Duration.ofSeconds(15),
                system.scheduler())
            .thenApply(
                d -> {
                  live.add(channelId);
                  return null;
                });
      }

      @Override
      public void published(ChannelEvent event, ChannelState state) {
        hub.publish(event, state);
      }

      @Override
      public CompletionStage<Void> cleanup(ChannelState state) {
        return cleanup.apply(state);
      }

      @Override
      public void ended(ChannelId channelId) {
        forget(channelId);
      }
    };
  }

  /** The unfinished channels the durable index lists (every member's). */
  public CompletionStage<Set<ChannelId>> listed() {
    return AskPattern.<ChannelIndex.Command, ChannelIndex.Listing>ask(
            index, ChannelIndex.List::new, askTimeout, system.scheduler())
        .thenApply(ChannelIndex.Listing::channelIds);
  }

  private EntityRef<ChannelCommand> entity(ChannelId id) {
    return sharding.entityRefFor(ChannelEntity.TYPE_KEY, id.toString());
  }

  private void forget(ChannelId id) {
    live.remove(id);
    index.tell(new ChannelIndex.Remove(id));
  }
}
