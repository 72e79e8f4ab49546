package io.ferry.server.http;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.codec.DagPb;
import io.ferry.ipld.codec.PbLink;
import io.ferry.ipld.store.BlockStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The size of a whole DAG as its root block tells it (a raw block's own size; a DAG-PB node's size
 * plus its links' cumulative sizes), read from the block store once per root and remembered: a CID
 * names its bytes for good, so a size once read never changes. A root not in the store yet is read
 * again next time (it may have arrived). Keeps the {@value #KEPT} roots used last.
 */
final class DagSizes {
  static final int KEPT = 16_384;

  private final BlockStore store;
  private final Map<Cid, Long> known =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Cid, Long> eldest) {
          return size() > KEPT;
        }
      };

  DagSizes(BlockStore store) {
    this.store = store;
  }

  /** The DAG's size in bytes; 0 when its root is not in the store or does not tell it. */
  long of(Cid root) {
    synchronized (known) {
      Long size = known.get(root);
      if (size != null) {
        return size;
      }
    }
    Optional<Block> block;
    try {
      block = store.get(root);
    } catch (RuntimeException e) {
      return 0;
    }
    if (block.isEmpty()) {
      return 0;
    }
    long size = size(root, block.get());
    synchronized (known) {
      known.put(root, size);
    }
    return size;
  }

  private static long size(Cid root, Block block) {
    long size = block.data().length;
    if (root.codec() == Multicodec.RAW) {
      return size;
    }
    if (root.codec() != Multicodec.DAG_PB) {
      return 0;
    }
    try {
      for (PbLink link : DagPb.decode(block.data()).links()) {
        if (link.tsize().isEmpty()) {
          return 0;
        }
        size += link.tsize().getAsLong();
      }
      return size;
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
