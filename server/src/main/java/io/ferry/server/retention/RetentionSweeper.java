package io.ferry.server.retention;

import io.ferry.channels.ChannelId;
import io.ferry.server.http.NodeBackend;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@link RetentionPolicy} to a node: every sweep interval, and whenever {@link
 * #sweepNow()} is called, purges the channels the policy picks, {@value Purges#IN_FLIGHT} at a
 * time, through {@link NodeBackend#purge}. A channel that cannot be purged is logged and tried
 * again next time; two sweeps never run at once.
 */
public final class RetentionSweeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);

  private final NodeBackend node;
  private final RetentionPolicy policy;
  private final Clock clock;
  private final Consumer<ChannelId> onPurged;
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile Cancellable schedule;

  /**
   * @param onPurged told about every purged channel (e.g. to drop it from metrics)
   */
  public RetentionSweeper(
      NodeBackend node, RetentionPolicy policy, Clock clock, Consumer<ChannelId> onPurged) {
    this.node = node;
    this.policy = policy;
    this.clock = clock;
    this.onPurged = onPurged;
  }

  /** Sweeps every {@code interval}, the first time after one interval. */
  public RetentionSweeper start(ActorSystem<?> system, Duration interval) {
    schedule =
        system
            .scheduler()
            .scheduleWithFixedDelay(interval, interval, this::sweepNow, system.executionContext());
    return this;
  }

  /**
   * Purges what the policy picks now. Completes with the purged channels (empty when another sweep
   * is running).
   */
  public CompletionStage<List<ChannelId>> sweepNow() {
    if (!running.compareAndSet(false, true)) {
      return CompletableFuture.completedFuture(List.of());
    }
    return node.channels()
        .thenCompose(all -> purgeAll(policy.toPurge(all, clock.instant())))
        .whenComplete(
            (purged, error) -> {
              running.set(false);
              if (error != null) {
                log.warn("retention sweep failed: {}", error.getMessage());
              } else if (!purged.isEmpty()) {
                log.info("retention: purged {} terminal channel(s)", purged.size());
              }
            });
  }

  /** Purges {@code ids} through {@link Purges}; completes with those purged, in order. */
  private CompletionStage<List<ChannelId>> purgeAll(List<ChannelId> ids) {
    return Purges.purge(node, ids)
        .thenApply(
            report -> {
              report
                  .failed()
                  .forEach(
                      (id, error) ->
                          log.warn(
                              "retention: could not purge channel {}: {}", id, error.getMessage()));
              report.purged().forEach(onPurged);
              return report.purged();
            });
  }

  @Override
  public void close() {
    Cancellable s = schedule;
    if (s != null) {
      s.cancel();
    }
  }
}
