package io.ferry.bench.transport;

import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.store.ForwardingBlockStore;
import java.util.Objects;

/**
 * A block store that forwards to another, which the bench replaces between pulls: so that one
 * puller transport, with its one connection to the provider, can pull into a fresh, empty store
 * each round, as a node pulls many channels over one connection per peer.
 */
final class SwappableStore extends ForwardingBlockStore {
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
  protected BlockStore delegate() {
    return current;
  }
}
