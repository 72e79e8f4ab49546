package io.ferry.transport.local;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.ipld.store.BlockStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connects any number of {@link LocalTransport}s in one JVM, for tests, the demo and embedded use.
 * Each peer handles what reaches it in arrival order on a small shared pool. Peers can be cut off
 * and reconnected to simulate a dropped connection.
 */
public final class LocalNetwork implements AutoCloseable {
  private final Map<PeerId, LocalTransport> members = new ConcurrentHashMap<>();
  private final Set<PeerId> cut = ConcurrentHashMap.newKeySet();
  private final ExecutorService pool;
  private final BatchPolicy batches;

  /** A network with the default batch policy and a pool of two threads. */
  public LocalNetwork() {
    this(BatchPolicy.DEFAULT, 2);
  }

  public LocalNetwork(BatchPolicy batches, int threads) {
    this.batches = batches;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "local-network-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Adds a peer that reads and writes blocks in {@code store}. It is connected to the others (and
   * they hear of it) once it is bound to a handler. A peer id may join again after its previous
   * transport closed (a restarted node).
   *
   * @throws IllegalStateException if a transport with this peer id is already on the network
   */
  public LocalTransport join(PeerId self, BlockStore store) {
    LocalTransport t = new LocalTransport(self, store, this, new Inbox(pool, self.toString()));
    if (members.putIfAbsent(self, t) != null) {
      throw new IllegalStateException(self + " is already on the local network");
    }
    return t;
  }

  /** A transport got its handler: from now on it is connected to every other bound peer. */
  void bound(LocalTransport t) {
    if (cut.contains(t.self())) {
      return;
    }
    for (LocalTransport other : members.values()) {
      if (other != t && other.isBound() && !cut.contains(other.self())) {
        other.peerConnected(t.self());
        t.peerConnected(other.self());
      }
    }
  }

  /** Simulates a dropped connection: {@code peer} can reach no one and no one can reach it. */
  public void disconnect(PeerId peer) {
    if (!cut.add(peer)) {
      return;
    }
    for (LocalTransport other : members.values()) {
      if (!other.self().equals(peer)) {
        other.peerLost(peer, "connection to " + peer + " dropped");
        member(peer)
            .ifPresent(p -> p.peerLost(other.self(), "connection to " + other.self() + " dropped"));
      }
    }
  }

  /** Ends a simulated drop: {@code peer} and the others hear that they are connected again. */
  public void reconnect(PeerId peer) {
    if (!cut.remove(peer)) {
      return;
    }
    for (LocalTransport other : members.values()) {
      if (!other.self().equals(peer)) {
        other.peerConnected(peer);
        member(peer).ifPresent(p -> p.peerConnected(other.self()));
      }
    }
  }

  /** The peers on the network now. */
  public List<PeerId> peers() {
    return List.copyOf(members.keySet());
  }

  @Override
  public void close() {
    for (LocalTransport t : List.copyOf(members.values())) {
      t.close();
    }
    pool.shutdown();
  }

  // ---- for the transports ----

  BatchPolicy batches() {
    return batches;
  }

  /** The transport of {@code peer}, if it is on the network and reachable. */
  Optional<LocalTransport> reachable(PeerId from, PeerId peer) {
    if (cut.contains(peer) || cut.contains(from)) {
      return Optional.empty();
    }
    return member(peer).filter(LocalTransport::isBound);
  }

  Optional<LocalTransport> member(PeerId peer) {
    return Optional.ofNullable(members.get(peer));
  }

  /** Whether any transport paused {@code channel} on its side. */
  boolean pausedAnywhere(ChannelId channel, PeerId a, PeerId b) {
    return member(a).map(t -> t.isPaused(channel)).orElse(false)
        || member(b).map(t -> t.isPaused(channel)).orElse(false);
  }

  /** Asks whichever peer sends {@code channel} to continue (after a pause was lifted). */
  void kick(ChannelId channel) {
    for (LocalTransport t : members.values()) {
      t.kick(channel);
    }
  }

  void left(LocalTransport t) {
    if (members.remove(t.self(), t)) {
      for (LocalTransport other : members.values()) {
        other.peerLost(t.self(), "peer " + t.self() + " left");
      }
    }
  }
}
