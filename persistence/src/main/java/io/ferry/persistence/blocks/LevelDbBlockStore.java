package io.ferry.persistence.blocks;

import static org.fusesource.leveldbjni.JniDBFactory.factory;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.store.BlockStoreException;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;

/**
 * A durable {@link BlockStore} in a native LevelDB database (leveldbjni). Each block is one
 * key/value pair: {@code 'B' + binary CID} to the block's bytes, stored as they are. The block
 * count and total size live under a metadata key and are written in the same atomic batch as the
 * blocks they count, so they are exact after a crash; a database without them (or with a stats key
 * from a newer format) is scanned once on open. Writes are serialised; reads are not.
 *
 * <p>LevelDB errors (an I/O error, a corrupt database) surface as {@link BlockStoreException}
 * naming the operation and the directory. A batch is all-or-nothing, so a failed write leaves no
 * block half-written and the counters unchanged.
 *
 * <p>A full disk needs care: the LevelDB inside leveldbjni 1.8 writes its files through {@code
 * mmap}, where running out of space is not an error code but a SIGBUS that kills the JVM. So before
 * each write the store checks the free space of its file system and refuses the write (with a
 * {@link BlockStoreException} saying so) unless it leaves a reserve for LevelDB's log and
 * compactions ({@link #DEFAULT_RESERVE_BYTES} unless told otherwise).
 */
public final class LevelDbBlockStore implements BlockStore {
  private static final byte BLOCK_PREFIX = 'B';
  private static final byte[] STATS_KEY = {'M', 's', 't', 'a', 't', 's'};

  /** Free space a write must leave on the file system: room for the log and compactions. */
  public static final long DEFAULT_RESERVE_BYTES = 256L << 20;

  private final Path directory;
  private final DB db;
  private final LongSupplier freeSpace;
  private final long reserveBytes;
  private final WriteOptions writeOptions;
  private final Object writeLock = new Object();
  private long count;
  private long sizeBytes;
  private volatile boolean closed;

  private LevelDbBlockStore(
      Path directory, DB db, boolean sync, LongSupplier freeSpace, long reserveBytes) {
    this.directory = directory;
    this.db = db;
    this.freeSpace = freeSpace;
    this.reserveBytes = reserveBytes;
    this.writeOptions = new WriteOptions().sync(sync);
    loadStats();
  }

  /**
   * Opens (creating if needed) the store in {@code directory}. Writes are not fsynced: LevelDB's
   * log makes them survive a crash of the process, not of the machine.
   */
  public static LevelDbBlockStore open(Path directory) {
    return open(directory, false, DEFAULT_RESERVE_BYTES);
  }

  /**
   * Opens the store; with {@code sync}, every write is fsynced before it returns; writes are
   * refused when they would leave less than {@code reserveBytes} free on the file system.
   */
  public static LevelDbBlockStore open(Path directory, boolean sync, long reserveBytes) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new BlockStoreException("cannot create block store directory " + directory, e);
    }
    Options options =
        new Options().createIfMissing(true).cacheSize(32L << 20).writeBufferSize(16 << 20);
    try {
      File dir = directory.toFile();
      FileStore fs = Files.getFileStore(directory);
      LongSupplier free =
          () -> {
            try {
              return fs.getUsableSpace();
            } catch (IOException e) {
              throw new BlockStoreException("cannot read the free space of " + directory, e);
            }
          };
      DB db = factory.open(dir, options);
      try {
        return new LevelDbBlockStore(directory, db, sync, free, reserveBytes);
      } catch (RuntimeException e) {
        try {
          db.close(); // release LevelDB's lock on the directory
        } catch (IOException closing) {
          e.addSuppressed(closing);
        }
        throw e;
      }
    } catch (IOException | DBException e) {
      throw new BlockStoreException(
          "cannot open LevelDB block store at " + directory + ": " + e.getMessage(), e);
    }
  }

  /** For tests: a store over a given database handle and free-space probe. */
  static LevelDbBlockStore over(Path directory, DB db, LongSupplier freeSpace, long reserveBytes) {
    return new LevelDbBlockStore(directory, db, false, freeSpace, reserveBytes);
  }

  /** The directory the database lives in. */
  public Path directory() {
    return directory;
  }

  @Override
  public Optional<Block> get(Cid cid) {
    byte[] data = read(cid, "read");
    return data == null ? Optional.empty() : Optional.of(Block.trusted(cid, data));
  }

  @Override
  public boolean has(Cid cid) {
    return read(cid, "look up") != null;
  }

  @Override
  public void put(Block block) {
    putAll(List.of(block));
  }

  @Override
  public void putAll(List<Block> blocks) {
    requireOpen();
    if (blocks.isEmpty()) {
      return;
    }
    synchronized (writeLock) {
      Map<Cid, Block> fresh = new HashMap<>();
      long addedBytes = 0;
      for (Block b : blocks) {
        if (!fresh.containsKey(b.cid()) && read(b.cid(), "look up") == null) {
          fresh.put(b.cid(), b);
          addedBytes += b.size();
        }
      }
      if (fresh.isEmpty()) {
        return;
      }
      requireSpace(addedBytes, fresh.size());
      long newCount = count + fresh.size();
      long newSize = sizeBytes + addedBytes;
      try (WriteBatch batch = db.createWriteBatch()) {
        for (Block b : fresh.values()) {
          batch.put(key(b.cid()), b.data());
        }
        batch.put(STATS_KEY, stats(newCount, newSize));
        db.write(batch, writeOptions);
      } catch (IOException | RuntimeException e) {
        throw new BlockStoreException(
            "LevelDB write of "
                + fresh.size()
                + " block(s), "
                + addedBytes
                + " bytes, to "
                + directory
                + " failed (nothing was written): "
                + e.getMessage(),
            e);
      }
      count = newCount;
      sizeBytes = newSize;
    }
  }

  @Override
  public void delete(Cid cid) {
    requireOpen();
    synchronized (writeLock) {
      byte[] existing = read(cid, "look up");
      if (existing == null) {
        return;
      }
      long newCount = count - 1;
      long newSize = sizeBytes - existing.length;
      try (WriteBatch batch = db.createWriteBatch()) {
        batch.delete(key(cid));
        batch.put(STATS_KEY, stats(newCount, newSize));
        db.write(batch, writeOptions);
      } catch (IOException | RuntimeException e) {
        throw new BlockStoreException(
            "LevelDB delete of " + cid + " from " + directory + " failed: " + e.getMessage(), e);
      }
      count = newCount;
      sizeBytes = newSize;
    }
  }

  @Override
  public long count() {
    requireOpen();
    synchronized (writeLock) {
      return count;
    }
  }

  @Override
  public long sizeBytes() {
    requireOpen();
    synchronized (writeLock) {
      return sizeBytes;
    }
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        db.close();
      } catch (IOException e) {
        throw new BlockStoreException("cannot close LevelDB block store at " + directory, e);
      }
    }
  }

  private void requireSpace(long bytes, int blocks) {
    long free = freeSpace.getAsLong();
    // The log record and the memtable flush each take about the batch size again.
    long needed = 2 * bytes + reserveBytes;
    if (free < needed) {
      throw new BlockStoreException(
          "not enough free disk space for "
              + blocks
              + " block(s), "
              + bytes
              + " bytes, in "
              + directory
              + ": "
              + free
              + " bytes free, "
              + needed
              + " needed (including a "
              + reserveBytes
              + "-byte reserve for LevelDB); nothing was written",
          null);
    }
  }

  private byte[] read(Cid cid, String what) {
    requireOpen();
    try {
      return db.get(key(cid));
    } catch (DBException e) {
      throw new BlockStoreException(
          "LevelDB " + what + " of " + cid + " in " + directory + " failed: " + e.getMessage(), e);
    }
  }

  private void loadStats() {
    try {
      scanStats();
    } catch (DBException e) {
      throw new BlockStoreException(
          "cannot read the block count of LevelDB block store at "
              + directory
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Reads the persisted count and size, or rebuilds them by scanning every block. */
  private void scanStats() {
    byte[] stats = db.get(STATS_KEY);
    if (stats != null && stats.length == 17 && stats[0] == 1) {
      ByteBuffer b = ByteBuffer.wrap(stats, 1, 16);
      count = b.getLong();
      sizeBytes = b.getLong();
      return;
    }
    long n = 0;
    long bytes = 0;
    try (DBIterator it = db.iterator()) {
      it.seek(new byte[] {BLOCK_PREFIX});
      while (it.hasNext()) {
        Map.Entry<byte[], byte[]> e = it.next();
        if (e.getKey().length == 0 || e.getKey()[0] != BLOCK_PREFIX) {
          break;
        }
        n++;
        bytes += e.getValue().length;
      }
    } catch (IOException e) {
      throw new BlockStoreException("cannot scan LevelDB block store at " + directory, e);
    }
    count = n;
    sizeBytes = bytes;
  }

  private static byte[] stats(long count, long size) {
    return ByteBuffer.allocate(17).put((byte) 1).putLong(count).putLong(size).array();
  }

  private static byte[] key(Cid cid) {
    byte[] cidBytes = cid.toBytes();
    byte[] key = Arrays.copyOf(new byte[] {BLOCK_PREFIX}, 1 + cidBytes.length);
    System.arraycopy(cidBytes, 0, key, 1, cidBytes.length);
    return key;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("block store at " + directory + " is closed");
    }
  }
}
