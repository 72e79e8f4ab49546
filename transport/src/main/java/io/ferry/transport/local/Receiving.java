package io.ferry.transport.local;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataProgress.Direction;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.TransportHandler;
import io.ferry.ipld.Block;
import io.ferry.ipld.BlockVerificationException;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.traversal.Traversal;
import io.ferry.ipld.traversal.UnexpectedBlockException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The receiving side of one {@link LocalTransport}: the channels it receives, each with the
 * traversal that says which block must come next. A batch is hashed block by block against the
 * CIDs, checked against the traversal, stored in one write and acknowledged to the sender. Runs
 * only on its transport's inbox, so it needs no locks.
 */
final class Receiving {
  private final LocalTransport owner;
  private final BlockStore store;
  private final Map<ChannelId, Incoming> incoming = new HashMap<>();

  Receiving(LocalTransport owner, BlockStore store) {
    this.owner = owner;
    this.store = store;
  }

  /** Starts receiving a channel after the blocks the store already holds; gives their count. */
  long open(DataRequest request) throws UnexpectedBlockException {
    Traversal t = Traversal.start(request.root(), request.selector());
    while (t.expectedNext().isPresent()) {
      Optional<Block> held = store.get(t.expectedNext().get());
      if (held.isEmpty()) {
        break;
      }
      t.advance(held.get());
    }
    incoming.put(request.channelId(), new Incoming(request, t));
    return t.index();
  }

  /** Takes a batch from {@code sender}: verifies, stores, acknowledges, reports. */
  void receive(Batch batch, LocalTransport sender) {
    ChannelId id = batch.channelId();
    Incoming in = incoming.get(id);
    if (in == null || in.finished || batch.generation() < in.generation) {
      sender.deliverAck(new Ack(id, batch.generation(), owner.self() + " is not receiving " + id));
      return;
    }
    in.generation = batch.generation();
    String error = batch.error() != null ? "the sender failed: " + batch.error() : null;
    List<Block> verified = new ArrayList<>();
    long bytes = 0;
    long firstBlocks = 0;
    long firstBytes = 0;
    try {
      if (error == null && in.traversal.index() != batch.startIndex()) {
        in.traversal =
            Traversal.resume(store, in.request.root(), in.request.selector(), batch.startIndex());
      }
      for (Block wire : error == null ? batch.blocks() : List.<Block>of()) {
        long index = in.traversal.index();
        Block block = Block.verify(wire.cid(), wire.data());
        in.traversal.advance(block);
        verified.add(block);
        bytes += block.size();
        if (index >= in.request.countedBlocks()) {
          firstBlocks++;
          firstBytes += block.size();
        }
      }
      store.putAll(verified);
    } catch (BlockVerificationException | UnexpectedBlockException | RuntimeException e) {
      error = "block rejected from " + sender.self() + ": " + e.getMessage();
    }
    sender.deliverAck(new Ack(id, batch.generation(), error));
    TransportHandler handler = owner.handler();
    if (error != null) {
      in.finished = true;
      incoming.remove(id);
      handler.onDataFinished(id, false, error);
      return;
    }
    if (!verified.isEmpty()) {
      handler.onProgress(
          id,
          new DataProgress(
              Direction.RECEIVED,
              verified.size(),
              bytes,
              firstBlocks,
              firstBytes,
              in.traversal.index()));
    }
    if (in.traversal.isDone()) {
      in.finished = true;
      handler.onDataFinished(id, false, null);
    }
  }

  void close(ChannelId channelId) {
    incoming.remove(channelId);
  }

  void closeAll() {
    incoming.clear();
  }

  void peerLost(PeerId peer) {
    incoming.values().removeIf(i -> i.request.peer().equals(peer));
  }
}
