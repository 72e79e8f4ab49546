package io.ferry.engine.wiring;

import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelNotFoundException;
import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
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
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * A started node's channels: reaches each through Cluster Sharding and wakes the unfinished ones
 * after a start. Which channels exist is the {@link ChannelReadModel}'s answer alone (projected
 * from the journal), fed here with what channels publish. The node's {@code Manager} methods are
 * thin calls into this.
 */
public final class ChannelDirectory {
  private final ClusterSharding sharding;
  private final ChannelReadModel model;

  /**
   * How a wake after a crash is asked: each ask waits a second for its answer, then the next goes
   * 250 ms later, ten at most. A restart sent while sharding still placed the channel on the dead
   * member is lost; waiting the API's ask timeout (30 s) for it kept a pull the dead member left in
   * its completion window waiting 40 s, and waiting 4 s put a failover at 10.5 s
   * (ClusterFailoverTest). An ask again reaches a restart under way, which answers so.
   */
  private static final ChannelWakes.Policy AFTER_A_CRASH =
      new ChannelWakes.Policy(10, Duration.ofSeconds(1), Duration.ofMillis(250));

  private final Duration askTimeout;
  private final String journal;

  /** The channels whose actors run on this member (they recovered and have not stopped). */
  private final Set<ChannelId> running = ConcurrentHashMap.newKeySet();

  private final ChannelWakes wakes;

  /**
   * @param journal the journal's description, for the error when its channels cannot be read
   */
  public ChannelDirectory(
      ClusterSharding sharding, ChannelReadModel model, Duration askTimeout, String journal) {
    this.sharding = sharding;
    this.model = model;
    this.askTimeout = askTimeout;
    this.journal = journal;
    this.wakes =
        new ChannelWakes(
            (id, timeout) -> entity(id).<ChannelReply>ask(ChannelCommand.Restart::new, timeout),
            running::contains);
  }

  /** The channels that are not finished, as of now. */
  public Set<ChannelId> live() {
    return model.unfinished();
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

  /**
   * Tells the channel to ask its revalidators again (a validator plug-in's {@link
   * io.ferry.channels.spi.ValidationUpdates#recheck}), through the same entity path as the API's
   * commands: on whichever member runs it, woken from the journal if it was passivated.
   */
  public void recheck(ChannelId id) {
    entity(id).tell(new ChannelCommand.Recheck(id));
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
   * Once the read model caught up with the journal and with {@code restart}, wakes every unfinished
   * channel; each restarts by its role (or finishes cleanup).
   */
  public CompletionStage<Void> resume(boolean restart) {
    return resume(restart, false);
  }

  /**
   * As {@link #resume(boolean)}; after a member crashed ({@code askAgain}), a restart that got no
   * answer is asked again: it may have gone to a shard still placed on the dead member.
   */
  public CompletionStage<Void> resume(boolean restart, boolean askAgain) {
    return listed()
        .exceptionally(
            e -> {
              throw new CompletionException(
                  new IllegalStateException(
                      "the channels of the " + journal + " cannot be read: " + e, e));
            })
        .thenAccept(
            ids -> {
              if (restart) {
                ids.forEach(id -> wake(id, askAgain));
              }
            });
  }

  /**
   * What channels tell this node: their states to the read model and, with their events, to {@code
   * hub}; cleanup to {@code cleanup}. A channel needs no registration: its first event makes it
   * known.
   */
  public ChannelListener listener(
      EventHub hub, Function<ChannelState, CompletionStage<Void>> cleanup) {
    return new ChannelListener() {
      @Override
      public CompletionStage<Void> register(ChannelId channelId) {
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public void published(ChannelEvent event, ChannelState state) {
        model.update(state);
        hub.publish(event, state);
      }

      @Override
      public CompletionStage<Void> cleanup(ChannelState state) {
        return cleanup.apply(state);
      }

      @Override
      public void ended(ChannelId channelId) {}

      @Override
      public void running(ChannelId channelId) {
        running.add(channelId);
      }

      @Override
      public void stopped(ChannelId channelId) {
        running.remove(channelId);
      }
    };
  }

  /**
   * Whether {@code id}'s actor runs on this member now: asking one that does not wakes it (it
   * recovers from the journal); the read model already holds what it would answer.
   */
  public boolean runsHere(ChannelId id) {
    return running.contains(id);
  }

  /** The unfinished channels (every member's), once the read model caught up with the journal. */
  public CompletionStage<Set<ChannelId>> listed() {
    return model.ready().thenApply(ok -> model.unfinished());
  }

  /**
   * Wakes the unfinished channels with {@code peer} whose actors do not run on this member, once
   * this member took the peer over from a member that crashed (its claim on the peer completed):
   * they ran on the dead member, and nothing else restarts them here. Those that run here already
   * were woken (by the oldest member's wake after the crash); waking them again would restart them
   * twice. Call it before the peer's held calls go through, which start the others' actors here.
   *
   * @return how many channels it wakes
   */
  public int wakeChannelsWith(PeerId peer) {
    int n = 0;
    for (ChannelId id : model.unfinished()) {
      if (id.isParty(peer) && !running.contains(id)) {
        wake(id, true);
        n++;
      }
    }
    return n;
  }

  /**
   * Asks {@code id} to restart. After a member crashed ({@code askAgain}), an ask can reach a shard
   * still placed on the dead member, or whose new home is not known yet, and be lost; unanswered,
   * the channel would sit with no transfer until its peer reaches it (ClusterFailoverTest), so it
   * is asked again ({@link #AFTER_A_CRASH}). Only a crash warrants asking again: a second ask
   * restarts a channel that the first one already restarted (ClusterRollingRestartTest failed so
   * after graceful leaves).
   */
  private void wake(ChannelId id, boolean askAgain) {
    wakes.wake(
        id, askAgain ? AFTER_A_CRASH : new ChannelWakes.Policy(1, askTimeout, Duration.ZERO));
  }

  private EntityRef<ChannelCommand> entity(ChannelId id) {
    return sharding.entityRefFor(ChannelEntity.TYPE_KEY, id.toString());
  }
}
