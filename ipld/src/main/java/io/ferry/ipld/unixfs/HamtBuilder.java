package io.ferry.ipld.unixfs;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.codec.DagPb;
import io.ferry.ipld.codec.PbLink;
import io.ferry.ipld.codec.PbNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Builds a HAMT-sharded directory exactly as kubo, ipfs-car and ipfs-unixfs-importer do: 256 slots
 * per shard, each name placed by its murmur3-x64-64 hash, 8 bits per level; a slot holds one entry
 * (link named by the slot's two upper-case hex digits followed by the entry's name) or, when two or
 * more names share it, a sub-shard (link named by the digits alone). Shards are written children
 * first, each link's size being the whole sub-DAG's, as the reference importers count it.
 */
final class HamtBuilder {
  /** Slots per shard: 256, the reference importers' default. */
  static final int FANOUT = 256;

  private static final int BITS = 8;

  /** A directory entry: its name, its root and the size of its DAG. */
  record Entry(String name, Cid cid, long dagSize) {}

  /** The root shard, the size of the whole directory's DAG, and how many shard blocks were made. */
  record Built(Cid cid, long dagSize, long blocks) {}

  private record Hashed(Entry entry, HamtHash hash) {}

  private final UnixFsProfile profile;
  private final BlockSink sink;
  private long blocks;

  HamtBuilder(UnixFsProfile profile, BlockSink sink) {
    this.profile = profile;
    this.sink = sink;
  }

  /** Writes the shards of a directory holding {@code entries} (names unique). */
  Built build(List<Entry> entries) {
    List<Hashed> hashed = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      hashed.add(new Hashed(e, new HamtHash(e.name())));
    }
    blocks = 0;
    Built root = shard(hashed, 0);
    return new Built(root.cid(), root.dagSize(), blocks);
  }

  private Built shard(List<Hashed> entries, int depth) {
    TreeMap<Integer, List<Hashed>> bySlot = new TreeMap<>();
    for (Hashed h : entries) {
      bySlot.computeIfAbsent(h.hash().index(depth, BITS), k -> new ArrayList<>()).add(h);
    }
    List<PbLink> links = new ArrayList<>(bySlot.size());
    byte[] bitfield = new byte[FANOUT / 8];
    long childrenSize = 0;
    for (var slot : bySlot.entrySet()) {
      int index = slot.getKey();
      bitfield[bitfield.length - 1 - index / 8] |= (byte) (1 << (index % 8));
      String prefix = String.format(Locale.ROOT, "%02X", index);
      List<Hashed> here = slot.getValue();
      if (here.size() == 1) {
        Entry e = here.get(0).entry();
        links.add(PbLink.of(e.cid(), prefix + e.name(), e.dagSize()));
        childrenSize += e.dagSize();
      } else {
        Built child = shard(here, depth + 1);
        links.add(PbLink.of(child.cid(), prefix, child.dagSize()));
        childrenSize += child.dagSize();
      }
    }
    byte[] data = UnixFsData.hamtShard(withoutLeadingZeros(bitfield), FANOUT).encode();
    byte[] encoded = DagPb.encode(new PbNode(links, data));
    Cid cid = profile.dagPbCid(encoded);
    sink.put(Block.trusted(cid, encoded));
    blocks++;
    return new Built(cid, encoded.length + childrenSize, blocks);
  }

  /** The bitfield as the reference importers store it: big-endian, leading zero bytes dropped. */
  private static byte[] withoutLeadingZeros(byte[] bitfield) {
    int first = 0;
    while (first < bitfield.length && bitfield[first] == 0) {
      first++;
    }
    byte[] out = new byte[bitfield.length - first];
    System.arraycopy(bitfield, first, out, 0, out.length);
    return out;
  }
}
