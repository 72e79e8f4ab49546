package io.ferry.transport.tcp.process;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.store.ForwardingBlockStore;
import java.util.Optional;

/**
 * A block store that can be told to return wrong bytes for one CID, as a faulty or malicious
 * sender's store would (it passes them on as trusted).
 */
final class CorruptibleStore extends ForwardingBlockStore {
  private final BlockStore store;
  private volatile Cid corrupt;

  CorruptibleStore(BlockStore store) {
    this.store = store;
  }

  void corrupt(Cid cid) {
    this.corrupt = cid;
  }

  @Override
  public Optional<Block> get(Cid cid) {
    Optional<Block> b = store.get(cid);
    if (b.isPresent() && cid.equals(corrupt)) {
      byte[] bytes = b.get().data().clone();
      bytes[bytes.length / 2] ^= 0x5a;
      return Optional.of(Block.trusted(cid, bytes));
    }
    return b;
  }

  @Override
  protected BlockStore delegate() {
    return store;
  }
}
