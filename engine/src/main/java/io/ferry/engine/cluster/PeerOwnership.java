package io.ferry.engine.cluster;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataTransport;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransportHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.sharding.external.javadsl.ExternalShardAllocationClient;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which member holds the connection to each remote peer, and so hosts the peer's channels: the
 * member that got the latest connection with it. Sits between this member's transport and the
 * router. When a connection with peer P comes up here and P's shard ({@link PeerShards}) is meant
 * to be elsewhere, the member claims P: it names itself P's shard location (Pekko's external shard
 * allocation, replicated to every member), holds every call concerning P until sharding has moved
 * P's shard here (the coordinator rebalances it, stopping P's channels where they ran), then lets
 * them through in order, so P's messages reach channels running beside the connection. Every few
 * seconds each member drops the connections to peers that another live member now owns, so exactly
 * one member stays connected to a peer.
 */
public final class PeerOwnership implements TransportHandler {
  private static final Logger log = LoggerFactory.getLogger(PeerOwnership.class);

  /** How long a claim waits for the shard to move before it lets the held calls through. */
  private static final Duration CLAIM_LIMIT = Duration.ofSeconds(30);

  private static final Duration POLL = Duration.ofMillis(200);

  /** How long the member holding a peer's shard has to answer before it counts as silent. */
  private static final Duration PROBE = Duration.ofSeconds(1);

  private static final String PROBE_ID = "peer-ownership";

  /** How often connections to peers owned elsewhere are looked for. */
  public static final Duration RECONCILE = Duration.ofSeconds(2);

  private final ActorSystem<?> system;
  private final TransportHandler next;
  private final DataTransport transport;
  private final ExternalShardAllocationClient locations;
  private final Address self;
  private final Object lock = new Object();
  private final Map<PeerId, List<Runnable>> held = new ConcurrentHashMap<>();
  private final Set<PeerId> connected = ConcurrentHashMap.newKeySet();
  private volatile Map<String, Address> owners = Map.of();

  private PeerOwnership(ActorSystem<?> system, TransportHandler next, DataTransport transport) {
    this.system = system;
    this.next = next;
    this.transport = transport;
    this.locations = ExternalShardAllocation.get(system).getClient(ChannelEntity.TYPE_KEY.name());
    this.self = Cluster.get(system).selfMember().address();
  }

  /** Wraps {@code next} (the router) and starts looking for connections owned elsewhere. */
  public static PeerOwnership start(
      ActorSystem<?> system, TransportHandler next, DataTransport transport) {
    PeerOwnership o = new PeerOwnership(system, next, transport);
    system
        .scheduler()
        .scheduleWithFixedDelay(RECONCILE, RECONCILE, o::reconcile, system.executionContext());
    return o;
  }

  /** The allocation strategy that places each peer's shard where its owner names it. */
  public static ExternalShardAllocationStrategy strategy(ActorSystem<?> system) {
    return ExternalShardAllocationStrategy.apply(system, ChannelEntity.TYPE_KEY.name());
  }

  /** Every remote peer's owner as last read, by shard (the peer ID as text). */
  public Map<String, Address> owners() {
    return owners;
  }

  /** The member serving {@code peer}, if one claimed it. */
  public java.util.Optional<Address> owner(PeerId peer) {
    return java.util.Optional.ofNullable(owners.get(PeerShards.shardOf(peer)));
  }

  // ---- the transport's calls ----

  @Override
  public void onPeerConnected(PeerId peer) {
    connected.add(peer);
    claim(peer);
    deliver(peer, () -> next.onPeerConnected(peer));
  }

  @Override
  public void onPeerDisconnected(PeerId peer, String reason) {
    connected.remove(peer);
    deliver(peer, () -> next.onPeerDisconnected(peer, reason));
  }

  @Override
  public void onMessage(PeerId from, TransferMessage message) {
    deliver(from, () -> next.onMessage(from, message));
  }

  @Override
  public void onProgress(ChannelId channelId, DataProgress progress) {
    deliver(other(channelId), () -> next.onProgress(channelId, progress));
  }

  @Override
  public void onDataLimitReached(ChannelId channelId, long bytesQueued) {
    deliver(other(channelId), () -> next.onDataLimitReached(channelId, bytesQueued));
  }

  @Override
  public void onDataHeld(ChannelId channelId, long bytesQueued, long nextBlockBytes) {
    deliver(other(channelId), () -> next.onDataHeld(channelId, bytesQueued, nextBlockBytes));
  }

  @Override
  public void onDataFinished(ChannelId channelId, boolean sender, String error) {
    deliver(other(channelId), () -> next.onDataFinished(channelId, sender, error));
  }

  @Override
  public void onChannelQueued(ChannelId channelId) {
    deliver(other(channelId), () -> next.onChannelQueued(channelId));
  }

  private PeerId other(ChannelId id) {
    return id.otherParty(transport.self());
  }

  /** Runs the call now, or after the claim under way for {@code peer}, in arrival order. */
  private void deliver(PeerId peer, Runnable call) {
    synchronized (lock) {
      List<Runnable> q = held.get(peer);
      if (q != null) {
        q.add(call);
        return;
      }
    }
    call.run();
  }

  // ---- claiming ----

  private void claim(PeerId peer) {
    String shard = PeerShards.shardOf(peer);
    if (self.equals(owners.get(shard))) {
      return;
    }
    synchronized (lock) {
      if (held.putIfAbsent(peer, new ArrayList<>()) != null) {
        return;
      }
    }
    log.info("connected to {}: moving its channels to this member", peer);
    long deadline = System.nanoTime() + CLAIM_LIMIT.toNanos();
    awaitFormerOwner(shard, deadline)
        .thenCompose(ready -> locations.setShardLocation(shard, self))
        .thenCompose(done -> awaitHere(shard, deadline))
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                log.warn("could not move the channels with {} here: {}", peer, error.toString());
              } else {
                log.info("the channels with {} run on this member", peer);
              }
              release(peer);
            });
  }

  /**
   * Completes once the member {@code shard} is placed on can give it up at once (or at deadline):
   * it answers (it is alive, and a live member hands a shard over in well under a second), it is
   * leaving, or it is gone from the cluster. A member that stopped answering is not asked to hand
   * over: a peer redials a survivor within a second of a kill -9, before the failure detector
   * noticed anything, and a move away from the dead member then waited out Pekko's {@code
   * handoff-timeout} and was tried again every second until the member was removed, each try able
   * to wait the whole timeout again (ClusterFailoverTest: 30 s from the kill to data moving again
   * when the sharding coordinator ran on a survivor). Once the split-brain resolver downed the dead
   * member and the leader removed it, its shards have no home and the claim places this one here
   * without a hand-off.
   */
  private CompletionStage<Void> awaitFormerOwner(String shard, long deadline) {
    return locations
        .getShardLocations()
        .thenCompose(
            l -> {
              var at = l.getShardLocations().get(shard);
              return canHandOver(at == null ? null : at.address());
            })
        .exceptionally(e -> false)
        .thenCompose(
            ready -> {
              if (ready || System.nanoTime() > deadline) {
                return CompletableFuture.<Void>completedFuture(null);
              }
              CompletableFuture<Void> later = new CompletableFuture<>();
              system
                  .scheduler()
                  .scheduleOnce(
                      POLL,
                      () ->
                          awaitFormerOwner(shard, deadline)
                              .whenComplete((v, e) -> later.complete(null)),
                      system.executionContext());
              return later;
            });
  }

  /** Whether the member at {@code owner} (null: none yet) can hand a shard over at once. */
  private CompletionStage<Boolean> canHandOver(Address owner) {
    if (owner == null || owner.equals(self)) {
      return CompletableFuture.completedFuture(true);
    }
    var state = Cluster.get(system).state();
    Member member = null;
    for (Member m : state.getMembers()) {
      if (m.address().equals(owner)) {
        member = m;
      }
    }
    if (member == null
        || member.status() == MemberStatus.removed()
        || member.status() == MemberStatus.leaving()
        || member.status() == MemberStatus.exiting()) {
      return CompletableFuture.completedFuture(true);
    }
    if (member.status() == MemberStatus.down() || state.getUnreachable().contains(member)) {
      // Downed or suspected: its shards are free once the leader removed it.
      return CompletableFuture.completedFuture(false);
    }
    return answers(owner);
  }

  /** Whether the member at {@code address} answers within {@link #PROBE}. */
  private CompletionStage<Boolean> answers(Address address) {
    ActorSelection sharding =
        Adapter.toClassic(system).actorSelection(address + "/system/sharding");
    return Patterns.ask(sharding, new Identify(PROBE_ID), PROBE)
        .handle((reply, e) -> reply instanceof ActorIdentity id && id.getActorRef().isPresent());
  }

  /** Completes once the shard runs nowhere but here, another member claimed it, or at deadline. */
  private CompletionStage<Void> awaitHere(String shard, long deadline) {
    return locations
        .getShardLocations()
        .thenCompose(
            l -> {
              var claimed = l.getShardLocations().get(shard);
              if (claimed != null && !self.equals(claimed.address())) {
                // Another member claimed the peer since: its connection wins, this one's calls go
                // through (to wherever the shard is) and reconcile drops this connection. Waiting
                // out the claim limit kept two members connected to the peer for 30 s, and the
                // peer kept retiring the newer member's connections until its channels gave up.
                return CompletableFuture.completedFuture(null);
              }
              return awaitMoved(shard, deadline);
            });
  }

  private CompletionStage<Void> awaitMoved(String shard, long deadline) {
    return stats()
        .thenCompose(
            stats -> {
              boolean elsewhere =
                  stats.getRegions().entrySet().stream()
                      .anyMatch(
                          e ->
                              !e.getKey().equals(self)
                                  && e.getValue().getStats().containsKey(shard));
              if (!elsewhere || System.nanoTime() > deadline) {
                return CompletableFuture.completedFuture(null);
              }
              CompletableFuture<Void> later = new CompletableFuture<>();
              system
                  .scheduler()
                  .scheduleOnce(
                      POLL,
                      () -> awaitHere(shard, deadline).whenComplete((v, e) -> later.complete(null)),
                      system.executionContext());
              return later;
            });
  }

  private CompletionStage<ShardRegion.ClusterShardingStats> stats() {
    return AskPattern.ask(
        ClusterSharding.get(system).shardState(),
        replyTo ->
            new GetClusterShardingStats(ChannelEntity.TYPE_KEY, Duration.ofSeconds(3), replyTo),
        Duration.ofSeconds(5),
        system.scheduler());
  }

  private void release(PeerId peer) {
    synchronized (lock) {
      List<Runnable> q = held.remove(peer);
      if (q != null) {
        q.forEach(Runnable::run);
      }
    }
    refreshOwners();
  }

  // ---- one connection per peer ----

  private CompletionStage<Void> refreshOwners() {
    return locations
        .getShardLocations()
        .thenAccept(
            l -> {
              Map<String, Address> m = new ConcurrentHashMap<>();
              l.getShardLocations().forEach((shard, loc) -> m.put(shard, loc.address()));
              owners = m;
            });
  }

  /** Drops connections to peers that another member that is up now owns. */
  private void reconcile() {
    refreshOwners()
        .thenRun(
            () -> {
              Set<Address> up = ConcurrentHashMap.newKeySet();
              Cluster.get(system)
                  .state()
                  .getMembers()
                  .forEach(
                      m -> {
                        if (m.status() == MemberStatus.up()) {
                          up.add(m.address());
                        }
                      });
              for (PeerId peer : connected) {
                Address owner = owners.get(PeerShards.shardOf(peer));
                if (owner != null
                    && !owner.equals(self)
                    && up.contains(owner)
                    && !held.containsKey(peer)) {
                  log.info(
                      "{} is now served by {}: dropping this member's connection", peer, owner);
                  connected.remove(peer);
                  transport.disconnect(peer);
                }
              }
            })
        .exceptionally(
            e -> {
              log.debug("could not read the peers' owners: {}", e.toString());
              return null;
            });
  }
}
