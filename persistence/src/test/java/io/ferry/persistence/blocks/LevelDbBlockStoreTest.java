package io.ferry.persistence.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fusesource.leveldbjni.JniDBFactory.factory;

import io.ferry.ipld.Block;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.store.BlockStoreContract;
import io.ferry.ipld.store.BlockStoreException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.stream.Stream;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LevelDbBlockStoreTest extends BlockStoreContract {
  private static final byte[] STATS_KEY = "Mstats".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path tmp;

  @Override
  protected BlockStore open() {
    return LevelDbBlockStore.open(tmp.resolve("blocks"));
  }

  @Override
  protected BlockStore reopen(BlockStore closed) {
    return LevelDbBlockStore.open(((LevelDbBlockStore) closed).directory());
  }

  private Path dir() {
    return tmp.resolve("blocks");
  }

  /** The store's database opened directly, behind the store's back. */
  private DB rawDatabase() throws Exception {
    return factory.open(dir().toFile(), new Options());
  }

  /** {@code real}, except that calls {@code failing} picks throw a LevelDB I/O error. */
  private static DB failing(DB real, BiPredicate<Method, Object[]> failing) {
    return (DB)
        Proxy.newProxyInstance(
            DB.class.getClassLoader(),
            new Class<?>[] {DB.class},
            (proxy, method, args) -> {
              if (failing.test(method, args)) {
                throw new DBException("IO error: No space left on device");
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Test
  void countAndSizeAreRebuiltFromTheBlocksWhenTheStatsKeyIsMissing() throws Exception {
    store.putAll(List.of(block("a"), block("bb"), block("ccc")));
    store.close();
    try (DB db = rawDatabase()) {
      db.delete(STATS_KEY);
    }
    store = LevelDbBlockStore.open(dir());
    assertThat(store.count()).isEqualTo(3);
    assertThat(store.sizeBytes()).isEqualTo(6);
  }

  @Test
  void countAndSizeAreRebuiltFromTheBlocksWhenTheStatsKeyIsOfAnotherFormat() throws Exception {
    store.putAll(List.of(block("a"), block("bb")));
    store.close();
    try (DB db = rawDatabase()) {
      db.put(STATS_KEY, new byte[] {2, 9, 9, 9});
    }
    store = LevelDbBlockStore.open(dir());
    assertThat(store.count()).isEqualTo(2);
    assertThat(store.sizeBytes()).isEqualTo(3);
  }

  @Test
  void aFailedWriteIsReportedClearlyAndLeavesNothingBehind() throws Exception {
    store.put(block("before"));
    store.close();
    DB failingWrites = failing(rawDatabase(), (method, args) -> method.getName().equals("write"));
    store = LevelDbBlockStore.over(dir(), failingWrites, () -> Long.MAX_VALUE, 0);
    Block big = block("x".repeat(1000));
    assertThatThrownBy(() -> store.putAll(List.of(big, block("y"))))
        .isInstanceOf(BlockStoreException.class)
        .hasMessageContaining("No space left on device")
        .hasMessageContaining("2 block(s)")
        .hasMessageContaining(dir().toString())
        .hasMessageContaining("nothing was written");
    assertThat(store.has(big.cid())).isFalse();
    assertThat(store.count()).isEqualTo(1);
    assertThat(store.sizeBytes()).isEqualTo(6);
  }

  @Test
  void aFailedReadNamesTheCidAndTheDirectory() throws Exception {
    Block stored = block("stored");
    store.put(stored);
    store.close();
    DB failingBlockReads =
        failing(
            rawDatabase(),
            (method, args) ->
                method.getName().equals("get") && ((byte[]) args[0])[0] == (byte) 'B');
    store = LevelDbBlockStore.over(dir(), failingBlockReads, () -> Long.MAX_VALUE, 0);

    assertThatThrownBy(() -> store.get(stored.cid()))
        .isInstanceOf(BlockStoreException.class)
        .hasMessageContaining("LevelDB read of " + stored.cid())
        .hasMessageContaining(dir().toString())
        .hasMessageContaining("No space left on device");
  }

  @Test
  void aDatabaseThatCannotBeCountedIsRefusedOnOpenNamingTheDirectory() throws Exception {
    store.close();
    DB db = rawDatabase();
    try {
      DB failingReads = failing(db, (method, args) -> method.getName().equals("get"));
      assertThatThrownBy(() -> LevelDbBlockStore.over(dir(), failingReads, () -> 0, 0))
          .isInstanceOf(BlockStoreException.class)
          .hasMessageContaining("cannot read the block count")
          .hasMessageContaining(dir().toString());
    } finally {
      db.close();
      store = null;
    }
  }

  @Test
  void aWriteThatWouldFillTheDiskIsRefusedBeforeLevelDbSeesIt() throws Exception {
    store.close();
    long[] free = {10_000};
    store = LevelDbBlockStore.over(dir(), rawDatabase(), () -> free[0], 4_000);
    store.put(block("x".repeat(2_000)));
    assertThatThrownBy(() -> store.put(block("y".repeat(3_001))))
        .isInstanceOf(BlockStoreException.class)
        .hasMessageContaining("not enough free disk space")
        .hasMessageContaining("10000 bytes free, 10002 needed")
        .hasMessageContaining(dir().toString());
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
    try (Stream<Path> files = Files.list(dir())) {
      assertThat(files.map(p -> p.getFileName().toString())).contains("CURRENT");
    }
  }

  /**
   * Reads that race {@link LevelDbBlockStore#close()} either answer or fail saying the store is
   * closed. leveldbjni frees the native database on close, so a read let through after it used
   * freed memory and killed the JVM (a test node's store was closed while a transfer's read was in
   * flight: the forked JVM aborted in RestartTest). Each round closes a store under four readers of
   * an inline and a value-log block.
   */
  @Test
  void readsRacingCloseAnswerOrSayTheStoreIsClosed() throws Exception {
    store.close();
    store = null;
    byte[] big = new byte[LevelDbBlockStore.INLINE_LIMIT * 4];
    Arrays.fill(big, (byte) 7);
    Block large = Block.of(Multicodec.RAW, big);
    Block small = block("small");
    Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    AtomicLong answered = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    for (int round = 0; round < 30; round++) {
      LevelDbBlockStore racing = LevelDbBlockStore.open(tmp.resolve("race-" + round));
      racing.putAll(List.of(small, large));
      CountDownLatch reading = new CountDownLatch(4);
      List<Thread> readers = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        Thread t =
            new Thread(
                () -> {
                  reading.countDown();
                  try {
                    while (true) {
                      assertThat(racing.get(small.cid())).contains(small);
                      assertThat(racing.sizeOf(large.cid())).hasValue(large.size());
                      assertThat(racing.get(large.cid())).contains(large);
                      assertThat(racing.has(small.cid())).isTrue();
                      answered.incrementAndGet();
                    }
                  } catch (IllegalStateException e) {
                    if (String.valueOf(e.getMessage()).endsWith("is closed")) {
                      refused.incrementAndGet();
                    } else {
                      unexpected.add(e);
                    }
                  } catch (Throwable e) {
                    unexpected.add(e);
                  }
                });
        t.start();
        readers.add(t);
      }
      reading.await();
      long before = answered.get();
      while (answered.get() == before && readers.stream().anyMatch(Thread::isAlive)) {
        Thread.onSpinWait(); // close while the readers are busy, not before they start
      }
      racing.close();
      for (Thread t : readers) {
        t.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(t.isAlive()).as("a reader still running after close").isFalse();
      }
    }
    assertThat(unexpected).isEmpty();
    assertThat(refused.get()).isEqualTo(30 * 4);
    assertThat(answered.get()).isGreaterThanOrEqualTo(30);
  }
}
