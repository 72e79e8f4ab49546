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
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.sharding.external.javadsl.ExternalShardAllocationClient;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which member holds the connection to each remote peer, and so hosts the peer's channels: the
 * member that got the latest connection with it, and only that one. Sits between this member's
 * transport and the router. When a connection with peer P comes up here and P's shard ({@link
 * PeerShards}) is meant to be elsewhere (or this member gave P up), the member claims P: it holds
 * every call concerning P and asks every other member to release P ({@link HandOver}); each one
 * drops its connection to P and stops dialing and sending to P ({@code DataTransport.withhold})
 * before it answers. Once every member did (a member that died is waited for until the leader
 * removed it), the claimant names itself P's shard location (Pekko's external shard allocation,
 * replicated to every member), waits until sharding moved P's shard here (the coordinator
 * rebalances it, stopping P's channels where they ran), then lets the held calls through in order,
 * so P's messages reach channels running beside the one connection. Of two claims at once the
 * member with the lower address goes first; a claim whose connection the peer retired, or that gave
 * P up to another claim, ends without serving P; a claim that times out drops its own connection
 * before the members that released P may dial it again.
 */
public final class PeerOwnership implements TransportHandler, HandOverDesk.Member {
  private static final Logger log = LoggerFactory.getLogger(PeerOwnership.class);

  /** How long a claim waits for the other members and the shard before it ends. */
  private static final Duration CLAIM_LIMIT = Duration.ofSeconds(30);

  private static final Duration POLL = Duration.ofMillis(200);

  /** How long a member asked to release a peer has to answer before it is asked again. */
  private static final Duration PROBE = Duration.ofSeconds(1);

  /** How often connections to peers owned elsewhere are looked for. */
  public static final Duration RECONCILE = Duration.ofSeconds(2);

  private final ActorSystem<?> system;
  private final TransportHandler next;
  private final DataTransport transport;
  private final ExternalShardAllocationClient locations;
  private final Address self;
  private final HandOverRequests requests;
  private final ShardMoves moves;
  private final Object lock = new Object();
  private final Map<PeerId, List<Runnable>> held = new ConcurrentHashMap<>();
  private final Set<PeerId> connected = ConcurrentHashMap.newKeySet();
  private final Map<PeerId, Claim> claims = new ConcurrentHashMap<>();

  /** Peers this member gave up to another member's claim: not dialed, sent nothing. */
  private final Map<PeerId, Given> withheld = new ConcurrentHashMap<>();

  private volatile Map<String, Address> owners = Map.of();

  private PeerOwnership(ActorSystem<?> system, TransportHandler next, DataTransport transport) {
    this.system = system;
    this.next = next;
    this.transport = transport;
    this.locations = ExternalShardAllocation.get(system).getClient(ChannelEntity.TYPE_KEY.name());
    this.self = Cluster.get(system).selfMember().address();
    this.requests = new HandOverRequests(system, self, PROBE);
    this.moves = new ShardMoves(system, locations, self, POLL);
  }

  /** Wraps {@code next} (the router) and starts looking for connections owned elsewhere. */
  public static PeerOwnership start(
      ActorSystem<?> system, TransportHandler next, DataTransport transport) {
    PeerOwnership o = new PeerOwnership(system, next, transport);
    ((org.apache.pekko.actor.ExtendedActorSystem) Adapter.toClassic(system))
        .systemActorOf(HandOverDesk.props(o), HandOverDesk.NAME);
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

  /** How a claim ended before the shard moved: every other member released the peer, or not. */
  private enum Asked {
    RELEASED,
    ABANDONED,
    TIMED_OUT
  }

  /** A claim under way; {@code abandoned} once this member gave the peer up to another claim. */
  private static final class Claim {
    volatile boolean abandoned;
  }

  private void claim(PeerId peer) {
    String shard = PeerShards.shardOf(peer);
    if (self.equals(owners.get(shard)) && !withheld.containsKey(peer)) {
      return;
    }
    Claim claim = new Claim();
    synchronized (lock) {
      if (held.putIfAbsent(peer, new ArrayList<>()) != null) {
        return;
      }
      claims.put(peer, claim);
    }
    log.info("connected to {}: moving its channels to this member", peer);
    long deadline = System.nanoTime() + CLAIM_LIMIT.toNanos();
    askToRelease(peer, claim, deadline)
        .thenCompose(
            asked -> {
              if (asked != Asked.RELEASED) {
                return CompletableFuture.completedFuture(asked);
              }
              return locations
                  .setShardLocation(shard, self)
                  .thenCompose(done -> moves.awaitHere(shard, deadline))
                  .thenApply(moved -> Asked.RELEASED);
            })
        .whenComplete(
            (result, error) -> {
              Asked asked = result;
              synchronized (lock) {
                claims.remove(peer, claim);
                if (asked == Asked.RELEASED && claim.abandoned) {
                  asked = Asked.ABANDONED;
                } else if (error == null && asked == Asked.RELEASED) {
                  withheld.remove(peer);
                }
              }
              if (error == null && asked == Asked.RELEASED) {
                // Named the owner, the shard here or on its way: serve the peer. Every other
                // member dropped its connection and dials the peer no more.
                transport.admit(peer);
                requests.settle(peer, true);
                log.info("the channels with {} run on this member", peer);
              } else if (error == null && asked == Asked.ABANDONED) {
                // The peer retired this member's connection, or another member's claim went
                // first and this member gave the peer up to it: the calls go wherever it is.
                requests.settle(peer, false);
                log.info("{} is served by another member: this member's claim ended", peer);
              } else {
                // Some member kept the peer: this member drops its own connection before the
                // others may dial the peer again, so the peer never has two members at once.
                connected.remove(peer);
                transport.disconnect(peer);
                requests.settle(peer, false);
                log.warn(
                    "could not move the channels with {} here: {}",
                    peer,
                    error != null ? error.toString() : "another member kept it");
              }
              release(peer);
            });
  }

  /**
   * Asks every other member to give {@code peer} up until each one did (it dropped its connection
   * and dials the peer no more before it answers), the claim was abandoned (this member's
   * connection went, or it gave the peer up to another claim) or the deadline passed. A member that
   * does not answer is asked again every {@link #POLL} until it answers or leaves the cluster: a
   * member killed with kill -9 is downed by the split-brain resolver and removed by the leader, and
   * then has nothing to give up. A leaving member closed its transport before it left.
   */
  private CompletionStage<Asked> askToRelease(PeerId peer, Claim claim, long deadline) {
    if (claim.abandoned || !connected.contains(peer)) {
      return CompletableFuture.completedFuture(Asked.ABANDONED);
    }
    if (System.nanoTime() > deadline) {
      return CompletableFuture.completedFuture(Asked.TIMED_OUT);
    }
    return requests
        .allReleased(peer)
        .thenCompose(
            released -> {
              if (released) {
                return claim.abandoned
                    ? CompletableFuture.completedFuture(Asked.ABANDONED)
                    : CompletableFuture.completedFuture(Asked.RELEASED);
              }
              CompletableFuture<Asked> later = new CompletableFuture<>();
              system
                  .scheduler()
                  .scheduleOnce(
                      POLL,
                      () ->
                          askToRelease(peer, claim, deadline)
                              .whenComplete(
                                  (a, e) -> later.complete(e == null ? a : Asked.TIMED_OUT)),
                      system.executionContext());
              return later;
            });
  }

  // ---- giving a peer up ----

  /** A peer this member gave up to {@code claimant}; {@code serving} once the claim succeeded. */
  private record Given(Address claimant, long since, boolean serving) {}

  @Override
  public HandOver release(PeerId peer, Address claimant) {
    synchronized (lock) {
      Claim mine = claims.get(peer);
      if (mine != null && !mine.abandoned && Member.addressOrdering().compare(self, claimant) < 0) {
        return new HandOver.Refused(peer.toString());
      }
      if (mine != null) {
        mine.abandoned = true;
      }
      withheld.put(peer, new Given(claimant, System.nanoTime(), false));
    }
    if (connected.remove(peer)) {
      log.info("{} moves to {}: dropped this member's connection to it", peer, claimant);
    }
    transport.withhold(peer);
    return new HandOver.Released(peer.toString());
  }

  @Override
  public void settled(PeerId peer, Address claimant, boolean serving) {
    synchronized (lock) {
      Given given = withheld.get(peer);
      if (given == null || !given.claimant().equals(claimant)) {
        return;
      }
      if (serving) {
        withheld.put(peer, new Given(claimant, given.since(), true));
        return;
      }
      withheld.remove(peer);
    }
    transport.admit(peer);
  }

  @Override
  public void membersChanged() {
    admitOrphans(upMembers());
  }

  private Set<Address> upMembers() {
    Set<Address> up = ConcurrentHashMap.newKeySet();
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (m.status() == MemberStatus.up()) {
        up.add(m.address());
      }
    }
    return up;
  }

  /**
   * Dials the peers given up again whose claimant left the cluster (its shards go to the members
   * that wake them, which must be free to dial), or whose claim never settled (a lost message).
   */
  private void admitOrphans(Set<Address> up) {
    long now = System.nanoTime();
    for (Map.Entry<PeerId, Given> e : withheld.entrySet()) {
      Given g = e.getValue();
      boolean orphan =
          !up.contains(g.claimant())
              || !g.serving() && now - g.since() > CLAIM_LIMIT.plus(RECONCILE).toNanos() * 2;
      if (orphan && withheld.remove(e.getKey(), g)) {
        log.info("{} was given up to {}, which no longer serves it", e.getKey(), g.claimant());
        transport.admit(e.getKey());
      }
    }
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

  /**
   * Drops connections to peers that another member that is up now owns, and dials again the peers
   * given up to a claimant that is gone.
   */
  private void reconcile() {
    refreshOwners()
        .thenRun(
            () -> {
              Set<Address> up = upMembers();
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
              admitOrphans(up);
            })
        .exceptionally(
            e -> {
              log.debug("could not read the peers' owners: {}", e.toString());
              return null;
            });
  }
}
