package io.ferry.ipld.unixfs;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.codec.DagPb;
import io.ferry.ipld.codec.PbLink;
import io.ferry.ipld.codec.PbNode;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads HAMT-sharded directories made by any importer: finds one name by following its hash from
 * shard to shard (reading only the shards on its way), or lists every entry in slot order. Shards
 * of any power-of-two fanout up to 4096 are read; the hash must be murmur3-x64-64.
 */
final class HamtReader {
  /** Loads a block, or fails naming it. */
  interface Loader {
    Block load(Cid cid) throws IOException;
  }

  /** Sees each entry of a directory, with its own name (the slot digits removed). */
  interface EntryVisitor {
    void entry(PbLink entry) throws IOException;
  }

  /** Sees each shard block read, the root first. */
  interface ShardVisitor {
    void shard(Block shard);
  }

  private final Loader loader;

  HamtReader(Loader loader) {
    this.loader = loader;
  }

  /**
   * The entry named {@code name} in the directory whose root shard is {@code root}; every shard
   * read on the way (the root included) goes to {@code visited}, in order.
   */
  Optional<PbLink> find(Block root, String name, ShardVisitor visited) throws IOException {
    HamtHash hash = new HamtHash(name);
    Block shard = root;
    for (int depth = 0; ; depth++) {
      visited.shard(shard);
      Shard s = Shard.read(shard);
      String prefix = s.prefix(hash.index(depth, s.bits()));
      PbLink next = null;
      for (PbLink link : s.links()) {
        String linkName = link.name().orElse("");
        if (linkName.startsWith(prefix)) {
          next = link;
          break;
        }
      }
      if (next == null) {
        return Optional.empty();
      }
      String linkName = next.name().orElse("");
      if (linkName.length() == prefix.length()) {
        shard = loader.load(next.hash());
        continue;
      }
      if (!linkName.substring(prefix.length()).equals(name)) {
        return Optional.empty();
      }
      return Optional.of(new PbLink(next.hash(), Optional.of(name), next.tsize()));
    }
  }

  /** Every entry of the directory whose root shard is {@code root}, sub-shards read in order. */
  void list(Block root, EntryVisitor visitor) throws IOException {
    list(root, visitor, 0);
  }

  private void list(Block shardBlock, EntryVisitor visitor, int depth) throws IOException {
    if (depth > 64) {
      throw new IOException("HAMT directory is deeper than 64 levels at " + shardBlock.cid());
    }
    Shard s = Shard.read(shardBlock);
    for (PbLink link : s.links()) {
      String linkName = link.name().orElse("");
      if (linkName.length() < s.padding()) {
        throw new IOException(
            "HAMT shard " + shardBlock.cid() + " has a link named \"" + linkName + "\"");
      }
      if (linkName.length() == s.padding()) {
        list(loader.load(link.hash()), visitor, depth + 1);
      } else {
        visitor.entry(
            new PbLink(link.hash(), Optional.of(linkName.substring(s.padding())), link.tsize()));
      }
    }
  }

  /** One shard: its links and how its slots are numbered. */
  private record Shard(List<PbLink> links, int bits, int padding) {
    static Shard read(Block block) throws IOException {
      PbNode node = DagPb.decode(block.data());
      if (!node.hasData()) {
        throw new IOException("dag-pb node " + block.cid() + " has no UnixFS data");
      }
      UnixFsData data = UnixFsData.decode(node.data());
      if (data.type() != UnixFsData.Type.HAMT_SHARD) {
        throw new IOException(block.cid() + " is a UnixFS " + data.type() + ", not a HAMT shard");
      }
      if (data.hashType() != Murmur3.X64_64) {
        throw new IOException(
            "HAMT shard "
                + block.cid()
                + " places names by hash 0x"
                + Long.toHexString(data.hashType())
                + "; only murmur3-x64-64 (0x22) is read");
      }
      long fanout = data.fanout();
      if (fanout < 2 || fanout > 4096 || Long.bitCount(fanout) != 1) {
        throw new IOException(
            "HAMT shard " + block.cid() + " has fanout " + fanout + ", not a power of two");
      }
      int padding = Long.toHexString(fanout - 1).length();
      return new Shard(node.links(), Long.numberOfTrailingZeros(fanout), padding);
    }

    String prefix(int index) {
      String hex = Integer.toHexString(index).toUpperCase(Locale.ROOT);
      return "0".repeat(padding - hex.length()) + hex;
    }
  }
}
