package io.ferry.persistence.blocks;

import io.ferry.ipld.store.BlockStoreException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * The free space a {@link LevelDbBlockStore} keeps on its file system. The LevelDB inside
 * leveldbjni 1.8 writes through {@code mmap}, where a full disk is not an error code but a SIGBUS
 * that kills the JVM; so every write first checks that it leaves {@code reserveBytes} free for
 * LevelDB's log and compactions, and is refused, with nothing written, if it would not.
 */
public final class DiskReserve {
  private final Path directory;
  private final LongSupplier freeSpace;
  private final long reserveBytes;

  /** A reserve of {@code reserveBytes} over {@code freeSpace}, a probe of the usable bytes. */
  DiskReserve(Path directory, LongSupplier freeSpace, long reserveBytes) {
    this.directory = directory;
    this.freeSpace = freeSpace;
    this.reserveBytes = reserveBytes;
  }

  /** The largest reserve {@link #autoSize} picks. */
  public static final long MAX_AUTO_RESERVE = 256L << 20;

  /**
   * A reserve sized for the disk that holds {@code directory}: 256 MiB, or a twentieth of the disk
   * when that is less (a 64 MiB disk keeps 3.2 MiB free instead of refusing every write).
   */
  public static long autoSize(Path directory) {
    try {
      Path existing = directory;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      long total = Files.getFileStore(existing == null ? directory : existing).getTotalSpace();
      return Math.min(MAX_AUTO_RESERVE, total / 20);
    } catch (IOException e) {
      return MAX_AUTO_RESERVE;
    }
  }

  /**
   * The reserve of a journal in {@code directory}: {@code setting} is {@code auto} ({@link
   * #autoSize}) or a number of bytes.
   */
  public static DiskReserve forJournal(Path directory, String setting) {
    long bytes =
        setting.isBlank() || setting.equals("auto")
            ? autoSize(directory)
            : Long.parseLong(setting.strip());
    try {
      Files.createDirectories(directory);
      return of(directory, bytes);
    } catch (IOException e) {
      throw new BlockStoreException("cannot read the free space of " + directory, e);
    }
  }

  /** A reserve of {@code reserveBytes} on the file system that holds {@code directory}. */
  static DiskReserve of(Path directory, long reserveBytes) throws IOException {
    FileStore fs = Files.getFileStore(directory);
    return new DiskReserve(
        directory,
        () -> {
          try {
            return fs.getUsableSpace();
          } catch (IOException e) {
            throw new BlockStoreException("cannot read the free space of " + directory, e);
          }
        },
        reserveBytes);
  }

  /**
   * Refuses a write of {@code blocks} blocks, {@code bytes} bytes in all, of which {@code
   * inlineBytes} go into LevelDB and {@code logBytes} into the value log, unless it leaves the
   * reserve free.
   *
   * @throws BlockStoreException saying how much space is free and needed
   */
  /**
   * Why a journal write of {@code events} events, about {@code bytes} bytes, is refused, or null
   * when it leaves the reserve free.
   */
  public String refusal(long bytes, int events) {
    long free = freeSpace.getAsLong();
    long needed = 2 * bytes + reserveBytes;
    if (free >= needed) {
      return null;
    }
    return ("not enough free disk space to journal %d event(s) in %s: %d bytes free, %d needed"
            + " (including a %d-byte reserve so LevelDB never meets a full disk); nothing was"
            + " written. Free some space (or lower ferry.disk.reserve) and retry")
        .formatted(events, directory, free, needed, reserveBytes);
  }

  void require(long bytes, int blocks, long inlineBytes, long logBytes) {
    long free = freeSpace.getAsLong();
    // Inline blocks: LevelDB's log record and memtable flush each take about their size again;
    // large blocks take their value log records (the pointers are small).
    long needed = 2 * inlineBytes + logBytes + reserveBytes;
    if (free < needed) {
      throw new BlockStoreException(
          ("not enough free disk space for %d block(s), %d bytes, in %s: %d bytes free, %d needed"
                  + " (including a %d-byte reserve for LevelDB); nothing was written")
              .formatted(blocks, bytes, directory, free, needed, reserveBytes),
          null);
    }
  }
}
