package io.ferry.ipld.trustless;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.traversal.MissingBlockException;
import java.util.Objects;

/**
 * Blocks as a gateway reads them: from the store, except identity CIDs, whose bytes are in the CID
 * itself and which are never stored (nor sent as blocks).
 */
public final class StoredBlocks {
  private final BlockStore store;

  public StoredBlocks(BlockStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** Whether the CID uses the identity "hash". */
  public static boolean isIdentity(Cid cid) {
    return cid.multihash().code() == Multicodec.IDENTITY;
  }

  /** Whether the block can be read: an identity CID, or held by the store. */
  public boolean has(Cid cid) {
    return isIdentity(cid) || store.has(cid);
  }

  /**
   * The block named {@code cid}.
   *
   * @throws MissingBlockException when the store lacks it
   */
  public Block load(Cid cid) {
    if (isIdentity(cid)) {
      return Block.trusted(cid, cid.multihash().digest());
    }
    return store.get(cid).orElseThrow(() -> new MissingBlockException(cid));
  }
}
