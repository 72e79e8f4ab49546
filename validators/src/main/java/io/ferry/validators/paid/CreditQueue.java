package io.ferry.validators.paid;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The paid-up channels of each peer that wait for the peer's credit, oldest first. Credit that
 * comes back (a payment, a channel that ends) goes to the oldest waiting channel first, and a
 * channel that needs more while older ones wait queues behind them: a channel that keeps paying
 * does not starve the others of its peer. Not thread-safe: the validator calls it holding its
 * ledger's lock.
 */
final class CreditQueue {
  private final Map<PeerId, Set<ChannelId>> waiting = new HashMap<>();

  /** {@code channel} waits for credit, behind those of its peer that waited before it. */
  void add(ChannelId channel) {
    waiting.computeIfAbsent(peer(channel), p -> new LinkedHashSet<>()).add(channel);
  }

  /** {@code channel} waits no longer (it was granted credit, or it ended). */
  void remove(ChannelId channel) {
    Set<ChannelId> queue = waiting.get(peer(channel));
    if (queue != null && queue.remove(channel) && queue.isEmpty()) {
      waiting.remove(peer(channel));
    }
  }

  boolean contains(ChannelId channel) {
    Set<ChannelId> queue = waiting.get(peer(channel));
    return queue != null && queue.contains(channel);
  }

  /** Whether some channel of {@code peer} waits for its credit. */
  boolean anyOf(PeerId peer) {
    return waiting.containsKey(peer);
  }

  /** The channels of {@code peer} that wait, oldest first. */
  List<ChannelId> of(PeerId peer) {
    Set<ChannelId> queue = waiting.get(peer);
    return queue == null ? List.of() : List.copyOf(queue);
  }

  /** Paid pulls: the counterparty that receives on credit is the initiator. */
  private static PeerId peer(ChannelId channel) {
    return channel.initiator();
  }
}
