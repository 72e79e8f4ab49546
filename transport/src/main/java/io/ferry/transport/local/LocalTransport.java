package io.ferry.transport.local;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataProgress.Direction;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.DataTransport;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransportHandler;
import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.traversal.UnexpectedBlockException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One peer on a {@link LocalNetwork}. It moves real blocks: the sender walks its block store in
 * traversal order and hands copies of the bytes over in batches; the receiver hashes each block
 * against its CID, checks it is the block the traversal needs next, stores the batch in one write
 * and acknowledges it. Progress is reported once per batch on both sides. One batch per channel is
 * in flight; a pause on either side holds the sender until it is lifted.
 */
public final class LocalTransport implements DataTransport {
  private final PeerId self;
  private final BlockStore store;
  private final LocalNetwork network;
  private final Inbox inbox;
  private final Map<ChannelId, Outgoing> outgoing = new ConcurrentHashMap<>();
  private final Receiving receiving;
  private final Set<ChannelId> paused = ConcurrentHashMap.newKeySet();
  private final AtomicLong generations = new AtomicLong();
  private volatile TransportHandler handler;
  private volatile boolean closed;

  LocalTransport(PeerId self, BlockStore store, LocalNetwork network, Inbox inbox) {
    this.self = self;
    this.store = store;
    this.network = network;
    this.inbox = inbox;
    this.receiving = new Receiving(this, store);
  }

  @Override
  public PeerId self() {
    return self;
  }

  /** The store blocks are read from and written to. */
  public BlockStore store() {
    return store;
  }

  @Override
  public void bind(TransportHandler handler) {
    if (this.handler != null) {
      throw new IllegalStateException("transport of " + self + " is already bound");
    }
    this.handler = handler;
    network.bound(this);
  }

  boolean isBound() {
    return handler != null && !closed;
  }

  // ---- messages ----

  @Override
  public CompletionStage<Void> send(PeerId to, TransferMessage message) {
    Optional<LocalTransport> peer = closed ? Optional.empty() : network.reachable(self, to);
    if (peer.isEmpty()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("peer " + to + " is not reachable from " + self));
    }
    CompletableFuture<Void> delivered = new CompletableFuture<>();
    LocalTransport target = peer.get();
    target.inbox.execute(
        () -> {
          if (target.closed || target.handler == null) {
            delivered.completeExceptionally(
                new IllegalStateException("peer " + to + " is not accepting messages"));
            return;
          }
          target.handler.onMessage(self, message);
          delivered.complete(null);
        });
    return delivered;
  }

  // ---- receiving ----

  @Override
  public CompletionStage<Long> openReceive(DataRequest request) {
    setPaused(request.channelId(), request.paused());
    CompletableFuture<Long> ready = new CompletableFuture<>();
    inbox.execute(
        () -> {
          try {
            ready.complete(receiving.open(request));
          } catch (UnexpectedBlockException | RuntimeException e) {
            ready.completeExceptionally(e);
          }
        });
    return ready;
  }

  /** Hands {@code batch} from {@code sender} to this peer's receiving side, in arrival order. */
  private void deliverBatch(Batch batch, LocalTransport sender) {
    inbox.execute(() -> receiving.receive(batch, sender));
  }

  /** Hands the receiver's answer to this peer's sending side, in arrival order. */
  void deliverAck(Ack ack) {
    inbox.execute(() -> acked(ack));
  }

  TransportHandler handler() {
    return handler;
  }

  // ---- sending ----

  /**
   * Delivers {@code message} to the peer first (its inbox runs it before the first batch, which
   * goes there too), then starts the channel as the request decides.
   */
  @Override
  public CompletionStage<Void> openSend(DataRequest request, TransferMessage message) {
    CompletionStage<Void> delivered =
        message == null ? CompletableFuture.completedFuture(null) : send(request.peer(), message);
    setPaused(request.channelId(), request.paused());
    long generation = generations.incrementAndGet();
    inbox.execute(
        () -> {
          Outgoing out = new Outgoing(request, generation, this);
          outgoing.put(request.channelId(), out);
          long[] first = new long[4]; // queued blocks, bytes; sent blocks, bytes
          try {
            for (long i = 0; i < request.startIndex() && out.hasNext(); i++) {
              Block skipped = out.next();
              if (out.nextIndex >= request.countedBlocks()) {
                first[0]++;
                first[1] += skipped.size();
              }
              if (out.nextIndex >= request.sentBlocks()) {
                first[2]++;
                first[3] += skipped.size();
              }
              out.nextIndex++;
            }
          } catch (RuntimeException e) {
            fail(out, "cannot read the blocks to skip: " + e.getMessage());
            return;
          }
          // The receiver holds blocks this side never counted (it stopped before recording
          // them): they were delivered, so they count as queued and sent, once each.
          for (Direction d : new Direction[] {Direction.QUEUED, Direction.SENT}) {
            int k = d == Direction.QUEUED ? 0 : 2;
            if (first[k] > 0) {
              handler.onProgress(
                  request.channelId(),
                  new DataProgress(
                      d, first[k], first[k + 1], first[k], first[k + 1], out.nextIndex));
            }
          }
          pump(out);
        });
    return delivered;
  }

  private void pump(Outgoing out) {
    ChannelId id = out.request.channelId();
    if (closed || out.inFlight || out.done || outgoing.get(id) != out) {
      return;
    }
    if (network.pausedAnywhere(id, self, out.request.peer())) {
      return;
    }
    if (out.atLimit()) {
      reportLimit(out);
      return;
    }
    Optional<LocalTransport> peer = network.reachable(self, out.request.peer());
    if (peer.isEmpty()) {
      return;
    }
    BatchPolicy policy = network.batches();
    long start = out.nextIndex;
    List<Block> blocks = new ArrayList<>();
    long bytes = 0;
    long firstBlocks = 0;
    long firstBytes = 0;
    long sentFirstBlocks = 0;
    long sentFirstBytes = 0;
    try {
      while (blocks.size() < policy.maxBlocks()
          && bytes < policy.maxBytes()
          && !out.atLimit()
          && out.hasNext()) {
        Block b = out.next();
        blocks.add(Block.trusted(b.cid(), b.data().clone()));
        bytes += b.size();
        if (out.nextIndex >= out.request.countedBlocks()) {
          firstBlocks++;
          firstBytes += b.size();
          out.firstTimeBytesQueued += b.size();
        }
        if (out.nextIndex >= out.request.sentBlocks()) {
          sentFirstBlocks++;
          sentFirstBytes += b.size();
        }
        out.nextIndex++;
      }
    } catch (RuntimeException e) {
      fail(out, "cannot read block " + out.nextIndex + " of the traversal: " + e.getMessage());
      return;
    }
    if (!blocks.isEmpty()) {
      handler.onProgress(
          id,
          new DataProgress(
              Direction.QUEUED, blocks.size(), bytes, firstBlocks, firstBytes, out.nextIndex));
    }
    out.inFlight = true;
    Batch batch = new Batch(id, out.generation, start, List.copyOf(blocks), bytes, null);
    LocalTransport receiver = peer.get();
    receiver.deliverBatch(batch, this);
    out.lastBatch = new long[] {blocks.size(), bytes, sentFirstBlocks, sentFirstBytes};
  }

  private void acked(Ack ack) {
    Outgoing out = outgoing.get(ack.channelId());
    if (out == null || out.generation != ack.generation() || closed) {
      return;
    }
    out.inFlight = false;
    ChannelId id = ack.channelId();
    if (ack.error() != null) {
      outgoing.remove(id);
      handler.onDataFinished(id, true, "the receiver refused the data: " + ack.error());
      return;
    }
    long[] last = out.lastBatch;
    if (last[0] > 0) {
      handler.onProgress(
          id, new DataProgress(Direction.SENT, last[0], last[1], last[2], last[3], out.nextIndex));
    }
    boolean more;
    try {
      more = out.hasNext();
    } catch (RuntimeException e) {
      fail(out, "cannot read block " + out.nextIndex + " of the traversal: " + e.getMessage());
      return;
    }
    if (!more) {
      out.done = true;
      outgoing.remove(id);
      handler.onDataFinished(id, true, null);
    } else if (out.atLimit()) {
      reportLimit(out);
    } else {
      pump(out);
    }
  }

  private void reportLimit(Outgoing out) {
    if (!out.limitReported && !out.inFlight) {
      out.limitReported = true;
      handler.onDataHeld(out.request.channelId(), out.firstTimeBytesQueued, out.nextSize());
    }
  }

  private void fail(Outgoing out, String error) {
    ChannelId id = out.request.channelId();
    outgoing.remove(id);
    if (closed) {
      // The node is stopping: its store may have been closed under a read already under way. The
      // peer sees this transport go, and restarts the channel; telling it the channel failed
      // (perhaps after the node started again) would end the channel for good.
      return;
    }
    network
        .reachable(self, out.request.peer())
        .ifPresent(
            r ->
                r.deliverBatch(
                    new Batch(id, out.generation, out.nextIndex, List.of(), 0, error), this));
    handler.onDataFinished(id, true, error);
  }

  @Override
  public void setByteLimit(ChannelId channelId, long byteLimit) {
    inbox.execute(
        () -> {
          Outgoing out = outgoing.get(channelId);
          if (out != null) {
            out.limit = byteLimit;
            out.limitReported = false;
            pump(out);
          }
        });
  }

  // ---- pause, resume, close ----

  @Override
  public void pause(ChannelId channelId) {
    paused.add(channelId);
  }

  /** The open's decision: paused, or not (a pause given before the open does not outlive it). */
  private void setPaused(ChannelId channelId, boolean pause) {
    if (pause) {
      paused.add(channelId);
    } else {
      paused.remove(channelId);
    }
  }

  @Override
  public void resume(ChannelId channelId) {
    if (paused.remove(channelId)) {
      network.kick(channelId);
    }
  }

  boolean isPaused(ChannelId channelId) {
    return paused.contains(channelId);
  }

  void kick(ChannelId channelId) {
    inbox.execute(
        () -> {
          Outgoing out = outgoing.get(channelId);
          if (out != null) {
            pump(out);
          }
        });
  }

  @Override
  public void close(ChannelId channelId) {
    paused.remove(channelId);
    inbox.execute(
        () -> {
          outgoing.remove(channelId);
          receiving.close(channelId);
        });
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    network.left(this);
    inbox.execute(
        () -> {
          outgoing.clear();
          receiving.closeAll();
        });
  }

  // ---- connections ----

  void peerConnected(PeerId peer) {
    inbox.execute(
        () -> {
          if (handler != null && !closed) {
            handler.onPeerConnected(peer);
          }
        });
  }

  void peerLost(PeerId peer, String reason) {
    inbox.execute(
        () -> {
          outgoing.values().removeIf(o -> o.request.peer().equals(peer));
          receiving.peerLost(peer);
          if (handler != null && !closed) {
            handler.onPeerDisconnected(peer, reason);
          }
        });
  }

  /** Whether {@code cid} is in this peer's store (for tests). */
  public boolean holds(Cid cid) {
    return store.has(cid);
  }
}
