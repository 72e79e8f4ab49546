package io.ferry.persistence.blocks;

import io.ferry.ipld.Cid;
import io.ferry.ipld.store.BlockStoreException;
import java.io.IOException;
import java.nio.file.Path;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;

/**
 * How a {@link LevelDbBlockStore} finds a block: inline under its {@code 'B'} key, or through the
 * {@link ValuePointer} under its {@code 'V'} key into the value log. Every failure is a {@link
 * BlockStoreException} naming the CID and the directory. The caller keeps the store open while it
 * reads (its close gate held shared, or its write lock).
 */
final class BlockLookup {
  private static final byte BLOCK_PREFIX = StoreStats.BLOCK_PREFIX;
  private static final byte POINTER_PREFIX = StoreStats.POINTER_PREFIX;

  private final Path directory;
  private final DB db;
  private final ValueLog log;

  BlockLookup(Path directory, DB db, ValueLog log) {
    this.directory = directory;
    this.db = db;
    this.log = log;
  }

  /** The bytes of block {@code cid}, or null if the store does not hold it. */
  byte[] data(Cid cid) {
    byte[] pointer = read(POINTER_PREFIX, cid, "read");
    return pointer != null ? readBody(cid, pointer) : read(BLOCK_PREFIX, cid, "read");
  }

  /**
   * The size of the block {@code cid} if held, else -1, from LevelDB's values alone (a pointer
   * holds its body's length). {@code pointerFirst} picks the likelier key to read first.
   */
  long storedSize(Cid cid, boolean pointerFirst) {
    byte first = pointerFirst ? POINTER_PREFIX : BLOCK_PREFIX;
    byte[] value = read(first, cid, "look up");
    byte prefix = first;
    if (value == null) {
      prefix = pointerFirst ? BLOCK_PREFIX : POINTER_PREFIX;
      value = read(prefix, cid, "look up");
    }
    if (value == null) {
      return -1;
    }
    return prefix == BLOCK_PREFIX ? value.length : pointer(cid, value).length();
  }

  private byte[] readBody(Cid cid, byte[] pointer) {
    ValuePointer p = pointer(cid, pointer);
    try {
      return log.read(p);
    } catch (IOException | RuntimeException e) {
      throw new BlockStoreException(
          "value log read of " + cid + " in " + directory + " failed: " + e.getMessage(), e);
    }
  }

  private ValuePointer pointer(Cid cid, byte[] value) {
    try {
      return ValuePointer.decode(value);
    } catch (IllegalArgumentException e) {
      throw new BlockStoreException(
          "corrupt value log pointer for " + cid + " in " + directory + ": " + e.getMessage(), e);
    }
  }

  /** Reads one key. */
  private byte[] read(byte prefix, Cid cid, String what) {
    try {
      return db.get(StoreStats.key(prefix, cid));
    } catch (DBException e) {
      throw new BlockStoreException(
          "LevelDB " + what + " of " + cid + " in " + directory + " failed: " + e.getMessage(), e);
    }
  }
}
