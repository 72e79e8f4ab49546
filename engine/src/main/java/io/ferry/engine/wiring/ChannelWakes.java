package io.ferry.engine.wiring;

import io.ferry.channels.ChannelId;
import io.ferry.channels.entity.ChannelReply;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Wakes channels by asking each to restart, after a member crashed: an ask can be lost (sent while
 * sharding still placed the channel on the dead member, or before the shard's new home was known),
 * so one that gets no answer within {@link Policy#timeout()} is asked again, a bounded number of
 * times, unless the channel's actor runs on this member by then (the ask reached it; asking again
 * would restart a channel whose restart may already be done). Asking again after a short timeout is
 * safe otherwise: a restart under way in the same actor answers "already under way".
 */
final class ChannelWakes {
  /**
   * How many times a wake is asked, how long each ask waits for its answer, and the pause before
   * the next one.
   */
  record Policy(int attempts, Duration timeout, Duration pause) {
    Policy {
      if (attempts < 1) {
        throw new IllegalArgumentException("a wake needs at least one attempt, got " + attempts);
      }
    }
  }

  /** How a wake ended. */
  enum Woken {
    /** The channel answered the restart. */
    ANSWERED,
    /**
     * An ask got no answer, but the channel's actor runs on this member now: the ask reached it.
     */
    RUNS_HERE,
    /** No ask was answered; the channel is left to its peer. */
    GAVE_UP
  }

  private final BiFunction<ChannelId, Duration, CompletionStage<ChannelReply>> restart;
  private final Predicate<ChannelId> runsHere;

  /**
   * @param restart asks a channel to restart, failing when no answer came within the duration
   * @param runsHere whether a channel's actor runs on this member now
   */
  ChannelWakes(
      BiFunction<ChannelId, Duration, CompletionStage<ChannelReply>> restart,
      Predicate<ChannelId> runsHere) {
    this.restart = restart;
    this.runsHere = runsHere;
  }

  /** Asks {@code id} to restart until it answers or runs here, at most {@code policy} allows. */
  CompletionStage<Woken> wake(ChannelId id, Policy policy) {
    return attempt(id, policy, policy.attempts());
  }

  private CompletionStage<Woken> attempt(ChannelId id, Policy policy, int left) {
    return restart
        .apply(id, policy.timeout())
        .handle((reply, error) -> error == null)
        .thenCompose(
            answered -> {
              if (answered) {
                return CompletableFuture.completedFuture(Woken.ANSWERED);
              }
              if (runsHere.test(id)) {
                return CompletableFuture.completedFuture(Woken.RUNS_HERE);
              }
              if (left <= 1) {
                return CompletableFuture.completedFuture(Woken.GAVE_UP);
              }
              return CompletableFuture.supplyAsync(
                      () -> null,
                      CompletableFuture.delayedExecutor(
                          policy.pause().toMillis(), TimeUnit.MILLISECONDS))
                  .thenCompose(ignored -> attempt(id, policy, left - 1));
            });
  }
}
