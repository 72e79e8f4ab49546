package io.ferry.server.retention;

import io.ferry.channels.ChannelId;
import io.ferry.server.http.NodeBackend;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@link RetentionPolicy} to a node: every sweep interval, and whenever {@link
 * #sweepNow()} is called, purges the channels the policy picks, {@value #IN_FLIGHT} at a time,
 * through {@link NodeBackend#purge}. A channel that cannot be purged is logged and tried again next
 * time; two sweeps never run at once.
 */
public final class RetentionSweeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);

  /**
   * Purges under way at once: each waits on the journal's synced deletes, which the journal does
   * one after the other, and meanwhile the next ones get there.
   */
  static final int IN_FLIGHT = 8;

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

  /** Purges {@code ids}, {@link #IN_FLIGHT} at a time; completes with those purged, in order. */
  private CompletionStage<List<ChannelId>> purgeAll(List<ChannelId> ids) {
    AtomicIntegerArray done = new AtomicIntegerArray(ids.size());
    AtomicInteger next = new AtomicInteger();
    List<CompletableFuture<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < Math.min(IN_FLIGHT, ids.size()); lane++) {
      lanes.add(purgeInTurn(ids, next, done).toCompletableFuture());
    }
    return CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              List<ChannelId> purged = new ArrayList<>();
              for (int i = 0; i < ids.size(); i++) {
                if (done.get(i) == 1) {
                  purged.add(ids.get(i));
                }
              }
              return List.copyOf(purged);
            });
  }

  /** One lane: purges the next id not taken yet, until none is left. */
  private CompletionStage<Void> purgeInTurn(
      List<ChannelId> ids, AtomicInteger next, AtomicIntegerArray done) {
    int i = next.getAndIncrement();
    if (i >= ids.size()) {
      return CompletableFuture.completedFuture(null);
    }
    ChannelId id = ids.get(i);
    return node.purge(id)
        .handle(
            (v, error) -> {
              if (error == null) {
                done.set(i, 1);
                onPurged.accept(id);
              } else {
                log.warn("retention: could not purge channel {}: {}", id, error.getMessage());
              }
              return null;
            })
        .thenCompose(v -> purgeInTurn(ids, next, done));
  }

  @Override
  public void close() {
    Cancellable s = schedule;
    if (s != null) {
      s.cancel();
    }
  }
}
