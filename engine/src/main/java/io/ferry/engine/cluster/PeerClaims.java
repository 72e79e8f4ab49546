package io.ferry.engine.cluster;

import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataTransport;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.sharding.external.javadsl.ExternalShardAllocationClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claim protocol of {@link PeerOwnership}, both sides. The claimant holds every call concerning
 * the peer ({@link HeldCalls}), asks every other member to release it ({@link HandOverRequests})
 * until each one did, names itself the peer's shard location, waits until sharding moved the shard
 * here ({@link ShardMoves}), then serves the peer and lets the held calls through. A member asked
 * to release a peer gives it up ({@link GivenPeers}) unless it claims the peer itself and goes
 * first (its address orders lower).
 */
final class PeerClaims {
  private static final Logger log = LoggerFactory.getLogger(PeerClaims.class);

  /** How a claim ended before the shard moved: every other member released the peer, or not. */
  private enum Asked {
    RELEASED,
    ABANDONED,
    TIMED_OUT
  }

  /** A claim under way; {@code abandoned} once this member gave the peer up to another claim. */
  private static final class Claim {
    final HandOverRequests.Asking asking;

    /** The member named the peer's location when the claim began; null when none was. */
    final Address before;

    volatile boolean abandoned;

    /** Whether this member already named itself the location while a downed member remained. */
    volatile boolean located;

    Claim(HandOverRequests.Asking asking, Address before) {
      this.asking = asking;
      this.before = before;
    }
  }

  private final ActorSystem<?> system;
  private final DataTransport transport;
  private final ExternalShardAllocationClient locations;
  private final Address self;
  private final HandOverRequests requests;
  private final ShardMoves moves;
  private final Duration limit;
  private final Duration poll;
  private final Object lock;
  private final HeldCalls held;
  private final GivenPeers given;
  private final Set<PeerId> connected;
  private final Map<PeerId, Claim> claims = new ConcurrentHashMap<>();

  private final Outcome outcome;

  /** What {@link PeerOwnership} hears of the claims. */
  interface Outcome {
    /**
     * This member serves {@code peer} now, whose location named {@code before} (null: none) when
     * the claim began; the calls held for the peer go through right after this returns.
     */
    void serving(PeerId peer, Address before);

    /** A claim ended, however (the owners are read again then). */
    void ended();
  }

  PeerClaims(
      ActorSystem<?> system,
      DataTransport transport,
      ExternalShardAllocationClient locations,
      Address self,
      Timing timing,
      Shared shared,
      Outcome outcome) {
    this.system = system;
    this.transport = transport;
    this.locations = locations;
    this.self = self;
    this.limit = timing.limit();
    this.poll = timing.poll();
    this.requests = new HandOverRequests(system, self, timing.probe(), timing.silence());
    this.moves = new ShardMoves(system, locations, self, timing.poll());
    this.lock = shared.lock();
    this.held = shared.held();
    this.given = shared.given();
    this.connected = shared.connected();
    this.outcome = outcome;
  }

  /**
   * How long a claim may take in all, how often a member that has not released is asked again, how
   * long one round waits for an answer, and how long a member that the failure detector still hears
   * may leave a request unanswered before it is downed ({@link HandOverRequests}).
   */
  record Timing(Duration limit, Duration poll, Duration probe, Duration silence) {}

  /**
   * What the claims share with {@link PeerOwnership}: one lock over the held calls and the rest.
   */
  record Shared(Object lock, HeldCalls held, GivenPeers given, Set<PeerId> connected) {}

  /**
   * Claims {@code peer} for this member, unless it serves it already ({@code before}, the member
   * named its location, is this one) or a claim is under way.
   */
  void claim(PeerId peer, Address before) {
    String shard = PeerShards.shardOf(peer);
    if (self.equals(before) && !given.given(peer)) {
      return;
    }
    Claim claim = new Claim(requests.asking(peer), before);
    synchronized (lock) {
      if (!held.hold(peer)) {
        return;
      }
      claims.put(peer, claim);
    }
    log.info("connected to {}: moving its channels to this member", peer);
    long deadline = System.nanoTime() + limit.toNanos();
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
        .whenComplete((result, error) -> end(peer, claim, result, error));
  }

  private void end(PeerId peer, Claim claim, Asked result, Throwable error) {
    Asked asked = result;
    synchronized (lock) {
      claims.remove(peer, claim);
      if (asked == Asked.RELEASED && claim.abandoned) {
        asked = Asked.ABANDONED;
      } else if (error == null && asked == Asked.RELEASED) {
        given.reclaimed(peer);
      }
    }
    if (error == null && asked == Asked.RELEASED) {
      // Named the owner, the shard here or on its way: serve the peer. Every other member dropped
      // its connection and dials the peer no more.
      transport.admit(peer);
      requests.settle(peer, true);
      log.info("the channels with {} run on this member", peer);
      outcome.serving(peer, claim.before);
    } else if (error == null && asked == Asked.ABANDONED) {
      // The peer retired this member's connection, or another member's claim went first and this
      // member gave the peer up to it: the calls go wherever it is.
      requests.settle(peer, false);
      log.info("{} is served by another member: this member's claim ended", peer);
    } else {
      // Some member kept the peer: this member drops its own connection before the others may
      // dial the peer again, so the peer never has two members at once.
      connected.remove(peer);
      transport.disconnect(peer);
      requests.settle(peer, false);
      log.warn(
          "could not move the channels with {} here: {}",
          peer,
          error != null ? error.toString() : "another member kept it");
    }
    held.letThrough(peer);
    outcome.ended();
  }

  /**
   * Asks every other member to give {@code peer} up until each one did (it dropped its connection
   * and dials the peer no more before it answers), the claim was abandoned (this member's
   * connection went, or it gave the peer up to another claim) or the deadline passed. A member that
   * does not answer is asked again every poll until it answers or leaves the cluster: a member
   * killed with kill -9 is downed by the split-brain resolver and removed by the leader, and then
   * has nothing to give up (once only downed members are left, this member names itself the
   * location, which takes effect at their removal). A leaving member closed its transport before it
   * left.
   */
  private CompletionStage<Asked> askToRelease(PeerId peer, Claim claim, long deadline) {
    if (claim.abandoned || !connected.contains(peer)) {
      return CompletableFuture.completedFuture(Asked.ABANDONED);
    }
    if (System.nanoTime() > deadline) {
      return CompletableFuture.completedFuture(Asked.TIMED_OUT);
    }
    return claim
        .asking
        .allReleased()
        .thenCompose(
            released -> {
              if (released == HandOverRequests.Released.EVERY_MEMBER) {
                return CompletableFuture.completedFuture(
                    claim.abandoned ? Asked.ABANDONED : Asked.RELEASED);
              }
              if (released == HandOverRequests.Released.BUT_DOWNED
                  && !claim.located
                  && !claim.abandoned) {
                // Only members downed after a crash are left, to be removed: name this member
                // the location now, so that the shard, freed at their removal, starts here and
                // not on whichever member wakes it first. Nothing moves it away from a downed
                // member meanwhile (PeerAllocation); the peer is served only once they are gone.
                claim.located = true;
                locations
                    .setShardLocation(PeerShards.shardOf(peer), self)
                    .whenComplete(
                        (done, e) -> {
                          if (e != null) {
                            claim.located = false;
                          }
                        });
              }
              CompletableFuture<Asked> later = new CompletableFuture<>();
              system
                  .scheduler()
                  .scheduleOnce(
                      poll,
                      () ->
                          askToRelease(peer, claim, deadline)
                              .whenComplete(
                                  (a, e) -> later.complete(e == null ? a : Asked.TIMED_OUT)),
                      system.executionContext());
              return later;
            });
  }

  /**
   * Another member asks this one to give {@code peer} up to {@code claimant}: it refuses when it
   * claims the peer itself and goes first; otherwise its own claim is abandoned and the peer given
   * up. The caller drops the connection before it answers.
   */
  HandOver release(PeerId peer, Address claimant) {
    synchronized (lock) {
      Claim mine = claims.get(peer);
      if (mine != null && !mine.abandoned && Member.addressOrdering().compare(self, claimant) < 0) {
        return new HandOver.Refused(peer.toString());
      }
      if (mine != null) {
        mine.abandoned = true;
      }
      given.give(peer, claimant);
    }
    return new HandOver.Released(peer.toString());
  }

  /** The claim of {@code peer} by {@code claimant} ended; true when this member may dial it. */
  boolean settled(PeerId peer, Address claimant, boolean serving) {
    synchronized (lock) {
      return given.settled(peer, claimant, serving);
    }
  }
}
