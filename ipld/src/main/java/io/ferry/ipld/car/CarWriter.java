package io.ferry.ipld.car;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Varint;
import io.ferry.ipld.selector.Selector;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.traversal.Traversal;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Writes a CARv1 to a stream, block by block, as the blocks come. */
public final class CarWriter implements AutoCloseable {
  private final OutputStream out;
  private long blocks;

  /** Writes the header naming {@code roots}. */
  public CarWriter(OutputStream out, List<Cid> roots) throws IOException {
    this.out = new BufferedOutputStream(out, 1 << 16);
    byte[] header = new CarHeader(1, roots).encode();
    Varint.write(header.length, this.out);
    this.out.write(header);
  }

  public void write(Block block) throws IOException {
    byte[] cid = block.cid().toBytes();
    Varint.write((long) cid.length + block.size(), out);
    out.write(cid);
    out.write(block.data());
    blocks++;
  }

  public long blocksWritten() {
    return blocks;
  }

  /**
   * Writes the DAG under {@code root} that {@code selector} covers, in traversal order, each block
   * once (the first time the traversal reaches it); returns the number of blocks written.
   */
  public static long writeDag(BlockStore store, Cid root, Selector selector, OutputStream out)
      throws IOException {
    Set<Cid> written = new HashSet<>();
    try (CarWriter car = new CarWriter(out, List.of(root));
        Stream<Block> blocks = Traversal.walk(store, root, selector)) {
      Iterator<Block> it = blocks.iterator();
      while (it.hasNext()) {
        Block b = it.next();
        if (written.add(b.cid())) {
          car.write(b);
        }
      }
      return car.blocksWritten();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Flushes; closes the underlying stream. */
  @Override
  public void close() throws IOException {
    out.close();
  }
}
