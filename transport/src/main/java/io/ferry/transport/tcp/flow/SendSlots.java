package io.ferry.transport.tcp.flow;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many channels may send at once, per peer and in total, and within the node's {@link
 * MemoryBudget} (each channel holding a slot reserves the budget's floor for one block, {@link
 * MemoryBudget#SENDING}). A channel over a limit waits in FIFO order and is started (its callback
 * runs) when a slot frees for its peer and memory allows. Thread-safe; callbacks run outside the
 * lock.
 */
public final class SendSlots {
  private static final Logger log = LoggerFactory.getLogger(SendSlots.class);

  private record Waiter(ChannelId channel, PeerId peer, Runnable onStart) {}

  private final int perPeer;
  private final int total;
  private final Map<PeerId, Integer> running = new HashMap<>();

  /**
   * The slots each channel holds (normally one): a slot is taken for a channel and given back by
   * it, so one given back by a channel that holds none cannot free another channel's.
   */
  private final Map<ChannelId, Held> holders = new HashMap<>();

  private record Held(PeerId peer, int slots) {}

  private final Deque<Waiter> waiting = new ArrayDeque<>();
  private final MemoryBudget memory;
  private int runningTotal;

  /** Slots without a memory budget (as much memory as slots take). */
  public SendSlots(int perPeer, int total) {
    this(perPeer, total, null);
  }

  /** Slots whose channels also reserve their floor from {@code memory} (null: none). */
  public SendSlots(int perPeer, int total, MemoryBudget memory) {
    this.perPeer = perPeer;
    this.total = total;
    this.memory = memory;
    if (memory != null) {
      memory.onFree(this::startWaiting);
    }
  }

  /**
   * Takes a slot for {@code channel} and returns true, or queues it and returns false; {@code
   * onStart} then runs once a slot is free.
   */
  public synchronized boolean acquire(ChannelId channel, PeerId peer, Runnable onStart) {
    if ((waiting.isEmpty() && hasRoom(peer) || hasRoomAheadOfQueue(peer)) && take(channel, peer)) {
      log.debug("{}: send slot taken ({} of {} for its peer)", channel, running.get(peer), perPeer);
      return true;
    }
    waiting.add(new Waiter(channel, peer, onStart));
    log.debug("{}: waiting for a send slot ({} waiting)", channel, waiting.size());
    return false;
  }

  private boolean hasRoomAheadOfQueue(PeerId peer) {
    // A channel may overtake queued ones only if none of them could use the free slot.
    if (!hasRoom(peer)) {
      return false;
    }
    for (Waiter w : waiting) {
      if (hasRoom(w.peer())) {
        return false;
      }
    }
    return true;
  }

  private boolean hasRoom(PeerId peer) {
    return runningTotal < total && running.getOrDefault(peer, 0) < perPeer;
  }

  /**
   * Takes a slot of {@code peer} for {@code channel} if its floor fits in memory; false if it does
   * not.
   */
  private boolean take(ChannelId channel, PeerId peer) {
    if (memory != null && !memory.takeSending()) {
      return false;
    }
    running.merge(peer, 1, Integer::sum);
    holders.merge(channel, new Held(peer, 1), (a, b) -> new Held(peer, a.slots() + 1));
    runningTotal++;
    return true;
  }

  /**
   * Gives back a slot {@code channel} holds and starts waiting channels that now fit. A channel
   * that holds none gives nothing back (logged: the caller lost count of its slot).
   */
  public void release(ChannelId channel, PeerId peer) {
    synchronized (this) {
      Held held = holders.get(channel);
      if (held == null) {
        log.warn("{}: gives back a send slot it does not hold; ignored", channel);
        return;
      }
      if (held.slots() == 1) {
        holders.remove(channel);
      } else {
        holders.put(channel, new Held(peer, held.slots() - 1));
      }
      running.merge(peer, -1, (a, b) -> a + b <= 0 ? null : a + b);
      runningTotal--;
      log.debug("{}: send slot given back ({} left for its peer)", channel, running.get(peer));
    }
    if (memory != null) {
      memory.giveSending();
    }
    startWaiting();
  }

  /** Starts the waiting channels that fit now, in order. */
  private void startWaiting() {
    java.util.List<Runnable> start = new java.util.ArrayList<>();
    synchronized (this) {
      for (Iterator<Waiter> it = waiting.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (hasRoom(w.peer())) {
          if (!take(w.channel(), w.peer())) {
            break; // out of memory: the first in line waits for it
          }
          it.remove();
          log.debug("{}: send slot taken from the queue", w.channel());
          start.add(w.onStart());
        }
      }
    }
    start.forEach(Runnable::run);
  }

  /** Removes a waiting channel (closed before it started); true if it was waiting. */
  public synchronized boolean cancel(ChannelId channel) {
    boolean removed = waiting.removeIf(w -> w.channel().equals(channel));
    if (removed) {
      log.debug("{}: no longer waits for a send slot", channel);
    }
    return removed;
  }

  /** How many slots {@code channel} holds (0 or 1 when every channel keeps count). */
  public synchronized int heldBy(ChannelId channel) {
    Held held = holders.get(channel);
    return held == null ? 0 : held.slots();
  }

  /** The channels holding a slot of {@code peer}. */
  public synchronized java.util.List<ChannelId> holders(PeerId peer) {
    return holders.entrySet().stream()
        .filter(e -> e.getValue().peer().equals(peer))
        .map(Map.Entry::getKey)
        .toList();
  }

  /**
   * Why a channel of {@code peer} waits now, in the user's terms: which limit is full (the node's
   * sending slots, the peer's, the memory budget) or that channels queued before it go first.
   */
  public synchronized String whyWaiting(PeerId peer) {
    if (runningTotal >= total) {
      return "all "
          + total
          + " of this node's sending slots are taken (ferry.limits.channels-total)";
    }
    int mine = running.getOrDefault(peer, 0);
    if (mine >= perPeer) {
      return mine
          + " channels send to "
          + peer
          + " already, the most for one peer (ferry.limits.channels-per-peer)";
    }
    if (memory != null && !memory.senderFits()) {
      return memory.describe();
    }
    return "channels queued before it send first";
  }

  public synchronized int running() {
    return runningTotal;
  }

  public synchronized int waitingCount() {
    return waiting.size();
  }
}
