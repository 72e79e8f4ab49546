package io.ferry.ipld.traversal;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;
import io.ferry.ipld.store.BlockStore;
import java.util.Optional;
import java.util.stream.Stream;

/** Step-wise depth-first selector traversal (placeholder: implementation follows). */
public final class Traversal {
  private Traversal() {}

  public static Traversal start(Cid root, Selector selector) {
    throw new UnsupportedOperationException("traversal is not implemented yet");
  }

  public Optional<Cid> expectedNext() {
    throw new UnsupportedOperationException();
  }

  public void advance(Block block) throws UnexpectedBlockException {
    throw new UnsupportedOperationException();
  }

  public long index() {
    throw new UnsupportedOperationException();
  }

  public boolean isDone() {
    throw new UnsupportedOperationException();
  }

  public static Stream<Block> walk(BlockStore store, Cid root, Selector selector) {
    throw new UnsupportedOperationException();
  }
}
