package io.ferry.ipld.unixfs;

import io.ferry.ipld.Block;
import io.ferry.ipld.store.BlockStore;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an importer sends the blocks it makes, in the order it makes them (leaves before their
 * parents). {@link #flush()} is called once the import is complete.
 */
public interface BlockSink {
  /** Takes the next block made. */
  void put(Block block);

  /** Writes out anything held back; called once, when the import is complete. */
  default void flush() {}

  /** Keeps nothing: for computing CIDs only. */
  static BlockSink discard() {
    return block -> {};
  }

  /** Writes to {@code store} in batches of about {@code batchBytes} (one {@code putAll} each). */
  static BlockSink batching(BlockStore store, long batchBytes) {
    return new BlockSink() {
      private final List<Block> batch = new ArrayList<>();
      private long bytes;

      @Override
      public void put(Block block) {
        batch.add(block);
        bytes += block.size();
        if (bytes >= batchBytes) {
          flush();
        }
      }

      @Override
      public void flush() {
        if (!batch.isEmpty()) {
          store.putAll(List.copyOf(batch));
          batch.clear();
          bytes = 0;
        }
      }
    };
  }
}
