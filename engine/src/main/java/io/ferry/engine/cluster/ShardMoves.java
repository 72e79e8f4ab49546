package io.ferry.engine.cluster;

import io.ferry.channels.entity.ChannelEntity;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.external.javadsl.ExternalShardAllocationClient;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** Waits for a peer's shard to move to this member once the member named itself its location. */
final class ShardMoves {
  /**
   * How long the coordinator waits for every region's shards (live regions answer in milliseconds).
   * A region on a member that was just removed never answers until {@code down-removal-margin}
   * passed, and the coordinator then answers with no region at all, which is asked again: with 3 s
   * a claim after a kill -9 waited 3 s for it, with 1 s the claim ended 1.1-1.4 s after the
   * removal, and the wake of the peer's channels waits for the claim. A live region slower than
   * this only costs another round.
   */
  private static final Duration STATS_WAIT = Duration.ofMillis(300);

  private final ActorSystem<?> system;
  private final ExternalShardAllocationClient locations;
  private final Address self;
  private final Duration poll;

  ShardMoves(
      ActorSystem<?> system, ExternalShardAllocationClient locations, Address self, Duration poll) {
    this.system = system;
    this.locations = locations;
    this.self = self;
    this.poll = poll;
  }

  /**
   * Completes once the shard runs nowhere but here (as every region told the coordinator), another
   * member claimed it, or at deadline.
   */
  CompletionStage<Void> awaitHere(String shard, long deadline) {
    return locations
        .getShardLocations()
        .thenCompose(
            l -> {
              var claimed = l.getShardLocations().get(shard);
              if (claimed != null && !self.equals(claimed.address())) {
                // Another member claimed the peer since (this one released it to that claim).
                return CompletableFuture.completedFuture(null);
              }
              return awaitMoved(shard, deadline);
            });
  }

  private CompletionStage<Void> awaitMoved(String shard, long deadline) {
    return stats()
        .handle((stats, error) -> error == null ? stats : null)
        .thenCompose(
            stats -> {
              // No answer in time, or no region at all, not even this member's: the coordinator is
              // moving, or a region did not answer in time (one on a member just removed, which
              // the coordinator still asks until down-removal-margin passed): not known yet, ask
              // again. (A claim that took an unanswered ask for an end failed in PeerTakeOverTest.)
              boolean unknown = stats == null || stats.getRegions().isEmpty();
              boolean elsewhere =
                  !unknown
                      && stats.getRegions().entrySet().stream()
                          .anyMatch(
                              e ->
                                  !e.getKey().equals(self)
                                      && e.getValue().getStats().containsKey(shard));
              if (!unknown && !elsewhere || System.nanoTime() > deadline) {
                return CompletableFuture.completedFuture(null);
              }
              CompletableFuture<Void> later = new CompletableFuture<>();
              system
                  .scheduler()
                  .scheduleOnce(
                      poll,
                      () -> awaitHere(shard, deadline).whenComplete((v, e) -> later.complete(null)),
                      system.executionContext());
              return later;
            });
  }

  private CompletionStage<ShardRegion.ClusterShardingStats> stats() {
    return AskPattern.ask(
        ClusterSharding.get(system).shardState(),
        replyTo -> new GetClusterShardingStats(ChannelEntity.TYPE_KEY, STATS_WAIT, replyTo),
        STATS_WAIT.multipliedBy(2),
        system.scheduler());
  }
}
