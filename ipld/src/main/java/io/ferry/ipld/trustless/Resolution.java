package io.ferry.ipld.trustless;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import java.util.List;

/**
 * A resolved content path.
 *
 * @param pathBlocks the blocks that prove the path, in the order they were read (the root first;
 *     HAMT shards included), without the terminal block
 * @param terminal the block at the end of the path
 * @param roots the CID each path segment resolved to, the root first (a gateway's {@code
 *     X-Ipfs-Roots}); a segment inside a dag-cbor document repeats its block's CID
 */
public record Resolution(List<Block> pathBlocks, Block terminal, List<Cid> roots) {
  public Resolution {
    pathBlocks = List.copyOf(pathBlocks);
    roots = List.copyOf(roots);
  }
}
