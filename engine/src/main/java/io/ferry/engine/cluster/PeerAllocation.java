package io.ferry.engine.cluster;

import io.ferry.channels.entity.ChannelEntity;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.util.Timeout;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

/**
 * Where the sharding coordinator places each peer's shard: where its owner names it (Pekko's
 * external shard allocation, {@link PeerOwnership}), except that a shard is never moved away from a
 * member that is unreachable or downed. Such a member cannot hand the shard over: the move would
 * wait out {@code handoff-timeout} and hold every message for the shard meanwhile, again at each
 * rebalance, until the member is removed, when its shards are freed anyway. So a claimant may name
 * itself the location of a peer whose only other holder was downed ({@link PeerClaims}) before the
 * leader removed it, and the shard, freed at the removal, starts on the claimant at once instead of
 * on whichever member woke it first and then moving.
 */
final class PeerAllocation implements ShardCoordinator.StartableAllocationStrategy {
  private final ActorSystem<?> system;
  private final ExternalShardAllocationStrategy external;

  PeerAllocation(ActorSystem<?> system) {
    this.system = system;
    this.external =
        new ExternalShardAllocationStrategy(
            Adapter.toClassic(system),
            ChannelEntity.TYPE_KEY.name(),
            Timeout.create(Duration.ofSeconds(5)));
  }

  @Override
  public void start() {
    external.start();
  }

  @Override
  public Future<ActorRef> allocateShard(
      ActorRef requester,
      String shardId,
      scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> current) {
    return external.allocateShard(requester, shardId, current);
  }

  @Override
  public Future<scala.collection.immutable.Set<String>> rebalance(
      scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> current,
      scala.collection.immutable.Set<String> inProgress) {
    Set<String> stuck = onLostMembers(current);
    return FutureConverters.asScala(
        FutureConverters.asJava(external.rebalance(current, inProgress))
            .thenApply(
                moves -> {
                  Set<String> keep = new HashSet<>(CollectionConverters.asJava(moves));
                  keep.removeAll(stuck);
                  return CollectionConverters.asScala(keep).<String>toSet();
                }));
  }

  /** The shards of regions on members that are unreachable or downed. */
  private Set<String> onLostMembers(
      scala.collection.immutable.Map<ActorRef, IndexedSeq<String>> current) {
    Cluster cluster = Cluster.get(system);
    Set<Address> lost = new HashSet<>();
    for (Member m : cluster.state().getMembers()) {
      if (m.status() == MemberStatus.down() || cluster.state().getUnreachable().contains(m)) {
        lost.add(m.address());
      }
    }
    Set<String> shards = new HashSet<>();
    if (lost.isEmpty()) {
      return shards;
    }
    for (Map.Entry<ActorRef, IndexedSeq<String>> e :
        CollectionConverters.asJava(current).entrySet()) {
      if (lost.contains(e.getKey().path().address())) {
        shards.addAll(CollectionConverters.asJava(e.getValue()));
      }
    }
    return shards;
  }
}
