package io.ferry.persistence.blocks;

import io.ferry.ipld.Cid;
import io.ferry.ipld.store.BlockStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.BiConsumer;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.DBIterator;

/**
 * The block count and total size a {@link LevelDbBlockStore} keeps under its metadata key, and the
 * key layout they count: {@code 'B' + CID} for inline blocks, {@code 'V' + CID} for value log
 * pointers. Stored as 17 bytes: a format byte, then count and size big-endian. Format 1 was written
 * before the value log, when every block was inline; format 2 counts both kinds, and code from
 * before the value log, not knowing it, rescans and counts the blocks it can read.
 */
record StoreStats(long count, long sizeBytes) {
  static final byte BLOCK_PREFIX = 'B';
  static final byte POINTER_PREFIX = 'V';
  static final byte[] KEY = {'M', 's', 't', 'a', 't', 's'};
  private static final byte FORMAT = 2;

  byte[] encode() {
    return ByteBuffer.allocate(17).put(FORMAT).putLong(count).putLong(sizeBytes).array();
  }

  /** The key of {@code cid}'s entry under {@code prefix}. */
  static byte[] key(byte prefix, Cid cid) {
    byte[] cidBytes = cid.toBytes();
    byte[] key = Arrays.copyOf(new byte[] {prefix}, 1 + cidBytes.length);
    System.arraycopy(cidBytes, 0, key, 1, cidBytes.length);
    return key;
  }

  /** Reads the persisted count and size, or rebuilds them by scanning every block. */
  static StoreStats load(DB db, Path directory) {
    try {
      byte[] stats = db.get(KEY);
      boolean known = stats != null && stats.length == 17;
      // Format 1 counts only inline blocks: right unless code without the value log wrote it
      // over a store that has pointers.
      if (known && (stats[0] == FORMAT || (stats[0] == 1 && !hasPointers(db, directory)))) {
        ByteBuffer b = ByteBuffer.wrap(stats, 1, 16);
        return new StoreStats(b.getLong(), b.getLong());
      }
      StoreStats inline = scan(db, directory, BLOCK_PREFIX);
      StoreStats pointed = scan(db, directory, POINTER_PREFIX);
      return new StoreStats(inline.count + pointed.count, inline.sizeBytes + pointed.sizeBytes);
    } catch (DBException e) {
      throw new BlockStoreException(
          "cannot read the block count of LevelDB block store at "
              + directory
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static boolean hasPointers(DB db, Path directory) {
    try (DBIterator it = db.iterator()) {
      it.seek(new byte[] {POINTER_PREFIX});
      return it.hasNext() && it.peekNext().getKey()[0] == POINTER_PREFIX;
    } catch (IOException e) {
      throw new BlockStoreException("cannot scan LevelDB block store at " + directory, e);
    }
  }

  /** The number and total size of the blocks under {@code prefix}. */
  private static StoreStats scan(DB db, Path directory, byte prefix) {
    long[] n = {0, 0};
    try {
      forEach(
          db,
          prefix,
          (key, v) -> {
            n[0]++;
            n[1] += prefix == POINTER_PREFIX ? ValuePointer.decode(v).length() : v.length;
          });
    } catch (IOException | IllegalArgumentException e) {
      throw new BlockStoreException(
          "cannot scan LevelDB block store at " + directory + ": " + e.getMessage(), e);
    }
    return new StoreStats(n[0], n[1]);
  }

  /** Visits every key under {@code prefix} with its value, in key order. */
  static void forEach(DB db, byte prefix, BiConsumer<byte[], byte[]> visit) throws IOException {
    try (DBIterator it = db.iterator()) {
      it.seek(new byte[] {prefix});
      while (it.hasNext()) {
        Map.Entry<byte[], byte[]> e = it.next();
        if (e.getKey().length == 0 || e.getKey()[0] != prefix) {
          return;
        }
        visit.accept(e.getKey(), e.getValue());
      }
    }
  }
}
