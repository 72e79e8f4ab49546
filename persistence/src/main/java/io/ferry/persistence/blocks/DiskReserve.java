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
final class DiskReserve {
  private final Path directory;
  private final LongSupplier freeSpace;
  private final long reserveBytes;

  /** A reserve of {@code reserveBytes} over {@code freeSpace}, a probe of the usable bytes. */
  DiskReserve(Path directory, LongSupplier freeSpace, long reserveBytes) {
    this.directory = directory;
    this.freeSpace = freeSpace;
    this.reserveBytes = reserveBytes;
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
