package io.ferry.ipld.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The block store contract, through a forwarding store over a memory store. */
class ForwardingBlockStoreTest extends BlockStoreContract {

  @Override
  protected BlockStore open() {
    return forwardingTo(new MemoryBlockStore());
  }

  private static ForwardingBlockStore forwardingTo(BlockStore inner) {
    return new ForwardingBlockStore() {
      @Override
      protected BlockStore delegate() {
        return inner;
      }
    };
  }

  @Test
  void theSizeOfABlockComesFromTheWrappedStoreNotFromReadingTheBlock() {
    Block b = block("sized");
    MemoryBlockStore memory = new MemoryBlockStore();
    memory.put(b);
    BlockStore readsRefused =
        new ForwardingBlockStore() {
          @Override
          protected BlockStore delegate() {
            return memory;
          }

          @Override
          public Optional<Block> get(Cid cid) {
            throw new AssertionError("sizeOf read the block " + cid);
          }
        };

    assertThat(forwardingTo(readsRefused).sizeOf(b.cid())).isEqualTo(OptionalLong.of(5));
  }
}
