package io.ferry.engine.cluster;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataTransport;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransportHandler;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.external.javadsl.ExternalShardAllocationClient;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which member holds the connection to each remote peer, and so hosts the peer's channels: the
 * member that got the latest connection with it, and only that one. Sits between this member's
 * transport and the router. When a connection with peer P comes up here and P's shard ({@link
 * PeerShards}) is meant to be elsewhere (or this member gave P up), the member claims P ({@link
 * PeerClaims}): it holds every call concerning P ({@link HeldCalls}) and asks every other member to
 * release P ({@link HandOver}); each one drops its connection to P and stops dialing and sending to
 * P ({@code DataTransport.withhold}, {@link GivenPeers}) before it answers. Once every member did
 * (a member that died is waited for until the leader removed it), the claimant names itself P's
 * shard location (Pekko's external shard allocation, replicated to every member), waits until
 * sharding moved P's shard here (the coordinator rebalances it, stopping P's channels where they
 * ran), then lets the held calls through in order, so P's messages reach channels running beside
 * the one connection. Of two claims at once the member with the lower address goes first; a claim
 * whose connection the peer retired, or that gave P up to another claim, ends without serving P; a
 * claim that times out drops its own connection before the members that released P may dial it
 * again. Every {@link #RECONCILE} this member also drops connections to peers another member owns,
 * and dials again the peers it gave up to a claimant that is gone.
 */
public final class PeerOwnership implements TransportHandler, HandOverDesk.Member {
  private static final Logger log = LoggerFactory.getLogger(PeerOwnership.class);

  /** How long a claim waits for the other members and the shard before it ends. */
  private static final Duration CLAIM_LIMIT = Duration.ofSeconds(30);

  private static final Duration POLL = Duration.ofMillis(200);

  /** How long one round of a claim waits for a member asked to release a peer. */
  private static final Duration PROBE = Duration.ofSeconds(1);

  /**
   * How long a member whose heartbeats arrive may leave a request to release a peer unanswered
   * before the claimant downs it (a live member answers within milliseconds; a dead or frozen one
   * is unreachable within about 3 s and then downed by the split-brain resolver instead).
   */
  private static final Duration SILENCE = Duration.ofSeconds(5);

  /** How often connections to peers owned elsewhere are looked for. */
  public static final Duration RECONCILE = Duration.ofSeconds(2);

  private final ActorSystem<?> system;
  private final TransportHandler next;
  private final DataTransport transport;
  private final ExternalShardAllocationClient locations;
  private final Address self;
  private final Set<PeerId> connected = ConcurrentHashMap.newKeySet();
  private final HeldCalls held;
  private final GivenPeers given;
  private final PeerClaims claims;

  /** The members that crashed (were downed), until a member on the same address is up again. */
  private final Set<Address> crashed = ConcurrentHashMap.newKeySet();

  private final Consumer<PeerId> takenOver;

  private volatile Map<String, Address> owners = Map.of();

  private PeerOwnership(
      ActorSystem<?> system,
      TransportHandler next,
      DataTransport transport,
      Consumer<PeerId> takenOver) {
    this.system = system;
    this.next = next;
    this.transport = transport;
    this.takenOver = takenOver;
    this.locations = ExternalShardAllocation.get(system).getClient(ChannelEntity.TYPE_KEY.name());
    this.self = Cluster.get(system).selfMember().address();
    Object lock = new Object();
    this.held = new HeldCalls(lock);
    // A claim that never settled (a lost message) keeps a peer given up at most this long.
    this.given = new GivenPeers(CLAIM_LIMIT.plus(RECONCILE).multipliedBy(2));
    this.claims =
        new PeerClaims(
            system,
            transport,
            locations,
            self,
            new PeerClaims.Timing(CLAIM_LIMIT, POLL, PROBE, SILENCE),
            new PeerClaims.Shared(lock, held, given, connected),
            new PeerClaims.Outcome() {
              @Override
              public void serving(PeerId peer, Address before) {
                takeOver(peer, before);
              }

              @Override
              public void ended() {
                refreshOwners();
              }
            });
  }

  /**
   * Wraps {@code next} (the router) and starts looking for connections owned elsewhere; {@code
   * takenOver} wakes a peer's channels once this member took the peer over from a member that
   * crashed (before the peer's held calls go through).
   */
  public static PeerOwnership start(
      ActorSystem<?> system,
      TransportHandler next,
      DataTransport transport,
      Consumer<PeerId> takenOver) {
    PeerOwnership o = new PeerOwnership(system, next, transport, takenOver);
    ((ExtendedActorSystem) Adapter.toClassic(system))
        .systemActorOf(HandOverDesk.props(o), HandOverDesk.NAME);
    system
        .scheduler()
        .scheduleWithFixedDelay(RECONCILE, RECONCILE, o::reconcile, system.executionContext());
    return o;
  }

  /** The allocation strategy that places each peer's shard where its owner names it. */
  public static ShardCoordinator.ShardAllocationStrategy strategy(ActorSystem<?> system) {
    return new PeerAllocation(system);
  }

  /** Every remote peer's owner as last read, by shard (the peer ID as text). */
  public Map<String, Address> owners() {
    return owners;
  }

  /** The member serving {@code peer}, if one claimed it. */
  public Optional<Address> owner(PeerId peer) {
    return Optional.ofNullable(owners.get(PeerShards.shardOf(peer)));
  }

  // ---- the transport's calls ----

  @Override
  public void onPeerConnected(PeerId peer) {
    connected.add(peer);
    claims.claim(peer, owners.get(PeerShards.shardOf(peer)));
    held.deliver(peer, () -> next.onPeerConnected(peer));
  }

  @Override
  public void onPeerDisconnected(PeerId peer, String reason) {
    connected.remove(peer);
    held.deliver(peer, () -> next.onPeerDisconnected(peer, reason));
  }

  @Override
  public void onMessage(PeerId from, TransferMessage message) {
    held.deliver(from, () -> next.onMessage(from, message));
  }

  @Override
  public void onProgress(ChannelId channelId, DataProgress progress) {
    held.deliver(other(channelId), () -> next.onProgress(channelId, progress));
  }

  @Override
  public void onDataLimitReached(ChannelId channelId, long bytesQueued) {
    held.deliver(other(channelId), () -> next.onDataLimitReached(channelId, bytesQueued));
  }

  @Override
  public void onDataHeld(ChannelId channelId, long bytesQueued, long nextBlockBytes) {
    held.deliver(other(channelId), () -> next.onDataHeld(channelId, bytesQueued, nextBlockBytes));
  }

  @Override
  public void onDataFinished(ChannelId channelId, boolean sender, String error) {
    held.deliver(other(channelId), () -> next.onDataFinished(channelId, sender, error));
  }

  @Override
  public void onChannelQueued(ChannelId channelId, String reason) {
    held.deliver(other(channelId), () -> next.onChannelQueued(channelId, reason));
  }

  @Override
  public void onChannelAdmitted(ChannelId channelId) {
    held.deliver(other(channelId), () -> next.onChannelAdmitted(channelId));
  }

  private PeerId other(ChannelId id) {
    return id.otherParty(transport.self());
  }

  // ---- other members' claims ----

  @Override
  public HandOver release(PeerId peer, Address claimant) {
    HandOver answer = claims.release(peer, claimant);
    if (answer instanceof HandOver.Released) {
      if (connected.remove(peer)) {
        log.info("{} moves to {}: dropped this member's connection to it", peer, claimant);
      }
      transport.withhold(peer);
    }
    return answer;
  }

  @Override
  public void settled(PeerId peer, Address claimant, boolean serving) {
    if (claims.settled(peer, claimant, serving)) {
      transport.admit(peer);
    }
  }

  @Override
  public void membersChanged() {
    admitOrphans(upMembers());
  }

  @Override
  public void crashed(Address address, boolean crashed) {
    if (crashed) {
      this.crashed.add(address);
    } else {
      this.crashed.remove(address);
    }
  }

  /**
   * This member's claim of {@code peer} completed: when the member that served the peer before
   * crashed, the peer's channels ran there and nothing else restarts them here, so they are woken
   * now, as soon as their shard is here, rather than when a timer guesses it is (Departures). A
   * peer taken from a member that is up, or that left (it handed its channels over), is not: its
   * channels' own messages carry on, and a second restart would restart them twice.
   */
  private void takeOver(PeerId peer, Address before) {
    if (before == null || before.equals(self) || !crashed.contains(before)) {
      return;
    }
    log.info(
        "{} was served by {}, which crashed: waking its channels on this member", peer, before);
    try {
      takenOver.accept(peer);
    } catch (RuntimeException e) {
      log.warn("could not wake the channels with {}: {}", peer, e.toString());
    }
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
    for (GivenPeers.Orphan o : given.takeOrphans(up)) {
      log.info("{} was given up to {}, which no longer serves it", o.peer(), o.claimant());
      transport.admit(o.peer());
    }
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
                    && !held.holds(peer)) {
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
