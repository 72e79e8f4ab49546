package io.ferry.engine.cluster;

import io.ferry.channels.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.Address;

/**
 * The peers this member gave up to another member's claim ({@link HandOver.Release}): withheld (not
 * dialed, sent nothing) until the claim ended without serving them, or their claimant left the
 * cluster, or a claim that never settled (a lost message) is long over.
 */
final class GivenPeers {
  /** A peer given up to {@code claimant}; {@code serving} once the claim succeeded. */
  private record Given(Address claimant, long since, boolean serving) {}

  private final Duration settleLimit;
  private final Map<PeerId, Given> withheld = new ConcurrentHashMap<>();

  /** {@code settleLimit}: how long a claim that has not settled keeps a peer withheld. */
  GivenPeers(Duration settleLimit) {
    this.settleLimit = settleLimit;
  }

  /** This member gave {@code peer} up to {@code claimant}'s claim. */
  void give(PeerId peer, Address claimant) {
    withheld.put(peer, new Given(claimant, System.nanoTime(), false));
  }

  /** Whether {@code peer} was given up to another member. */
  boolean given(PeerId peer) {
    return withheld.containsKey(peer);
  }

  /** This member's own claim of {@code peer} succeeded: it no longer withholds it. */
  void reclaimed(PeerId peer) {
    withheld.remove(peer);
  }

  /**
   * The claim of {@code peer} by {@code claimant} ended; true when this member may dial the peer
   * again (the claimant does not serve it). A claim this member did not give the peer up to is
   * ignored.
   */
  boolean settled(PeerId peer, Address claimant, boolean serving) {
    Given given = withheld.get(peer);
    if (given == null || !given.claimant().equals(claimant)) {
      return false;
    }
    if (serving) {
      withheld.put(peer, new Given(claimant, given.since(), true));
      return false;
    }
    withheld.remove(peer);
    return true;
  }

  /** A peer given up to a claimant, and the claimant. */
  record Orphan(PeerId peer, Address claimant) {}

  /**
   * Takes back the peers given up whose claimant is not among {@code up} (its shards go to the
   * members that wake them, which must be free to dial), or whose claim never settled; the peers to
   * dial again.
   */
  List<Orphan> takeOrphans(Set<Address> up) {
    long now = System.nanoTime();
    List<Orphan> orphans = new ArrayList<>();
    for (Map.Entry<PeerId, Given> e : withheld.entrySet()) {
      Given g = e.getValue();
      boolean orphan =
          !up.contains(g.claimant()) || !g.serving() && now - g.since() > settleLimit.toNanos();
      if (orphan && withheld.remove(e.getKey(), g)) {
        orphans.add(new Orphan(e.getKey(), g.claimant()));
      }
    }
    return orphans;
  }
}
