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

  /** Puts {@code next} in place; the store it replaces is not closed. */
  void swap(BlockStore next) {
    current = Objects.requireNonNull(next, "next");
  }

  @Override
  protected BlockStore delegate() {
    return current;
  }
}
