package io.ferry.ipld.unixfs;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.codec.DagPb;
import io.ferry.ipld.codec.PbLink;
import io.ferry.ipld.codec.PbNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds one file's DAG as its chunks arrive, in ipfs-unixfs-importer's balanced layout: leaves are
 * grouped {@code maxLinks} at a time under a parent, parents likewise, until one node remains; a
 * file of a single chunk is that chunk's leaf. Only the links of one unfinished node per level are
 * held, never file data, so memory does not grow with the file.
 */
final class BalancedFileBuilder {
  /** A node already written: what its parent's link and blocksizes entry need. */
  record Child(Cid cid, long tsize, long fileSize) {}

  private final UnixFsProfile profile;
  private final BlockSink sink;
  private final List<List<Child>> pending = new ArrayList<>();
  private final List<Long> produced = new ArrayList<>();
  private long leaves;
  private long blocks;

  BalancedFileBuilder(UnixFsProfile profile, BlockSink sink) {
    this.profile = profile;
    this.sink = sink;
  }

  /** Adds the next chunk (at most the profile's chunk size; only the last may be shorter). */
  void addChunk(byte[] chunk) {
    Child leaf;
    if (profile.rawLeaves()) {
      Block block = Block.of(Multicodec.RAW, chunk);
      emit(block);
      leaf = new Child(block.cid(), chunk.length, chunk.length);
    } else {
      byte[] encoded = DagPb.encode(new PbNode(List.of(), UnixFsData.fileLeaf(chunk).encode()));
      Block block = Block.trusted(profile.dagPbCid(encoded), encoded);
      emit(block);
      leaf = new Child(block.cid(), encoded.length, chunk.length);
    }
    leaves++;
    add(0, leaf);
  }

  /** The file's root, once every chunk has been added. */
  Child finish() {
    if (leaves == 0) {
      throw new IllegalStateException("a file has at least one (possibly empty) chunk");
    }
    if (leaves == 1) {
      return pending.get(0).get(0);
    }
    for (int level = 0; ; level++) {
      List<Child> rest = pending.get(level);
      if (!rest.isEmpty()) {
        Child parent = reduce(rest);
        rest.clear();
        add(level + 1, parent);
      }
      if (produced.get(level + 1) == 1) {
        return pending.get(level + 1).get(0);
      }
    }
  }

  long blockCount() {
    return blocks;
  }

  private void add(int level, Child child) {
    while (pending.size() <= level) {
      pending.add(new ArrayList<>());
      produced.add(0L);
    }
    List<Child> nodes = pending.get(level);
    nodes.add(child);
    produced.set(level, produced.get(level) + 1);
    if (nodes.size() == profile.maxLinks()) {
      Child parent = reduce(nodes);
      nodes.clear();
      add(level + 1, parent);
    }
  }

  private Child reduce(List<Child> children) {
    List<PbLink> links = new ArrayList<>(children.size());
    List<Long> sizes = new ArrayList<>(children.size());
    long tsize = 0;
    for (Child c : children) {
      links.add(PbLink.of(c.cid(), "", c.tsize()));
      sizes.add(c.fileSize());
      tsize += c.tsize();
    }
    UnixFsData data = UnixFsData.fileParent(sizes);
    byte[] encoded = DagPb.encode(new PbNode(links, data.encode()));
    Block block = Block.trusted(profile.dagPbCid(encoded), encoded);
    emit(block);
    return new Child(block.cid(), encoded.length + tsize, data.fileSize());
  }

  private void emit(Block block) {
    blocks++;
    sink.put(block);
  }
}
