package io.ferry.persistence.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fusesource.leveldbjni.JniDBFactory.factory;

import io.ferry.ipld.Block;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.store.BlockStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.iq80.leveldb.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LevelDbBlockStore#reclaimSpace}: segments of the value log that hold mostly deleted bodies
 * are emptied into the head and deleted, and no block is lost on the way. Segments here roll at
 * 100,000 bytes, so each holds four 20,000-byte bodies (20,012 with the record header).
 */
class SpaceReclaimTest {
  private static final int BODY = 20_000;
  private static final long RECORD = ValueLog.HEADER_BYTES + BODY;
  private static final long SEGMENT = 100_000;

  @TempDir Path tmp;
  private LevelDbBlockStore store;
  private final Random random = new Random(7);
  private final List<Block> blocks = new CopyOnWriteArrayList<>();

  /** Twelve large blocks: segments 1 and 2 full and sealed, segment 3 the head. */
  @BeforeEach
  void fill() {
    store = LevelDbBlockStore.open(dir(), false, 0, SEGMENT);
    for (int i = 0; i < 12; i++) {
      byte[] data = new byte[BODY];
      random.nextBytes(data);
      blocks.add(Block.of(Multicodec.RAW, data));
      store.put(blocks.get(i));
    }
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  private Path dir() {
    return tmp.resolve("blocks");
  }

  private List<String> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir().resolve("values"))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private void delete(int... indexes) {
    for (int i : indexes) {
      store.delete(blocks.get(i).cid());
    }
  }

  private void assertEveryBlockBut(int... deleted) {
    List<Integer> gone = java.util.Arrays.stream(deleted).boxed().toList();
    for (int i = 0; i < blocks.size(); i++) {
      if (gone.contains(i)) {
        assertThat(store.get(blocks.get(i).cid())).as("block %d", i).isEmpty();
      } else {
        assertThat(store.get(blocks.get(i).cid())).as("block %d", i).contains(blocks.get(i));
      }
    }
    assertThat(store.count()).isEqualTo(blocks.size() - deleted.length);
    assertThat(store.sizeBytes()).isEqualTo((long) BODY * (blocks.size() - deleted.length));
  }

  @Test
  void aMostlyDeletedSegmentIsEmptiedIntoTheHeadAndDeleted() throws Exception {
    assertThat(segments()).containsExactly("000001.seg", "000002.seg", "000003.seg");
    delete(0, 1, 2, 5); // segment 1 keeps one body of four, segment 2 three

    Reclaimed r = store.reclaimSpace(0.5);

    assertThat(r).isEqualTo(new Reclaimed(1, 4 * RECORD, 1, RECORD));
    assertThat(r.netBytes()).isEqualTo(3 * RECORD);
    // The moved body did not fit in the head, so the log rolled to segment 4.
    assertThat(segments()).containsExactly("000002.seg", "000003.seg", "000004.seg");
    assertEveryBlockBut(0, 1, 2, 5);
    store.close();
    store = LevelDbBlockStore.open(dir(), false, 0, SEGMENT);
    assertEveryBlockBut(0, 1, 2, 5);
    assertThat(store.reclaimSpace(0.5)).isEqualTo(new Reclaimed(0, 0, 0, 0));
  }

  @Test
  void atZeroOnlySegmentsNothingPointsToAreDeletedAndNothingMoves() throws Exception {
    delete(0, 1, 2, 3, 4);

    assertThat(store.reclaimSpace(0)).isEqualTo(new Reclaimed(1, 4 * RECORD, 0, 0));

    assertThat(segments()).containsExactly("000002.seg", "000003.seg");
    assertEveryBlockBut(0, 1, 2, 3, 4);
  }

  @Test
  void theHeadSegmentIsNeverTouched() throws Exception {
    delete(8, 9, 10, 11);

    assertThat(store.reclaimSpace(0.9)).isEqualTo(new Reclaimed(0, 0, 0, 0));
    assertThat(segments()).containsExactly("000001.seg", "000002.seg", "000003.seg");
  }

  @Test
  void aCorruptLiveBodyKeepsItsSegmentAndSaysWhy() throws Exception {
    delete(0, 1, 2);
    store.close();
    Path segment = dir().resolve("values").resolve("000001.seg");
    byte[] bytes = Files.readAllBytes(segment);
    bytes[(int) (3 * RECORD + ValueLog.HEADER_BYTES + 100)] ^= 1; // block 3, still live
    Files.write(segment, bytes);
    store = LevelDbBlockStore.open(dir(), false, 0, SEGMENT);

    assertThatThrownBy(() -> store.reclaimSpace(0.5))
        .isInstanceOf(BlockStoreException.class)
        .hasMessageContaining("which is kept")
        .hasMessageContaining("CRC32C does not match")
        .hasMessageContaining("000001.seg");
    assertThat(segments()).contains("000001.seg");
    for (int i = 4; i < blocks.size(); i++) {
      assertThat(store.get(blocks.get(i).cid())).contains(blocks.get(i));
    }
  }

  @Test
  void onANearlyFullDiskSegmentsThatNeedNoCopyGoFirstThenTheMoveIsRefused() throws Exception {
    store.close();
    AtomicLong free = new AtomicLong(RECORD); // less than one record plus the reserve
    store =
        LevelDbBlockStore.over(
            dir(), factory.open(dir().toFile(), new Options()), free::get, 1_000, SEGMENT);
    delete(0, 1, 2, 3, 4, 5, 6); // segment 1 is all garbage; segment 2 keeps one body

    assertThatThrownBy(() -> store.reclaimSpace(0.5))
        .isInstanceOf(BlockStoreException.class)
        .hasMessageContaining("not enough free disk space");

    assertThat(segments()).containsExactly("000002.seg", "000003.seg");
    assertEveryBlockBut(0, 1, 2, 3, 4, 5, 6);
    free.set(Long.MAX_VALUE);
    assertThat(store.reclaimSpace(0.5)).isEqualTo(new Reclaimed(1, 4 * RECORD, 1, RECORD));
    assertThat(segments()).containsExactly("000003.seg", "000004.seg");
    assertEveryBlockBut(0, 1, 2, 3, 4, 5, 6);
  }

  /** Readers of the moving bodies always find them: before the move, after it, never in between. */
  @Test
  void readsDuringAReclaimAlwaysFindTheirBlocks() throws Exception {
    Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    List<Thread> readers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      Thread reader =
          new Thread(
              () -> {
                try {
                  while (!stop.get()) {
                    for (int i = 3; i < blocks.size(); i += 4) {
                      assertThat(store.get(blocks.get(i).cid())).contains(blocks.get(i));
                      reads.incrementAndGet();
                    }
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              });
      reader.start();
      readers.add(reader);
    }
    int deleted = 0;
    for (int round = 0; round < 20; round++) {
      // Each round writes four more blocks and deletes the first three bodies of each group of
      // four, so sealed segments keep one live body (index 3, 7, ...) and are emptied.
      for (int k = 0; k < 4; k++) {
        byte[] data = new byte[BODY];
        random.nextBytes(data);
        Block b = Block.of(Multicodec.RAW, data);
        store.put(b); // stored before the readers can see it in the list
        blocks.add(b);
      }
      for (; deleted < blocks.size() - 8; deleted++) {
        if (deleted % 4 != 3) {
          store.delete(blocks.get(deleted).cid());
        }
      }
      store.reclaimSpace(0.5);
    }
    stop.set(true);
    for (Thread reader : readers) {
      reader.join();
    }
    assertThat(errors).isEmpty();
    assertThat(reads.get()).isPositive();
    assertEveryBlockBut(
        java.util.stream.IntStream.range(0, deleted).filter(i -> i % 4 != 3).toArray());
    // Every sealed segment left holds more live bytes than garbage; the head holds at most one.
    long onDisk = 0;
    for (String name : segments()) {
      onDisk += Files.size(dir().resolve("values").resolve(name));
    }
    assertThat(onDisk).isLessThanOrEqualTo(2 * RECORD * store.count() + SEGMENT);
  }

  @Test
  void aShareOutsideZeroToOneIsRefused() {
    assertThatThrownBy(() -> store.reclaimSpace(1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxLiveShare must be in [0, 1), was 1.0");
  }
}
