package io.ferry.persistence.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fusesource.leveldbjni.JniDBFactory.factory;

import io.ferry.ipld.Block;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.store.BlockStoreException;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The value log behind {@link LevelDbBlockStore}: large bodies in segment files, small inline. */
class ValueLogStoreTest {
  private static final int LARGE = LevelDbBlockStore.INLINE_LIMIT + 1;

  @TempDir Path tmp;
  private LevelDbBlockStore store;
  private final Random random = new Random(42);

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  private Path dir() {
    return tmp.resolve("blocks");
  }

  private LevelDbBlockStore reopen() {
    store.close();
    store = LevelDbBlockStore.open(dir());
    return store;
  }

  private Block block(int size) {
    byte[] data = new byte[size];
    random.nextBytes(data);
    return Block.of(Multicodec.RAW, data);
  }

  private List<Path> segments() throws IOException {
    Path values = dir().resolve("values");
    if (!Files.exists(values)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(values)) {
      return files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
  }

  private long segmentBytes() throws IOException {
    long n = 0;
    for (Path p : segments()) {
      n += Files.size(p);
    }
    return n;
  }

  private static byte[] key(char prefix, Block b) {
    byte[] cid = b.cid().toBytes();
    byte[] key = new byte[1 + cid.length];
    key[0] = (byte) prefix;
    System.arraycopy(cid, 0, key, 1, cid.length);
    return key;
  }

  @Test
  void largeAndSmallBlocksRoundTripAndSurviveClosingAndReopening() throws Exception {
    store = LevelDbBlockStore.open(dir());
    Block small = block(100);
    Block edge = block(LevelDbBlockStore.INLINE_LIMIT);
    Block large = block(200_000);
    store.putAll(List.of(small, edge, large));

    assertThat(segmentBytes()).isEqualTo(ValueLog.HEADER_BYTES + 200_000);
    assertThat(store.get(large.cid())).contains(large);
    assertThat(store.get(small.cid())).contains(small);
    reopen();
    assertThat(store.get(large.cid()).orElseThrow().data()).isEqualTo(large.data());
    assertThat(store.get(small.cid()).orElseThrow().data()).isEqualTo(small.data());
    assertThat(store.get(edge.cid()).orElseThrow().data()).isEqualTo(edge.data());
    assertThat(store.count()).isEqualTo(3);
    assertThat(store.sizeBytes()).isEqualTo(100 + LevelDbBlockStore.INLINE_LIMIT + 200_000);
  }

  @Test
  void aBatchLargerThanOneWriteRoundTripsWithRecordsAcrossItsSeams() throws Exception {
    // 13 MiB in one putAll: several writes of the log's 4 MiB staging buffer, with headers and
    // bodies cut at its seams (odd sizes), then more appended after it.
    store = LevelDbBlockStore.open(dir());
    List<Block> batch =
        List.of(
            block(1_048_573),
            block(LARGE),
            block(4_194_303),
            block(3_000_001),
            block(LARGE + 7),
            block(4_194_304 - ValueLog.HEADER_BYTES),
            block(1_000_000));
    store.putAll(batch);
    Block after = block(2_500_000);
    store.put(after);

    long bodies = batch.stream().mapToLong(Block::size).sum() + after.size();
    assertThat(segmentBytes()).isEqualTo(bodies + (batch.size() + 1L) * ValueLog.HEADER_BYTES);
    reopen();
    for (Block b : batch) {
      assertThat(store.get(b.cid()).orElseThrow().data()).isEqualTo(b.data());
    }
    assertThat(store.get(after.cid()).orElseThrow().data()).isEqualTo(after.data());
  }

  @Test
  void aStoreSyncingEveryWriteRoundTripsLargeBlocks() {
    store = LevelDbBlockStore.open(dir(), true, 0);
    Block large = block(50_000);
    store.put(large);
    store.close();
    store = LevelDbBlockStore.open(dir(), true, 0);
    assertThat(store.get(large.cid())).contains(large);
  }

  @Test
  void blocksWrittenInlineBeforeTheValueLogStillReadAndCount() throws Exception {
    Block oldLarge = block(100_000);
    Block oldSmall = block(10);
    try (DB db = factory.open(dir().toFile(), new Options().createIfMissing(true))) {
      // The format before the value log: every block inline, stats format 1.
      db.put(key('B', oldLarge), oldLarge.data());
      db.put(key('B', oldSmall), oldSmall.data());
      db.put(
          "Mstats".getBytes(StandardCharsets.US_ASCII),
          ByteBuffer.allocate(17).put((byte) 1).putLong(2).putLong(100_010).array());
    }
    store = LevelDbBlockStore.open(dir());

    assertThat(store.get(oldLarge.cid())).contains(oldLarge);
    assertThat(store.get(oldSmall.cid())).contains(oldSmall);
    assertThat(store.has(oldLarge.cid())).isTrue();
    store.put(oldLarge);
    assertThat(store.count()).isEqualTo(2);
    assertThat(segmentBytes()).isZero();

    Block fresh = block(LARGE);
    store.put(fresh);
    store.delete(oldLarge.cid());
    assertThat(store.get(oldLarge.cid())).isEmpty();
    reopen();
    assertThat(store.get(fresh.cid())).contains(fresh);
    assertThat(store.get(oldSmall.cid())).contains(oldSmall);
    assertThat(store.count()).isEqualTo(2);
    assertThat(store.sizeBytes()).isEqualTo(10 + LARGE);
  }

  @Test
  void countAndSizeAreRebuiltFromInlineBlocksAndPointers() throws Exception {
    store = LevelDbBlockStore.open(dir());
    store.putAll(List.of(block(7), block(70_000)));
    store.close();
    try (DB db = factory.open(dir().toFile(), new Options())) {
      db.delete("Mstats".getBytes(StandardCharsets.US_ASCII));
    }
    store = LevelDbBlockStore.open(dir());
    assertThat(store.count()).isEqualTo(2);
    assertThat(store.sizeBytes()).isEqualTo(70_007);
  }

  @Test
  void countsWrittenByCodeWithoutTheValueLogOverAStoreWithPointersAreRebuilt() throws Exception {
    store = LevelDbBlockStore.open(dir());
    store.putAll(List.of(block(7), block(70_000)));
    store.close();
    try (DB db = factory.open(dir().toFile(), new Options())) {
      // What a node from before the value log writes after counting the inline blocks alone.
      db.put(
          "Mstats".getBytes(StandardCharsets.US_ASCII),
          ByteBuffer.allocate(17).put((byte) 1).putLong(1).putLong(7).array());
    }
    store = LevelDbBlockStore.open(dir());
    assertThat(store.count()).isEqualTo(2);
    assertThat(store.sizeBytes()).isEqualTo(70_007);
  }

  @Test
  void theLogRollsToANewSegmentOnceOneIsFull() throws Exception {
    store = LevelDbBlockStore.open(dir(), false, 0, 100_000);
    List<Block> blocks = Stream.generate(() -> block(40_000)).limit(5).toList();
    for (Block b : blocks) {
      store.put(b);
    }
    assertThat(segments()).hasSize(3);
    store.close();
    store = LevelDbBlockStore.open(dir(), false, 0, 100_000);
    Block after = block(40_000);
    store.put(after);
    assertThat(segments()).hasSize(3); // the third segment had room for it
    for (Block b : blocks) {
      assertThat(store.get(b.cid())).contains(b);
    }
    assertThat(store.get(after.cid())).contains(after);
    for (Path p : segments()) {
      assertThat(Files.size(p)).isLessThanOrEqualTo(100_000);
    }
  }

  @Test
  void aTornTailLeftByACrashIsNeverReadAndNewWritesFollowIt() throws Exception {
    store = LevelDbBlockStore.open(dir());
    Block before = block(30_000);
    store.put(before);
    store.close();
    store = null;
    // A crash after the segment write and before the LevelDB batch: bytes nothing points to,
    // here a record header promising more bytes than were written.
    Path segment = segments().get(0);
    byte[] torn =
        ByteBuffer.allocate(ValueLog.HEADER_BYTES + 100)
            .putInt(0x46564C31)
            .putInt(50_000)
            .putInt(123)
            .array();
    Files.write(segment, torn, StandardOpenOption.APPEND);

    store = LevelDbBlockStore.open(dir());
    assertThat(store.get(before.cid())).contains(before);
    Block after = block(30_000);
    store.put(after);
    reopen();
    assertThat(store.get(before.cid())).contains(before);
    assertThat(store.get(after.cid())).contains(after);
    assertThat(store.count()).isEqualTo(2);
    assertThat(Files.size(segment)).isEqualTo(2L * (ValueLog.HEADER_BYTES + 30_000) + torn.length);
  }

  @Test
  void aLevelDbWriteThatFailsAfterTheSegmentWriteLeavesNothingVisible() throws Exception {
    store = LevelDbBlockStore.open(dir());
    store.close();
    DB real = factory.open(dir().toFile(), new Options());
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
    store = LevelDbBlockStore.over(dir(), failingWrites, () -> Long.MAX_VALUE, 0);
    Block lost = block(20_000);
    assertThatThrownBy(() -> store.put(lost))
        .isInstanceOf(BlockStoreException.class)
        .hasMessageContaining("nothing was written");
    assertThat(segmentBytes()).isPositive(); // the body reached the segment, no pointer did
    store.close();

    store = LevelDbBlockStore.open(dir());
    assertThat(store.has(lost.cid())).isFalse();
    assertThat(store.count()).isZero();
    Block next = block(20_000);
    store.putAll(List.of(next, lost));
    reopen();
    assertThat(store.get(next.cid())).contains(next);
    assertThat(store.get(lost.cid())).contains(lost);
  }

  @Test
  void aDeletedLargeBlockIsGoneButItsSegmentSpaceStays() throws Exception {
    store = LevelDbBlockStore.open(dir());
    Block large = block(25_000);
    Block kept = block(25_000);
    store.putAll(List.of(large, kept));
    long logged = segmentBytes();
    store.delete(large.cid());
    assertThat(store.get(large.cid())).isEmpty();
    assertThat(store.has(large.cid())).isFalse();
    assertThat(store.count()).isEqualTo(1);
    assertThat(store.sizeBytes()).isEqualTo(25_000);
    assertThat(segmentBytes()).isEqualTo(logged);
    reopen();
    assertThat(store.get(large.cid())).isEmpty();
    assertThat(store.get(kept.cid())).contains(kept);
  }

  @Test
  void existenceChecksReadPointersNotSegmentBodies() throws Exception {
    store = LevelDbBlockStore.open(dir());
    Block large = block(20_000);
    store.put(large);
    store.close();
    Files.write(segments().get(0), new byte[0]); // the body is gone, the pointer is not
    store = LevelDbBlockStore.open(dir());

    assertThat(store.has(large.cid())).isTrue();
    store.putAll(List.of(large)); // already held: nothing to read, nothing to write
    assertThat(store.count()).isEqualTo(1);
    assertThatThrownBy(() -> store.get(large.cid()))
        .isInstanceOf(BlockStoreException.class)
        .hasMessageContaining("value log read of " + large.cid())
        .hasMessageContaining("000001.seg");
  }

  @Test
  void aReaderInterruptedMidReadDoesNotBreakReadsForOthers() throws Exception {
    store = LevelDbBlockStore.open(dir());
    Block large = block(20_000);
    Block next = block(20_000);
    store.putAll(List.of(large));
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> store.get(large.cid())).isInstanceOf(BlockStoreException.class);
    } finally {
      Thread.interrupted();
    }
    assertThat(store.get(large.cid())).contains(large);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> store.put(next)).isInstanceOf(BlockStoreException.class);
    } finally {
      Thread.interrupted();
    }
    store.put(next);
    reopen();
    assertThat(store.get(large.cid())).contains(large);
    assertThat(store.get(next.cid())).contains(next);
  }

  @Test
  void aCorruptBodyIsReportedNotReturned() throws Exception {
    store = LevelDbBlockStore.open(dir());
    Block large = block(20_000);
    store.put(large);
    store.close();
    Path segment = segments().get(0);
    byte[] bytes = Files.readAllBytes(segment);
    bytes[ValueLog.HEADER_BYTES + 500] ^= 1;
    Files.write(segment, bytes);
    store = LevelDbBlockStore.open(dir());
    assertThatThrownBy(() -> store.get(large.cid()))
        .isInstanceOf(BlockStoreException.class)
        .hasMessageContaining("CRC32C does not match")
        .hasMessageContaining(dir().toString());
  }

  @Test
  void aLargeWriteThatWouldFillTheDiskIsRefusedBeforeTheSegmentIsWritten() throws Exception {
    store = LevelDbBlockStore.open(dir());
    store.close();
    store =
        LevelDbBlockStore.over(
            dir(), factory.open(dir().toFile(), new Options()), () -> 12_000, 4_000);
    Block large = block(8_000);
    assertThatThrownBy(() -> store.put(large))
        .isInstanceOf(BlockStoreException.class)
        .hasMessageContaining("not enough free disk space")
        .hasMessageContaining("12000 bytes free, 12012 needed")
        .hasMessageContaining("nothing was written");
    assertThat(segmentBytes()).isZero();
    assertThat(store.has(large.cid())).isFalse();
  }
}
