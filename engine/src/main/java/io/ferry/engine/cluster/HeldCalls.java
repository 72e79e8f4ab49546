package io.ferry.engine.cluster;

import io.ferry.channels.PeerId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The transport's calls concerning a peer, held while this member claims the peer ({@link
 * PeerClaims}) and let through in arrival order once the claim ended, so the peer's messages reach
 * its channels only where they run beside its connection.
 */
final class HeldCalls {
  private final Object lock;
  private final Map<PeerId, List<Runnable>> held = new ConcurrentHashMap<>();

  /** {@code lock} guards holding together with the claims' own bookkeeping. */
  HeldCalls(Object lock) {
    this.lock = lock;
  }

  /** Starts holding the calls concerning {@code peer}; false when they were held already. */
  boolean hold(PeerId peer) {
    synchronized (lock) {
      return held.putIfAbsent(peer, new ArrayList<>()) == null;
    }
  }

  /** Whether the calls concerning {@code peer} are held. */
  boolean holds(PeerId peer) {
    return held.containsKey(peer);
  }

  /** Runs the call now, or once the calls concerning {@code peer} are let through. */
  void deliver(PeerId peer, Runnable call) {
    synchronized (lock) {
      List<Runnable> q = held.get(peer);
      if (q != null) {
        q.add(call);
        return;
      }
    }
    call.run();
  }

  /** Runs the calls held for {@code peer} in arrival order and holds none any more. */
  void letThrough(PeerId peer) {
    synchronized (lock) {
      List<Runnable> q = held.remove(peer);
      if (q != null) {
        q.forEach(Runnable::run);
      }
    }
  }
}
