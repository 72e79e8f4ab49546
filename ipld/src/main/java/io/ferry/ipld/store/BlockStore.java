package io.ferry.ipld.store;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where a node keeps blocks, keyed by CID. A store only receives {@link Block}s, which were
 * verified (or built locally) when they were made, so it stores bytes as they are and returns them
 * as trusted blocks without hashing them again. Writes are atomic per call: after a failed {@link
 * #put} or {@link #putAll} no partially written block is visible.
 */
public interface BlockStore extends AutoCloseable {
  /** The block named {@code cid}, trusted (not re-hashed), or empty if the store lacks it. */
  Optional<Block> get(Cid cid);

  boolean has(Cid cid);

  /**
   * The size in bytes of the block named {@code cid}, or empty if the store lacks it. Stores that
   * know sizes without reading bodies answer without reading them.
   */
  default OptionalLong sizeOf(Cid cid) {
    return get(cid).map(b -> OptionalLong.of(b.size())).orElse(OptionalLong.empty());
  }

  /** Stores the block; storing a block already held changes nothing. */
  void put(Block block);

  /** Stores all the blocks in one batch write: all of them or none. */
  void putAll(List<Block> blocks);

  /** Removes the block if held; deleting an absent block changes nothing. */
  void delete(Cid cid);

  /** The number of blocks held. */
  long count();

  /** The total size of the blocks' bytes. */
  long sizeBytes();

  @Override
  void close();
}
