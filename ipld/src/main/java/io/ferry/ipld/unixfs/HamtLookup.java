package io.ferry.ipld.unixfs;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.codec.DagPb;
import io.ferry.ipld.codec.PbLink;
import io.ferry.ipld.codec.PbNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Finds one entry of a HAMT-sharded UnixFS directory by name, reading only the shards on the way
 * (and keeping them, so a trustless CAR response can prove the path), as go-unixfs and
 * js-ipfs-unixfs lay them out: the name is hashed with murmur3-x64-64, each level consumes
 * log2(fanout) bits of the hash from the most significant bit on, and a shard's links are named by
 * the bucket index in upper-case hex padded to the width of {@code fanout - 1}, followed by the
 * entry's name (an entry) or by nothing (a sub-shard).
 */
public final class HamtLookup {
  private static final int MAX_DEPTH = 64;

  private HamtLookup() {}

  /**
   * The outcome: the entry's link when found, and the sub-shards read on the way (not the shard the
   * lookup started from), in the order they were read.
   */
  public record Result(Optional<PbLink> entry, List<Block> shardsRead) {}

  /**
   * Looks {@code name} up in the HAMT whose root shard is {@code root}.
   *
   * @param load reads a block by CID (throws when the block is missing)
   * @throws IllegalArgumentException when a block on the way is not a HAMT shard
   */
  public static Result find(Block root, String name, Function<Cid, Block> load) {
    byte[] hash = Murmur3.x64_64(name.getBytes(StandardCharsets.UTF_8));
    List<Block> read = new ArrayList<>();
    Block shard = root;
    int bit = 0;
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
      PbNode node = DagPb.decode(shard.data());
      UnixFsData data = shardData(shard, node);
      int width = Long.numberOfTrailingZeros(data.fanout());
      if (data.fanout() < 2 || Long.bitCount(data.fanout()) != 1) {
        throw new IllegalArgumentException(
            "HAMT shard " + shard.cid() + " has fanout " + data.fanout() + ", not a power of two");
      }
      if (bit + width > hash.length * 8) {
        return new Result(Optional.empty(), read);
      }
      int index = bits(hash, bit, width);
      bit += width;
      String prefix = prefix(index, data.fanout());
      Optional<PbLink> next = Optional.empty();
      for (PbLink link : node.links()) {
        String linkName = link.name().orElse("");
        if (linkName.startsWith(prefix)) {
          next = Optional.of(link);
          break;
        }
      }
      if (next.isEmpty()) {
        return new Result(Optional.empty(), read);
      }
      String linkName = next.get().name().orElse("");
      if (linkName.length() > prefix.length()) {
        return linkName.substring(prefix.length()).equals(name)
            ? new Result(next, read)
            : new Result(Optional.empty(), read);
      }
      shard = load.apply(next.get().hash());
      read.add(shard);
    }
    throw new IllegalArgumentException(
        "HAMT under " + root.cid() + " is deeper than " + MAX_DEPTH + " levels");
  }

  /** Whether {@code link} of a shard with {@code fanout} points to a sub-shard, not an entry. */
  public static boolean isSubShard(PbLink link, long fanout) {
    return link.name().orElse("").length() == prefix(0, fanout).length();
  }

  /** The UnixFS data of a shard, checked to be one. */
  public static UnixFsData shardData(Block shard, PbNode node) {
    if (shard.cid().codec() != Multicodec.DAG_PB || !node.hasData()) {
      throw new IllegalArgumentException(shard.cid() + " is not a UnixFS HAMT shard");
    }
    UnixFsData data = UnixFsData.decode(node.data());
    if (data.type() != UnixFsData.Type.HAMT_SHARD) {
      throw new IllegalArgumentException(
          shard.cid() + " is a UnixFS " + data.type() + ", not a HAMT shard");
    }
    return data;
  }

  private static String prefix(int index, long fanout) {
    int width = Long.toHexString(fanout - 1).length();
    String hex = Integer.toHexString(index).toUpperCase(Locale.ROOT);
    return "0".repeat(Math.max(0, width - hex.length())) + hex;
  }

  /** {@code width} bits of {@code bytes} from bit {@code from} on, most significant bit first. */
  private static int bits(byte[] bytes, int from, int width) {
    int v = 0;
    for (int i = from; i < from + width; i++) {
      int b = (bytes[i / 8] >> (7 - i % 8)) & 1;
      v = (v << 1) | b;
    }
    return v;
  }
}
