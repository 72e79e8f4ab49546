package io.ferry.ipld.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BlockStore} must do. Each implementation's test extends this class and says how
 * to open a store (and, for durable stores, how to reopen the same one).
 */
public abstract class BlockStoreContract {
  protected BlockStore store;

  /** A new, empty store. */
  protected abstract BlockStore open() throws Exception;

  /**
   * The same store closed and opened again; stores that keep nothing across a close return null,
   * and the tests about durability then check nothing.
   */
  protected BlockStore reopen(BlockStore closed) throws Exception {
    return null;
  }

  @BeforeEach
  void openStore() throws Exception {
    store = open();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  protected static Block block(String text) {
    return Block.of(Multicodec.RAW, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aNewStoreIsEmpty() {
    assertThat(store.count()).isZero();
    assertThat(store.sizeBytes()).isZero();
    assertThat(store.has(block("x").cid())).isFalse();
    assertThat(store.get(block("x").cid())).isEmpty();
  }

  @Test
  void aStoredBlockComesBackWithTheSameCidAndBytes() {
    Block b = block("hello");
    store.put(b);
    assertThat(store.has(b.cid())).isTrue();
    Block got = store.get(b.cid()).orElseThrow();
    assertThat(got.cid()).isEqualTo(b.cid());
    assertThat(got.data()).isEqualTo(b.data());
  }

  @Test
  void bytesAreStoredAsGivenWithoutReHashing() {
    Cid cid = block("the cid").cid();
    byte[] other = "other bytes".getBytes(StandardCharsets.UTF_8);
    store.put(Block.trusted(cid, other));
    assertThat(store.get(cid).orElseThrow().data()).isEqualTo(other);
  }

  @Test
  void theSizeOfAStoredBlockIsKnownWithoutItsBytesAndAnAbsentOneHasNone() {
    Block small = block("small");
    Block large = Block.of(Multicodec.RAW, new byte[100_000]);
    store.putAll(List.of(small, large));

    assertThat(store.sizeOf(small.cid())).hasValue(small.size());
    assertThat(store.sizeOf(large.cid())).hasValue(100_000);
    assertThat(store.sizeOf(block("absent").cid())).isEmpty();
    store.delete(large.cid());
    assertThat(store.sizeOf(large.cid())).isEmpty();
  }

  @Test
  void countAndSizeFollowPutsAndDeletes() {
    store.put(block("aa"));
    store.put(block("bbb"));
    assertThat(store.count()).isEqualTo(2);
    assertThat(store.sizeBytes()).isEqualTo(5);
    store.delete(block("aa").cid());
    assertThat(store.count()).isEqualTo(1);
    assertThat(store.sizeBytes()).isEqualTo(3);
    assertThat(store.has(block("aa").cid())).isFalse();
  }

  @Test
  void puttingABlockTwiceCountsItOnce() {
    store.put(block("same"));
    store.put(block("same"));
    store.putAll(List.of(block("same"), block("same")));
    assertThat(store.count()).isEqualTo(1);
    assertThat(store.sizeBytes()).isEqualTo(4);
  }

  @Test
  void deletingAnAbsentBlockChangesNothing() {
    store.put(block("kept"));
    store.delete(block("absent").cid());
    assertThat(store.count()).isEqualTo(1);
    assertThat(store.sizeBytes()).isEqualTo(4);
  }

  @Test
  void putAllStoresEveryBlockOfTheBatch() {
    List<Block> batch = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      batch.add(block("block " + i));
    }
    store.putAll(batch);
    assertThat(store.count()).isEqualTo(100);
    assertThat(store.sizeBytes()).isEqualTo(batch.stream().mapToLong(Block::size).sum());
    for (Block b : batch) {
      assertThat(store.has(b.cid())).isTrue();
    }
  }

  @Test
  void anEmptyBlockIsStoredAndFound() {
    Block empty = Block.of(Multicodec.RAW, new byte[0]);
    store.put(empty);
    assertThat(store.get(empty.cid()).orElseThrow().data()).isEmpty();
    assertThat(store.count()).isEqualTo(1);
  }

  @Test
  void aCidV0AndItsCidV1AreDifferentKeys() {
    Block v1 = Block.of(Multicodec.DAG_PB, new byte[] {0x0a, 0x00});
    Block v0 = Block.trusted(Cid.v0(v1.cid().multihash()), v1.data());
    store.put(v1);
    assertThat(store.has(v0.cid())).isFalse();
    store.put(v0);
    assertThat(store.count()).isEqualTo(2);
  }

  @Test
  void aClosedStoreRefusesUse() {
    store.close();
    assertThatThrownBy(() -> store.has(block("x").cid())).isInstanceOf(IllegalStateException.class);
    store = null;
  }

  @Test
  void blocksCountAndSizeSurviveAReopen() throws Exception {
    store.put(block("durable"));
    store.putAll(List.of(block("one"), block("two")));
    store.delete(block("one").cid());
    store.close();
    BlockStore again = reopen(store);
    store = again;
    if (again == null) {
      return;
    }
    assertThat(again.count()).isEqualTo(2);
    assertThat(again.sizeBytes()).isEqualTo(10);
    assertThat(again.get(block("durable").cid()).orElseThrow().data())
        .isEqualTo("durable".getBytes(StandardCharsets.UTF_8));
  }
}
