package io.ferry.transport.tcp.channel;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.codec.CodecException;
import io.ferry.ipld.selector.Selector;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.traversal.Traversal;
import io.ferry.ipld.traversal.UnexpectedBlockException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;

/**
 * Walks a channel's traversal over a local store to list the CIDs of the DAG in traversal order,
 * reading only the blocks whose links matter: raw blocks have no links, so their bytes are not
 * read. Used by a sender to offer the CIDs it will send and by a receiver to find what it holds (on
 * a blocking thread, one call at a time), and by a receiver to step over each block it takes
 * ({@link #advanceOver}).
 */
public final class Walker {
  private static final byte[] NO_BYTES = new byte[0];

  private final BlockStore store;
  private final Traversal traversal;
  private final long maxBlocks;

  public Walker(BlockStore store, Cid root, Selector selector, long maxBlocks) {
    this.store = store;
    this.traversal = Traversal.start(root, selector);
    this.maxBlocks = maxBlocks;
  }

  /** A slice of the traversal's CIDs in order. */
  public record Page(long firstIndex, List<Cid> cids, boolean last) {
    long endIndex() {
      return firstIndex + cids.size();
    }

    Cid cid(long index) {
      return cids.get((int) (index - firstIndex));
    }

    boolean contains(long index) {
      return index >= firstIndex && index < endIndex();
    }
  }

  /** A traversal advanced over the prefix of blocks {@code store} holds. */
  public static Traversal heldPrefix(BlockStore store, Cid root, Selector selector) {
    Walker w = new Walker(store, root, selector, 0);
    w.advanceOverHeld();
    return w.traversal();
  }

  /** A traversal advanced over its first {@code index} blocks, which {@code store} holds. */
  public static Traversal positionedAt(BlockStore store, Cid root, Selector selector, long index) {
    Walker w = new Walker(store, root, selector, 0);
    w.skip(index);
    return w.traversal();
  }

  public long index() {
    return traversal.index();
  }

  public Traversal traversal() {
    return traversal;
  }

  /** Advances over the first {@code count} blocks without listing them. */
  public void skip(long count) {
    while (traversal.index() < count) {
      Optional<Cid> next = traversal.expectedNext();
      if (next.isEmpty()) {
        return;
      }
      step(next.get());
    }
  }

  /**
   * Advances over the first {@code count} blocks, as {@link #skip}, and returns the sizes of those
   * at traversal index {@code measureFrom} or later, in order: their stored sizes (raw blocks by
   * {@link BlockStore#sizeOf}, without reading their bytes), identity blocks 0 (they never travel).
   */
  public long[] skipMeasuring(long count, long measureFrom) {
    LongStream.Builder sizes = LongStream.builder();
    while (traversal.index() < count) {
      Optional<Cid> next = traversal.expectedNext();
      if (next.isEmpty()) {
        break;
      }
      Cid cid = next.get();
      long index = traversal.index();
      if (index < measureFrom || cid.multihash().code() == Multicodec.IDENTITY) {
        if (index >= measureFrom) {
          sizes.add(0);
        }
        step(cid);
        continue;
      }
      Held held = held(store, cid, index);
      sizes.add(held.size());
      try {
        traversal.advance(held.block());
      } catch (UnexpectedBlockException e) {
        throw new IllegalStateException("traversal refused its own expected block " + cid, e);
      }
    }
    return sizes.build().toArray();
  }

  /** The next at most {@code max} CIDs of the traversal. */
  public Page next(int max) {
    long first = traversal.index();
    List<Cid> cids = new ArrayList<>(Math.min(max, 1024));
    while (cids.size() < max) {
      Optional<Cid> next = traversal.expectedNext();
      if (next.isEmpty()) {
        break;
      }
      if (maxBlocks > 0 && traversal.index() >= maxBlocks) {
        throw new IllegalStateException(
            "the DAG has more than the maximum of " + maxBlocks + " blocks per channel");
      }
      cids.add(next.get());
      step(next.get());
    }
    return new Page(first, cids, traversal.isDone());
  }

  /** Advances over blocks this node holds, from where the walk stands, until one is missing. */
  public void advanceOverHeld() {
    while (true) {
      Optional<Cid> next = traversal.expectedNext();
      if (next.isEmpty() || !isHeld(next.get())) {
        return;
      }
      step(next.get());
    }
  }

  private boolean isHeld(Cid cid) {
    return cid.multihash().code() == Multicodec.IDENTITY || store.has(cid);
  }

  private void step(Cid cid) {
    try {
      traversal.advance(load(store, cid, traversal.index()));
    } catch (UnexpectedBlockException e) {
      throw new IllegalStateException("traversal refused its own expected block " + cid, e);
    }
  }

  /**
   * The block to advance a traversal over {@code cid}: raw blocks stand in with no bytes (they have
   * no links), identity CIDs carry their bytes, others are read from the store.
   */
  public static Block load(BlockStore store, Cid cid, long index) {
    if (cid.multihash().code() == Multicodec.IDENTITY) {
      return Block.trusted(cid, cid.multihash().digest());
    }
    if (cid.codec() == Multicodec.RAW) {
      return Block.trusted(cid, NO_BYTES);
    }
    return store.get(cid).orElseThrow(() -> missing(cid, index));
  }

  /**
   * Advances a receiver's {@code traversal} over {@code block}, which it got from the wire or its
   * store (a raw block by its CID alone, as {@link #load} gives it); returns why the channel must
   * fail instead (the selector did not ask for the block, or it cannot be decoded), or null.
   */
  public static String advanceOver(Traversal traversal, BlockStore store, Block block) {
    Cid cid = block.cid();
    try {
      traversal.advance(cid.codec() == Multicodec.RAW ? load(store, cid, 0) : block);
      return null;
    } catch (UnexpectedBlockException e) {
      return e.getMessage();
    } catch (CodecException e) {
      return "block " + cid + " cannot be decoded: " + e.getMessage();
    } catch (RuntimeException e) {
      return "block " + cid + " cannot be traversed: " + e.getMessage();
    }
  }

  /** A held block as a traversal needs it ({@link #load}), and its size in the store. */
  public record Held(Block block, long size) {}

  /** Block {@code index} of a traversal, which {@code store} holds, and its stored size. */
  public static Held held(BlockStore store, Cid cid, long index) {
    Block block = load(store, cid, index);
    if (cid.codec() != Multicodec.RAW) {
      return new Held(block, block.size());
    }
    return new Held(block, store.sizeOf(cid).orElseThrow(() -> missing(cid, index)));
  }

  private static IllegalStateException missing(Cid cid, long index) {
    return new IllegalStateException(
        "block " + cid + " (traversal index " + index + ") is not in the local store");
  }
}
