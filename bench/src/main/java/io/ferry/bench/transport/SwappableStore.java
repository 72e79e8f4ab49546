package io.ferry.bench.transport;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.store.BlockStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A block store that forwards to another, which the bench replaces between pulls: so that one
 * puller transport, with its one connection to the provider, can pull into a fresh, empty store
 * each round, as a node pulls many channels over one connection per peer.
 */
final class SwappableStore implements BlockStore {
  private volatile BlockStore current;

  SwappableStore(BlockStore first) {
    current = Objects.requireNonNull(first, "first");
  }

  /** Puts {@code next} in place and returns the store it replaced (not closed). */
  BlockStore swap(BlockStore next) {
    BlockStore old = current;
    current = Objects.requireNonNull(next, "next");
    return old;
  }

  @Override
  public Optional<Block> get(Cid cid) {
    return current.get(cid);
  }

  @Override
  public boolean has(Cid cid) {
    return current.has(cid);
  }

  @Override
  public OptionalLong sizeOf(Cid cid) {
    return current.sizeOf(cid);
  }

  @Override
  public void put(Block block) {
    current.put(block);
  }

  @Override
  public void putAll(List<Block> blocks) {
    current.putAll(blocks);
  }

  @Override
  public void delete(Cid cid) {
    current.delete(cid);
  }

  @Override
  public long count() {
    return current.count();
  }

  @Override
  public long sizeBytes() {
    return current.sizeBytes();
  }

  @Override
  public void close() {
    current.close();
  }
}
