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
 * Finds one entry of a HAMT-sharded UnixFS directory by name, reading only the shards on the way,
 * as go-unixfs and js-ipfs-unixfs lay them out: the name is hashed with murmur3-x64-64, each level
 * consumes log2(fanout) bits of the hash from the most significant bit on, and a shard's links are
 * named by the bucket index in upper-case hex padded to the width of {@code fanout - 1}, followed
 * by the entry's name (an entry) or by nothing (a sub-shard).
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
    byte[] hash = murmur3x64_64(name.getBytes(StandardCharsets.UTF_8));
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

  /** The first 64 bits of murmur3-x64-128 with seed 0, big-endian (go's murmur3.New64().Sum). */
  static byte[] murmur3x64_64(byte[] data) {
    final long c1 = 0x87c37b91114253d5L;
    final long c2 = 0x4cf5ad432745937fL;
    long h1 = 0;
    long h2 = 0;
    int blocks = data.length / 16;
    for (int i = 0; i < blocks; i++) {
      long k1 = littleEndian(data, i * 16);
      long k2 = littleEndian(data, i * 16 + 8);
      h1 ^= Long.rotateLeft(k1 * c1, 31) * c2;
      h1 = Long.rotateLeft(h1, 27) + h2;
      h1 = h1 * 5 + 0x52dce729;
      h2 ^= Long.rotateLeft(k2 * c2, 33) * c1;
      h2 = Long.rotateLeft(h2, 31) + h1;
      h2 = h2 * 5 + 0x38495ab5;
    }
    int tail = blocks * 16;
    int rest = data.length & 15;
    long k1 = 0;
    long k2 = 0;
    for (int i = rest - 1; i >= 8; i--) {
      k2 ^= (long) (data[tail + i] & 0xff) << ((i - 8) * 8);
    }
    if (rest > 8) {
      h2 ^= Long.rotateLeft(k2 * c2, 33) * c1;
    }
    for (int i = Math.min(rest, 8) - 1; i >= 0; i--) {
      k1 ^= (long) (data[tail + i] & 0xff) << (i * 8);
    }
    if (rest > 0) {
      h1 ^= Long.rotateLeft(k1 * c1, 31) * c2;
    }
    h1 ^= data.length;
    h2 ^= data.length;
    h1 += h2;
    h2 += h1;
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 += h2;
    byte[] out = new byte[8];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (h1 >>> (56 - 8 * i));
    }
    return out;
  }

  private static long littleEndian(byte[] b, int at) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[at + i] & 0xff);
    }
    return v;
  }

  private static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
