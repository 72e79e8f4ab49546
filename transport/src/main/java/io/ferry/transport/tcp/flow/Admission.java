package io.ferry.transport.tcp.flow;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * How many channels peers may have open with this node at once, per peer, per network address and
 * in total: a peer's new request beyond a cap is refused before the engine sees it, saying which
 * cap it hit (issue 19, 2: throw-away identities with paid pulls that never pay held every sending
 * slot and the heap). An identity costs nothing to make, so the peers behind one address (an IP)
 * share {@link #PEERS_PER_ADDRESS} peers' worth of channels. A request counts from its arrival
 * until the engine rejects it or closes its channel; one the engine never answered stops counting
 * after {@link #UNANSWERED}. Each counted channel also reserves {@link MemoryBudget#OPEN} of the
 * node's memory budget, and is charged the pages of CIDs its sender holds ({@link #charge}); what
 * the channels of one address, and of one peer, hold is at most {@link MemoryBudget#share()}, and a
 * request beyond it, or beyond the budget, is refused saying so. Channels this node initiated, and
 * restarts of channels already open, are never refused. Thread-safe.
 */
public final class Admission {
  /** How long a request the engine has not answered (nor opened) still counts. */
  public static final Duration UNANSWERED = Duration.ofMinutes(2);

  /** How many peers' worth of open channels one network address may hold. */
  public static final int PEERS_PER_ADDRESS = 4;

  private static final long OPEN = -1;

  private final int perPeer;
  private final int perAddress;
  private final int total;
  private final LongSupplier nanos;
  private final MemoryBudget memory;

  /** Per channel peers asked for: its arrival time while unanswered, {@link #OPEN} once opened. */
  private final Map<ChannelId, Long> channels = new LinkedHashMap<>();

  private final Map<PeerId, Integer> perPeerCount = new HashMap<>();

  /** The address each counted channel's request came from, if known. */
  private final Map<ChannelId, String> addresses = new HashMap<>();

  private final Map<String, Integer> perAddressCount = new HashMap<>();

  /** Bytes each counted channel holds beyond {@link MemoryBudget#OPEN}: its sender's pages. */
  private final Map<ChannelId, Long> charged = new HashMap<>();

  /** What the counted channels of each peer, and of each address, hold in the memory budget. */
  private final Map<PeerId, Long> perPeerBytes = new HashMap<>();

  private final Map<String, Long> perAddressBytes = new HashMap<>();
  private long refused;

  public Admission(int perPeer, int total) {
    this(perPeer, total, System::nanoTime);
  }

  public Admission(int perPeer, int total, LongSupplier nanos) {
    this(perPeer, total, nanos, null);
  }

  /** As {@link #Admission(int, int, LongSupplier)}, reserving from {@code memory} (null: none). */
  public Admission(int perPeer, int total, LongSupplier nanos, MemoryBudget memory) {
    if (perPeer <= 0 || total <= 0) {
      throw new IllegalArgumentException(
          "open channel caps must be positive, were " + perPeer + " per peer and " + total);
    }
    this.perPeer = perPeer;
    this.perAddress = (int) Math.min(total, (long) PEERS_PER_ADDRESS * perPeer);
    this.total = total;
    this.nanos = nanos;
    this.memory = memory;
  }

  /**
   * A new request from {@code channel.initiator()}: counts it and returns empty, or returns why it
   * is refused (a cap is full). A channel counted already is admitted again.
   */
  public synchronized Optional<String> admit(ChannelId channel) {
    return admit(channel, null);
  }

  /**
   * As {@link #admit(ChannelId)}, for a request that came from network address {@code address}
   * (null: unknown), which also counts against the cap of that address.
   */
  public synchronized Optional<String> admit(ChannelId channel, String address) {
    if (channels.containsKey(channel)) {
      return Optional.empty();
    }
    expire();
    PeerId peer = channel.initiator();
    int mine = perPeerCount.getOrDefault(peer, 0);
    if (mine >= perPeer) {
      refused++;
      return Optional.of(
          "too many open channels: "
              + peer
              + " has "
              + mine
              + " open with this node, the most it allows one peer; retry when one ends");
    }
    if (channels.size() >= total) {
      refused++;
      return Optional.of(
          "this node is at its limit of "
              + total
              + " open channels that peers asked for; retry when one ends");
    }
    int fromAddress = address == null ? 0 : perAddressCount.getOrDefault(address, 0);
    if (fromAddress >= perAddress) {
      refused++;
      return Optional.of(
          "too many open channels from "
              + address
              + ": its peers have "
              + fromAddress
              + " open with this node, the most it allows one address; retry when one ends");
    }
    long addressHolds = address == null ? 0 : perAddressBytes.getOrDefault(address, 0L);
    if (memory != null && address != null && !memory.shareHasRoom(addressHolds)) {
      refused++;
      return Optional.of(
          memory.describeShare(address, fromAddress, addressHolds) + "; retry when one ends");
    }
    long peerHolds = perPeerBytes.getOrDefault(peer, 0L);
    if (memory != null && !memory.shareHasRoom(peerHolds)) {
      refused++;
      return Optional.of(
          memory.describeShare(peer.toString(), mine, peerHolds) + "; retry when one ends");
    }
    if (memory != null && !memory.takeOpen(false)) {
      refused++;
      return Optional.of(memory.describe() + "; retry when one ends");
    }
    add(channel, nanos.getAsLong());
    if (address != null) {
      addresses.put(channel, address);
      perAddressCount.merge(address, 1, Integer::sum);
      perAddressBytes.merge(address, openCharge(), Long::sum);
    }
    return Optional.empty();
  }

  /**
   * The sender of {@code channel} came to hold {@code bytes} more of pages of CIDs (fewer when
   * negative): charged to the memory budget, and to the channel's peer and address while the
   * channel counts here (a channel this node initiated is charged to the budget only).
   */
  public synchronized void charge(ChannelId channel, long bytes) {
    if (memory == null || bytes == 0) {
      return;
    }
    if (bytes > 0) {
      memory.takePages(bytes);
    }
    if (channels.containsKey(channel)) {
      // Pages built before the channel counted (a restart's) are not given back by its peer.
      long before = charged.getOrDefault(channel, 0L);
      long after = Math.max(0, before + bytes);
      if (after == 0) {
        charged.remove(channel);
      } else {
        charged.put(channel, after);
      }
      perPeerBytes.merge(channel.initiator(), after - before, Long::sum);
      String address = addresses.get(channel);
      if (address != null) {
        perAddressBytes.merge(address, after - before, Long::sum);
      }
    }
    if (bytes < 0) {
      memory.givePages(-bytes);
    }
  }

  /** A restart of a channel the peer asked for: counted (never refused) until it closes. */
  public synchronized void track(ChannelId channel) {
    if (!channels.containsKey(channel)) {
      if (memory != null) {
        memory.takeOpen(true);
      }
      add(channel, OPEN);
    }
  }

  /** The engine opened the channel's data: it counts until it is closed. */
  public synchronized void opened(ChannelId channel) {
    channels.computeIfPresent(channel, (c, since) -> OPEN);
  }

  /** The engine rejected the request: it stops counting, unless its channel was opened already. */
  public synchronized void rejected(ChannelId channel) {
    Long since = channels.get(channel);
    if (since != null && since != OPEN) {
      remove(channel);
    }
  }

  /** The channel closed on this node: it stops counting. */
  public synchronized void closed(ChannelId channel) {
    if (channels.containsKey(channel)) {
      remove(channel);
    }
  }

  /** Channels peers asked for that count now. */
  public synchronized int open() {
    expire();
    return channels.size();
  }

  public int total() {
    return total;
  }

  public int perPeer() {
    return perPeer;
  }

  public int perAddress() {
    return perAddress;
  }

  /** Requests refused since the start. */
  public synchronized long refused() {
    return refused;
  }

  /** Whether new requests from peers are refused now because the node-wide cap is full. */
  public synchronized boolean overloaded() {
    return open() >= total;
  }

  /** The memory budget requests reserve from, if any. */
  public Optional<MemoryBudget> memory() {
    return Optional.ofNullable(memory);
  }

  private void add(ChannelId channel, long since) {
    channels.put(channel, since);
    perPeerCount.merge(channel.initiator(), 1, Integer::sum);
    perPeerBytes.merge(channel.initiator(), openCharge(), Long::sum);
  }

  /** What one open channel holds before its sender charges anything. */
  private long openCharge() {
    return memory == null ? 0 : MemoryBudget.OPEN;
  }

  private void remove(ChannelId channel) {
    channels.remove(channel);
    uncount(channel);
  }

  private void uncount(ChannelId channel) {
    if (memory != null) {
      memory.giveOpen();
    }
    // The pages stay charged to the budget until the sender drops them; the peer and the address
    // stop paying for them now, as the channel no longer counts against their share.
    long held = openCharge() + charged.getOrDefault(channel, 0L);
    charged.remove(channel);
    perPeerCount.computeIfPresent(channel.initiator(), (p, n) -> n <= 1 ? null : n - 1);
    perPeerBytes.computeIfPresent(channel.initiator(), (p, b) -> b - held <= 0 ? null : b - held);
    String address = addresses.remove(channel);
    if (address != null) {
      perAddressCount.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
      perAddressBytes.computeIfPresent(address, (a, b) -> b - held <= 0 ? null : b - held);
    }
  }

  private void expire() {
    long now = nanos.getAsLong();
    for (Iterator<Map.Entry<ChannelId, Long>> it = channels.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<ChannelId, Long> e = it.next();
      if (e.getValue() != OPEN && now - e.getValue() > UNANSWERED.toNanos()) {
        it.remove();
        uncount(e.getKey());
      }
    }
  }
}
