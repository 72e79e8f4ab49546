package io.ferry.ipld.trustless;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.codec.Codecs;
import io.ferry.ipld.codec.DagPb;
import io.ferry.ipld.codec.PbLink;
import io.ferry.ipld.codec.PbNode;
import io.ferry.ipld.unixfs.HamtLookup;
import io.ferry.ipld.unixfs.UnixFsData;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * The blocks of a trustless CAR response, in depth-first order, read one at a time as the consumer
 * asks (never the whole DAG in memory): first the blocks proving the path, then the DAG at its end
 * as {@link DagScope} and {@link EntityBytes} say. With {@code dups} every block is yielded each
 * time the walk reaches it; without, only the first time (and what is under it is not walked
 * again). Identity blocks are walked but never yielded. A block missing from the store ends the
 * walk with {@link io.ferry.ipld.traversal.MissingBlockException} when it is reached.
 */
public final class DagWalk implements Iterator<Block> {
  private enum Mode {
    /** Yield the block only. */
    BLOCK,
    /** Yield the block and everything it links to. */
    ALL,
    /** The entity at the end of the path: decided once its block is read. */
    ENTITY,
    /** A file node: its children that overlap the range. */
    FILE,
    /** A HAMT shard: its sub-shards, not its entries. */
    SHARD
  }

  /** A block still to visit; {@code offset} is where a file node's bytes start in the file. */
  private record Visit(Cid cid, Block block, Mode mode, long offset) {}

  private final StoredBlocks blocks;
  private final Optional<EntityBytes.Range> range;
  private final boolean dups;
  private final Deque<Visit> stack = new ArrayDeque<>();
  private final Set<Cid> seen = new HashSet<>();
  private Block next;

  /**
   * A walk of the resolved path and the DAG at its end.
   *
   * @param range the part of a file to cover ({@link EntityBytes#within} of the file's size), or
   *     empty for all of it; ignored unless the entity is a UnixFS file
   */
  public DagWalk(
      StoredBlocks blocks,
      Resolution resolution,
      DagScope scope,
      Optional<EntityBytes.Range> range,
      boolean dups) {
    this.blocks = blocks;
    this.range = range;
    this.dups = dups;
    Mode mode =
        switch (scope) {
          case BLOCK -> Mode.BLOCK;
          case ENTITY -> Mode.ENTITY;
          case ALL -> Mode.ALL;
        };
    Block terminal = resolution.terminal();
    stack.push(new Visit(terminal.cid(), terminal, mode, 0));
    List<Block> path = resolution.pathBlocks();
    for (int i = path.size() - 1; i >= 0; i--) {
      stack.push(new Visit(path.get(i).cid(), path.get(i), Mode.BLOCK, 0));
    }
  }

  /** The file size a UnixFS entity declares, if {@code block} is a UnixFS file or a raw block. */
  public static Optional<Long> fileSize(Block block) {
    long codec = block.cid().codec();
    if (codec == Multicodec.RAW) {
      return Optional.of((long) block.size());
    }
    if (codec != Multicodec.DAG_PB) {
      return Optional.empty();
    }
    UnixFsData data = unixfs(DagPb.decode(block.data()));
    if (data != null
        && (data.type() == UnixFsData.Type.FILE || data.type() == UnixFsData.Type.RAW)) {
      return Optional.of(data.fileSize());
    }
    return Optional.empty();
  }

  @Override
  public boolean hasNext() {
    while (next == null && !stack.isEmpty()) {
      next = visit(stack.pop());
    }
    return next != null;
  }

  @Override
  public Block next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Block b = next;
    next = null;
    return b;
  }

  /** Visits one block: pushes its children; returns it unless it is not to be yielded. */
  private Block visit(Visit v) {
    if (!dups && !seen.add(v.cid())) {
      return null;
    }
    Block block = v.block() != null ? v.block() : blocks.load(v.cid());
    List<Visit> children = children(block, v);
    for (int i = children.size() - 1; i >= 0; i--) {
      stack.push(children.get(i));
    }
    return StoredBlocks.isIdentity(block.cid()) ? null : block;
  }

  private List<Visit> children(Block block, Visit v) {
    return switch (v.mode()) {
      case BLOCK -> List.of();
      case ALL -> all(block);
      case ENTITY -> entity(block);
      case FILE -> fileChildren(block, v.offset());
      case SHARD -> subShards(block);
    };
  }

  private static List<Visit> all(Block block) {
    long codec = block.cid().codec();
    List<Cid> links;
    if (codec == Multicodec.DAG_PB) {
      links = DagPb.decode(block.data()).links().stream().map(PbLink::hash).toList();
    } else if (codec == Multicodec.DAG_CBOR || codec == Multicodec.DAG_JSON) {
      links = Codecs.decode(block).links();
    } else {
      links = List.of();
    }
    return links.stream().map(c -> new Visit(c, null, Mode.ALL, 0)).toList();
  }

  private List<Visit> entity(Block block) {
    if (block.cid().codec() != Multicodec.DAG_PB) {
      return List.of();
    }
    UnixFsData data = unixfs(DagPb.decode(block.data()));
    if (data == null) {
      return List.of();
    }
    return switch (data.type()) {
      case FILE, RAW -> fileChildren(block, 0);
      case HAMT_SHARD -> subShards(block);
      default -> List.of();
    };
  }

  private List<Visit> fileChildren(Block block, long offset) {
    if (block.cid().codec() != Multicodec.DAG_PB) {
      return List.of();
    }
    PbNode node = DagPb.decode(block.data());
    UnixFsData data = unixfs(node);
    List<Long> sizes = data == null ? List.of() : data.blockSizes();
    long at = offset + (data == null ? 0 : data.data().length);
    List<Visit> out = new ArrayList<>();
    List<PbLink> links = node.links();
    for (int i = 0; i < links.size(); i++) {
      boolean known = i < sizes.size();
      long size = known ? sizes.get(i) : 0;
      if (range.isEmpty() || !known || range.get().overlaps(at, size)) {
        out.add(new Visit(links.get(i).hash(), null, Mode.FILE, at));
      }
      at += size;
    }
    return out;
  }

  private static List<Visit> subShards(Block block) {
    PbNode node = DagPb.decode(block.data());
    UnixFsData data = HamtLookup.shardData(block, node);
    List<Visit> out = new ArrayList<>();
    for (PbLink link : node.links()) {
      if (HamtLookup.isSubShard(link, data.fanout())) {
        out.add(new Visit(link.hash(), null, Mode.SHARD, 0));
      }
    }
    return out;
  }

  private static UnixFsData unixfs(PbNode node) {
    if (!node.hasData()) {
      return null;
    }
    try {
      return UnixFsData.decode(node.data());
    } catch (RuntimeException e) {
      return null;
    }
  }
}
