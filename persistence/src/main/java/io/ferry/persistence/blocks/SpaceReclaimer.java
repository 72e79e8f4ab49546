package io.ferry.persistence.blocks;

import io.ferry.ipld.store.BlockStoreException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.function.BiConsumer;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;

/**
 * Gives back the disk space a {@link LevelDbBlockStore}'s value log holds for nothing (bodies of
 * deleted blocks, tails of writes a crash or an error cut short). A sealed segment whose live
 * bodies take at most a given share of its bytes is emptied, WiscKey's way:
 *
 * <ol>
 *   <li>its live bodies are read (each checked against its CRC32C), appended at the log's head and
 *       forced to disk;
 *   <li>their pointers are moved in one LevelDB batch, written with sync;
 *   <li>the segment file is deleted, with readers held off for that instant.
 * </ol>
 *
 * A crash before step 2 leaves copies nothing points to; before step 3, a segment nothing points
 * to, which the next run deletes without moving anything. A block is never without a durable body.
 * Segments with the fewest live bytes go first, so on a nearly full disk the ones that need no copy
 * are deleted before a move is refused for want of space. Runs under the store's write lock.
 */
final class SpaceReclaimer {
  /** Bodies moved per append and LevelDB batch. */
  private static final long MOVE_BATCH_BYTES = 64L << 20;

  private static final WriteOptions SYNC = new WriteOptions().sync(true);

  private record Live(byte[] key, ValuePointer pointer) {
    long recordBytes() {
      return ValueLog.HEADER_BYTES + (long) pointer.length();
    }
  }

  private final Path directory;
  private final DB db;
  private final ValueLog log;
  private final DiskReserve reserve;
  private final Lock readersOut;

  /**
   * @param readersOut held while a segment file is deleted, keeping out every read
   */
  SpaceReclaimer(Path directory, DB db, ValueLog log, DiskReserve reserve, Lock readersOut) {
    this.directory = directory;
    this.db = db;
    this.log = log;
    this.reserve = reserve;
    this.readersOut = readersOut;
  }

  /** Empties and deletes every sealed segment whose live share is at most {@code maxLiveShare}. */
  Reclaimed run(double maxLiveShare) {
    try {
      Map<Integer, Long> liveBytes = new HashMap<>();
      scan((key, p) -> liveBytes.merge(p.segment(), new Live(key, p).recordBytes(), Long::sum));
      Map<Integer, Long> sizes = new HashMap<>();
      for (int id : log.segments()) {
        long size = log.sizeOf(id);
        if (id < log.head() && liveBytes.getOrDefault(id, 0L) <= maxLiveShare * size) {
          sizes.put(id, size);
        }
      }
      List<Integer> chosen = new ArrayList<>(sizes.keySet());
      chosen.sort(Comparator.comparing(id -> liveBytes.getOrDefault(id, 0L)));
      // One more scan finds the live bodies of every chosen segment. Moving one segment's bodies
      // leaves the others' pointers as they are (moved bodies go to the head, past them all).
      Map<Integer, List<Live>> live = new HashMap<>();
      scan(
          (key, p) -> {
            if (sizes.containsKey(p.segment())) {
              live.computeIfAbsent(p.segment(), id -> new ArrayList<>()).add(new Live(key, p));
            }
          });
      int deleted = 0;
      long freed = 0;
      int blocks = 0;
      long moved = 0;
      for (int id : chosen) {
        List<Live> bodies = live.getOrDefault(id, List.of());
        moved += move(bodies);
        blocks += bodies.size();
        readersOut.lock();
        try {
          log.delete(id);
        } finally {
          readersOut.unlock();
        }
        deleted++;
        freed += sizes.get(id);
      }
      return new Reclaimed(deleted, freed, blocks, moved);
    } catch (IOException | DBException e) {
      throw new BlockStoreException(
          "reclaiming value log space in " + directory + " failed: " + e.getMessage(), e);
    }
  }

  /** Appends {@code live} at the head and moves their pointers; the record bytes moved. */
  private long move(List<Live> live) throws IOException {
    long moved = 0;
    int from = 0;
    while (from < live.size()) {
      int to = from;
      long bytes = 0;
      while (to < live.size()
          && (to == from || bytes + live.get(to).recordBytes() <= MOVE_BATCH_BYTES)) {
        bytes += live.get(to).recordBytes();
        to++;
      }
      List<Live> batch = live.subList(from, to);
      List<byte[]> bodies = new ArrayList<>(batch.size());
      for (Live l : batch) {
        bodies.add(read(l.pointer()));
      }
      reserve.require(bytes, batch.size(), 0, bytes);
      List<ValuePointer> fresh = log.append(bodies, true);
      try (WriteBatch pointers = db.createWriteBatch()) {
        for (int i = 0; i < batch.size(); i++) {
          pointers.put(batch.get(i).key(), fresh.get(i).encode());
        }
        db.write(pointers, SYNC);
      }
      moved += bytes;
      from = to;
    }
    return moved;
  }

  private byte[] read(ValuePointer p) throws IOException {
    try {
      return log.read(p);
    } catch (IllegalStateException e) {
      throw new BlockStoreException(
          "cannot move a live body out of its segment, which is kept: " + e.getMessage(), e);
    }
  }

  /** Visits every pointer key in LevelDB with its pointer. */
  private void scan(BiConsumer<byte[], ValuePointer> visitor) throws IOException {
    StoreStats.forEach(
        db,
        StoreStats.POINTER_PREFIX,
        (key, value) -> {
          ValuePointer p;
          try {
            p = ValuePointer.decode(value);
          } catch (IllegalArgumentException bad) {
            throw new BlockStoreException(
                "corrupt value log pointer in " + directory + ": " + bad.getMessage(), bad);
          }
          visitor.accept(key, p);
        });
  }
}
