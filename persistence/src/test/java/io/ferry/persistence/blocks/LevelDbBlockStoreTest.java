package io.ferry.persistence.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.ipld.Block;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.store.BlockStoreContract;
import io.ferry.ipld.store.BlockStoreException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LevelDbBlockStoreTest extends BlockStoreContract {
  @TempDir Path tmp;

  @Override
  protected BlockStore open() {
    return LevelDbBlockStore.open(tmp.resolve("blocks"));
  }

  @Override
  protected BlockStore reopen(BlockStore closed) {
    return LevelDbBlockStore.open(((LevelDbBlockStore) closed).directory());
  }

  @Test
  void countAndSizeAreRebuiltFromTheBlocksWhenTheStatsKeyIsMissing() throws Exception {
    store.putAll(List.of(block("a"), block("bb"), block("ccc")));
    store.close();
    try (DB db =
        org.fusesource.leveldbjni.JniDBFactory.factory.open(
            tmp.resolve("blocks").toFile(), new org.iq80.leveldb.Options())) {
      db.delete("Mstats".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    store = LevelDbBlockStore.open(tmp.resolve("blocks"));
    assertThat(store.count()).isEqualTo(3);
    assertThat(store.sizeBytes()).isEqualTo(6);
  }

  @Test
  void aFailedWriteIsReportedClearlyAndLeavesNothingBehind() throws Exception {
    store.put(block("before"));
    store.close();
    Path dir = tmp.resolve("blocks");
    DB real =
        org.fusesource.leveldbjni.JniDBFactory.factory.open(
            dir.toFile(), new org.iq80.leveldb.Options());
    DB failingWrites =
        (DB)
            Proxy.newProxyInstance(
                DB.class.getClassLoader(),
                new Class<?>[] {DB.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("write")) {
                    throw new DBException("IO error: No space left on device");
                  }
                  try {
                    return method.invoke(real, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    store = LevelDbBlockStore.over(dir, failingWrites, () -> Long.MAX_VALUE, 0);
    Block big = block("x".repeat(1000));
    assertThatThrownBy(() -> store.putAll(List.of(big, block("y"))))
        .isInstanceOf(BlockStoreException.class)
        .hasMessageContaining("No space left on device")
        .hasMessageContaining("2 block(s)")
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("nothing was written");
    assertThat(store.has(big.cid())).isFalse();
    assertThat(store.count()).isEqualTo(1);
    assertThat(store.sizeBytes()).isEqualTo(6);
  }

  @Test
  void aWriteThatWouldFillTheDiskIsRefusedBeforeLevelDbSeesIt() throws Exception {
    store.close();
    Path dir = tmp.resolve("blocks");
    long[] free = {10_000};
    DB db =
        org.fusesource.leveldbjni.JniDBFactory.factory.open(
            dir.toFile(), new org.iq80.leveldb.Options());
    store = LevelDbBlockStore.over(dir, db, () -> free[0], 4_000);
    store.put(block("x".repeat(2_000)));
    assertThatThrownBy(() -> store.put(block("y".repeat(3_001))))
        .isInstanceOf(BlockStoreException.class)
        .hasMessageContaining("not enough free disk space")
        .hasMessageContaining("10000 bytes free, 10002 needed")
        .hasMessageContaining(dir.toString());
    assertThat(store.count()).isEqualTo(1);
    assertThat(store.has(block("y".repeat(3_001)).cid())).isFalse();
    free[0] = 1 << 20;
    store.put(block("y".repeat(3_001)));
    assertThat(store.count()).isEqualTo(2);
  }

  @Test
  void openingWhereADatabaseCannotBeMadeNamesThePath() throws Exception {
    Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
    assertThatThrownBy(() -> LevelDbBlockStore.open(file.resolve("blocks")))
        .isInstanceOf(BlockStoreException.class)
        .hasMessageContaining(file.toString());
  }

  @Test
  void theDatabaseLivesInTheGivenDirectory() throws Exception {
    store.put(block("one"));
    store.close();
    store = null;
    try (Stream<Path> files = Files.list(tmp.resolve("blocks"))) {
      assertThat(files.map(p -> p.getFileName().toString())).contains("CURRENT");
    }
  }
}
