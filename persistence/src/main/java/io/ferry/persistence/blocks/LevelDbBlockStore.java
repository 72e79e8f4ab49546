package io.ferry.persistence.blocks;

import static org.fusesource.leveldbjni.JniDBFactory.factory;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.store.BlockStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBException;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;

/**
 * A durable {@link BlockStore} in a native LevelDB database (leveldbjni), with the bodies of large
 * blocks kept out of LevelDB in a value log (the WiscKey / Badger design). A block of at most
 * {@link #INLINE_LIMIT} bytes is one key/value pair, {@code 'B' + binary CID} to the block's bytes,
 * stored as they are (as every block was before the value log, so older stores open and read
 * unchanged). A larger block's body is appended to a segment file under {@code values/} (see {@link
 * ValueLog}) and LevelDB maps {@code 'V' + binary CID} to a {@link ValuePointer} (segment, offset,
 * length, CRC32C). The two kinds live under different key prefixes, not behind a tag byte in the
 * value: a raw block's bytes can be anything, so no tag in an old store's values could be told
 * apart from data. A CID is under one prefix at most; an existence check reads the small values
 * only, never a segment. LevelDB then holds only small values, so it no longer rewrites every block
 * body in its log, memtable flushes and compactions.
 *
 * <p>A write appends all of a batch's large bodies to the current segment in one write, forces it
 * when the store syncs, and only then writes the LevelDB batch with the pointers, so a pointer
 * never names bytes that are not (as durable as) the pointer itself. After a crash between the two,
 * the segment's tail is referenced by nothing; the store appends after it and never reads it.
 * Deleting a large block removes its pointer; the space its body takes in the segment (and a tail
 * left by a crash) stays until {@link #reclaimSpace} empties and deletes segments that are mostly
 * garbage, so until then the directory can hold more than {@link #sizeBytes()}, which counts live
 * blocks only.
 *
 * <p>The block count and total size live under a metadata key and are written in the same atomic
 * batch as the blocks they count, so they are exact after a crash; a database without them (or with
 * a stats key from a newer format) is scanned once on open. Writes are serialised; reads are not.
 *
 * <p>LevelDB errors (an I/O error, a corrupt database) surface as {@link BlockStoreException}
 * naming the operation and the directory. A batch is all-or-nothing, so a failed write leaves no
 * block half-written and the counters unchanged.
 *
 * <p>A full disk needs care: the LevelDB inside leveldbjni 1.8 writes its files through {@code
 * mmap}, where running out of space is not an error code but a SIGBUS that kills the JVM. So before
 * each write the store checks the free space of its file system and refuses the write (with a
 * {@link BlockStoreException} saying so) unless it leaves a reserve for LevelDB's log and
 * compactions ({@link #DEFAULT_RESERVE_BYTES} unless told otherwise; see {@link DiskReserve}).
 */
public final class LevelDbBlockStore implements BlockStore {
  private static final byte BLOCK_PREFIX = StoreStats.BLOCK_PREFIX;
  private static final byte POINTER_PREFIX = StoreStats.POINTER_PREFIX;

  /** Blocks of at most this many bytes stay inline in LevelDB; larger ones go to the value log. */
  public static final int INLINE_LIMIT = 4096;

  /** The size at which the value log starts a new segment file. */
  public static final long DEFAULT_SEGMENT_BYTES = 256L << 20;

  /** Free space a write must leave on the file system: room for the log and compactions. */
  public static final long DEFAULT_RESERVE_BYTES = 256L << 20;

  private final Path directory;
  private final DB db;
  private final ValueLog log;
  private final BlockLookup lookup;
  private final boolean sync;
  private final DiskReserve reserve;
  private final WriteOptions writeOptions;
  private final Object writeLock = new Object();

  /**
   * Held shared by every read and exclusively by {@link #close()}. leveldbjni frees the native
   * database on close and checks for that without a barrier, so a read let through at the same
   * moment runs on freed memory and aborts the JVM ("pthread unlock: Invalid argument"): a node's
   * store closed while a transfer's read was in flight did. Writes are already excluded from close
   * by {@link #writeLock}.
   */
  private final ReentrantReadWriteLock closeGate = new ReentrantReadWriteLock();

  private long count;
  private long sizeBytes;
  private volatile boolean closed;

  private LevelDbBlockStore(
      Path directory, DB db, ValueLog log, boolean sync, DiskReserve reserve) {
    this.directory = directory;
    this.db = db;
    this.log = log;
    this.lookup = new BlockLookup(directory, db, log);
    this.sync = sync;
    this.reserve = reserve;
    this.writeOptions = new WriteOptions().sync(sync);
    StoreStats stats = StoreStats.load(db, directory);
    this.count = stats.count();
    this.sizeBytes = stats.sizeBytes();
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
    return open(directory, sync, reserveBytes, DEFAULT_SEGMENT_BYTES);
  }

  /**
   * As {@link #open(Path, boolean, long)}, with value log segments rolled at {@code segmentBytes}.
   */
  static LevelDbBlockStore open(
      Path directory, boolean sync, long reserveBytes, long segmentBytes) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new BlockStoreException("cannot create block store directory " + directory, e);
    }
    Options options =
        new Options()
            .createIfMissing(true)
            .paranoidChecks(true)
            .cacheSize(32L << 20)
            .writeBufferSize(16 << 20);
    try {
      DiskReserve reserve = DiskReserve.of(directory, reserveBytes);
      DB db = factory.open(directory.toFile(), options);
      try {
        ValueLog log = openLog(directory, segmentBytes);
        return new LevelDbBlockStore(directory, db, log, sync, reserve);
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
    return over(directory, db, freeSpace, reserveBytes, DEFAULT_SEGMENT_BYTES);
  }

  /** For tests: as {@link #over(Path, DB, LongSupplier, long)}, rolling at {@code segmentBytes}. */
  static LevelDbBlockStore over(
      Path directory, DB db, LongSupplier freeSpace, long reserveBytes, long segmentBytes) {
    return new LevelDbBlockStore(
        directory,
        db,
        openLog(directory, segmentBytes),
        false,
        new DiskReserve(directory, freeSpace, reserveBytes));
  }

  private static ValueLog openLog(Path directory, long segmentBytes) {
    try {
      return new ValueLog(directory.resolve("values"), segmentBytes);
    } catch (IOException e) {
      throw new BlockStoreException(
          "cannot open the value log of block store at " + directory + ": " + e.getMessage(), e);
    }
  }

  /** The directory the database lives in. */
  public Path directory() {
    return directory;
  }

  @Override
  public Optional<Block> get(Cid cid) {
    Lock open = lockOpen();
    try {
      byte[] data = lookup.data(cid);
      return data == null ? Optional.empty() : Optional.of(Block.trusted(cid, data));
    } finally {
      open.unlock();
    }
  }

  @Override
  public boolean has(Cid cid) {
    Lock open = lockOpen();
    try {
      return lookup.storedSize(cid, false) >= 0;
    } finally {
      open.unlock();
    }
  }

  @Override
  public OptionalLong sizeOf(Cid cid) {
    Lock open = lockOpen();
    try {
      long size = lookup.storedSize(cid, false);
      return size < 0 ? OptionalLong.empty() : OptionalLong.of(size);
    } finally {
      open.unlock();
    }
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
      requireOpen();
      Map<Cid, Block> fresh = new LinkedHashMap<>();
      long addedBytes = 0;
      List<Block> large = new ArrayList<>();
      for (Block b : blocks) {
        if (!fresh.containsKey(b.cid())
            && lookup.storedSize(b.cid(), b.size() > INLINE_LIMIT) < 0) {
          fresh.put(b.cid(), b);
          addedBytes += b.size();
          if (b.size() > INLINE_LIMIT) {
            large.add(b);
          }
        }
      }
      if (fresh.isEmpty()) {
        return;
      }
      List<byte[]> bodies = large.stream().map(Block::data).toList();
      long logBytes = ValueLog.recordBytes(bodies);
      long inlineBytes = addedBytes - large.stream().mapToLong(Block::size).sum();
      reserve.require(addedBytes, fresh.size(), inlineBytes, logBytes);
      List<ValuePointer> pointers = append(bodies, fresh.size(), addedBytes);
      long newCount = count + fresh.size();
      long newSize = sizeBytes + addedBytes;
      try (WriteBatch batch = db.createWriteBatch()) {
        for (Block b : fresh.values()) {
          if (b.size() <= INLINE_LIMIT) {
            batch.put(StoreStats.key(BLOCK_PREFIX, b.cid()), b.data());
          }
        }
        for (int i = 0; i < large.size(); i++) {
          batch.put(StoreStats.key(POINTER_PREFIX, large.get(i).cid()), pointers.get(i).encode());
        }
        batch.put(StoreStats.KEY, new StoreStats(newCount, newSize).encode());
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
      requireOpen();
      long existing = lookup.storedSize(cid, false);
      if (existing < 0) {
        return;
      }
      long newCount = count - 1;
      long newSize = sizeBytes - existing;
      try (WriteBatch batch = db.createWriteBatch()) {
        batch.delete(StoreStats.key(BLOCK_PREFIX, cid));
        batch.delete(StoreStats.key(POINTER_PREFIX, cid));
        batch.put(StoreStats.KEY, new StoreStats(newCount, newSize).encode());
        db.write(batch, writeOptions);
      } catch (IOException | RuntimeException e) {
        throw new BlockStoreException(
            "LevelDB delete of " + cid + " from " + directory + " failed: " + e.getMessage(), e);
      }
      count = newCount;
      sizeBytes = newSize;
    }
  }

  /**
   * Gives back the disk space of deleted large blocks: every sealed value-log segment whose live
   * bodies take at most {@code maxLiveShare} of its bytes (0 for only segments nothing points to)
   * is emptied into the log's head and deleted (see {@link SpaceReclaimer}; nothing is lost if the
   * process dies on the way). Writes wait while it runs; reads go on, except for the instant a
   * segment file is deleted.
   *
   * @throws IllegalArgumentException if {@code maxLiveShare} is not in [0, 1)
   * @throws BlockStoreException if a live body cannot be read or moved (its segment is kept), or
   *     the move would leave less than the disk reserve free
   */
  public Reclaimed reclaimSpace(double maxLiveShare) {
    if (!(maxLiveShare >= 0 && maxLiveShare < 1)) {
      throw new IllegalArgumentException("maxLiveShare must be in [0, 1), was " + maxLiveShare);
    }
    synchronized (writeLock) {
      requireOpen();
      return new SpaceReclaimer(directory, db, log, reserve, closeGate.writeLock())
          .run(maxLiveShare);
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
      closeGate.writeLock().lock();
      try (DB closing = db) {
        closed = true;
        log.close();
      } catch (IOException e) {
        throw new BlockStoreException("cannot close LevelDB block store at " + directory, e);
      } finally {
        closeGate.writeLock().unlock();
      }
    }
  }

  /** Appends large bodies to the value log (forced when syncing), before LevelDB sees them. */
  private List<ValuePointer> append(List<byte[]> bodies, int blocks, long bytes) {
    if (bodies.isEmpty()) {
      return List.of();
    }
    try {
      return log.append(bodies, sync);
    } catch (IOException | RuntimeException e) {
      throw new BlockStoreException(
          "value log write of "
              + blocks
              + " block(s), "
              + bytes
              + " bytes, to "
              + log.directory()
              + " failed (nothing was written): "
              + e.getMessage(),
          e);
    }
  }

  /** Takes {@link #closeGate} shared, for a read, if the store is still open. */
  private Lock lockOpen() {
    Lock shared = closeGate.readLock();
    shared.lock();
    if (closed) {
      shared.unlock();
      requireOpen();
    }
    return shared;
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("block store at " + directory + " is closed");
    }
  }
}
