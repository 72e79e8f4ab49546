package io.ferry.validators.journal;

import io.ferry.validators.VoucherCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * An append-only file of entries of type {@code E} (a Jackson-serializable type, typically a sealed
 * interface of records). Each entry is stored as {@code [length:int][crc32c:int][cbor bytes]}.
 * {@link #append} returns only after the entry is on disk (fsync), so a caller that appends before
 * it answers never answers about something a crash can take back.
 *
 * <p>Opening replays every entry in order. A last record that is incomplete or fails its checksum
 * was torn by a crash while being appended (its caller never got an answer) and is cut off; a bad
 * record followed by more data is corruption, and opening fails naming the file and offset rather
 * than silently dropping history.
 */
public final class Journal<E> implements EntryLog<E> {
  private static final int HEADER = 8;
  private static final int MAX_RECORD = 1 << 20;

  private final Path file;
  private final FileChannel channel;
  private final VoucherCodec codec = VoucherCodec.standard();
  private long entries;
  private long syncs;

  private Journal(Path file, FileChannel channel, long entries) {
    this.file = file;
    this.channel = channel;
    this.entries = entries;
  }

  /**
   * Opens (creating it and its directory if needed) the journal at {@code file}, handing every
   * stored entry to {@code replay} in the order it was appended.
   *
   * @throws IllegalStateException when the file is corrupt before its last record
   * @throws UncheckedIOException when the file cannot be read or written
   */
  public static <E> Journal<E> open(Path file, Class<E> type, Consumer<? super E> replay) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      FileChannel channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        long count = replay(file, channel, type, replay);
        channel.position(channel.size());
        return new Journal<>(file, channel, count);
      } catch (RuntimeException | IOException e) {
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open journal " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens the journal at {@code file} as {@link #open} does, then compacts it when it has grown:
   * once replayed, if it holds more entries than {@code limit} says (asked after the replay, so the
   * limit may depend on what was replayed), {@code snapshot} gives entries that stand for
   * everything replayed, the file is {@linkplain #rewrite rewritten} to hold exactly those, {@code
   * reset} clears what {@code replay} built, and the compacted journal is replayed into it again. A
   * crash during compaction leaves the old journal or the new one, never a mix.
   */
  public static <E> Journal<E> openCompacting(
      Path file,
      Class<E> type,
      Consumer<? super E> replay,
      LongSupplier limit,
      Supplier<? extends Iterable<? extends E>> snapshot,
      Runnable reset) {
    Journal<E> opened = open(file, type, replay);
    if (opened.entries() <= limit.getAsLong()) {
      return opened;
    }
    opened.close();
    rewrite(file, type, snapshot.get());
    reset.run();
    return open(file, type, replay);
  }

  private static <E> long replay(
      Path file, FileChannel channel, Class<E> type, Consumer<? super E> replay)
      throws IOException {
    long size = channel.size();
    ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(size));
    while (all.hasRemaining() && channel.read(all, all.position()) >= 0) {
      // read until full
    }
    all.flip();
    VoucherCodec codec = VoucherCodec.standard();
    long count = 0;
    int pos = 0;
    while (pos < size) {
      int remaining = (int) size - pos;
      if (remaining < HEADER) {
        return truncate(channel, pos, count);
      }
      int length = all.getInt(pos);
      int crc = all.getInt(pos + 4);
      boolean fits = length > 0 && length <= MAX_RECORD && (long) length <= remaining - HEADER;
      if (!fits || checksum(all, pos + HEADER, length) != crc) {
        if (isTornTail(all, pos, length)) {
          return truncate(channel, pos, count);
        }
        throw new IllegalStateException(
            "journal "
                + file
                + " is corrupt at offset "
                + pos
                + " (bad record of "
                + length
                + " bytes followed by more data)");
      }
      byte[] payload = new byte[length];
      all.get(pos + HEADER, payload);
      E entry;
      try {
        entry = codec.decode(payload, type);
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "journal " + file + " has an unreadable entry at offset " + pos + ": " + e.getMessage(),
            e);
      }
      replay.accept(entry);
      count++;
      pos += HEADER + length;
    }
    return count;
  }

  /**
   * Whether the bad record at {@code pos} is what a crash during its append leaves: a record that
   * runs past the end of the file, the last record, or zeros up to the end.
   */
  private static boolean isTornTail(ByteBuffer all, int pos, int length) {
    int size = all.limit();
    if (length > 0 && (long) pos + HEADER + length >= size) {
      return true;
    }
    for (int i = pos; i < size; i++) {
      if (all.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  private static long truncate(FileChannel channel, long goodEnd, long count) throws IOException {
    channel.truncate(goodEnd);
    channel.force(true);
    return count;
  }

  private static int checksum(ByteBuffer buffer, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(buffer.slice(offset, length));
    return (int) crc.getValue();
  }

  /**
   * Replaces the journal at {@code file} (which must not be open) by one holding exactly {@code
   * entries}: written to a temporary file, synced, then moved over the old one atomically, so a
   * crash leaves either the old journal or the new one. Used to compact a journal into snapshot
   * entries.
   */
  public static <E> void rewrite(Path file, Class<E> type, Iterable<? extends E> entries) {
    Path temp = file.resolveSibling(file.getFileName() + ".compacting");
    try {
      Files.deleteIfExists(temp);
      try (Journal<E> fresh = open(temp, type, e -> {})) {
        for (E entry : entries) {
          fresh.write(entry);
        }
        fresh.sync();
      }
      Files.move(
          temp,
          file,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      syncDirectory(file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite journal " + file + ": " + e.getMessage(), e);
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // some platforms cannot sync a directory; the rename itself is atomic
    }
  }

  /** Appends {@code entry} and returns once it is on disk. */
  @Override
  public synchronized void append(E entry) {
    write(entry);
    sync();
  }

  /**
   * Appends {@code entry} without waiting for the disk: it survives a crash of the process but not
   * necessarily of the machine. The next {@link #append} or {@link #sync} makes it durable.
   */
  @Override
  public synchronized void appendBuffered(E entry) {
    write(entry);
  }

  /** Forces everything appended so far to disk. */
  public synchronized void sync() {
    try {
      channel.force(false);
      syncs++;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot sync journal " + file, e);
    }
  }

  /** How many times {@link #sync} (or {@link #append}) forced the file to disk since it opened. */
  public synchronized long syncs() {
    return syncs;
  }

  /** How many entries the journal holds. */
  @Override
  public synchronized long entries() {
    return entries;
  }

  /** The file this journal lives in. */
  public Path file() {
    return file;
  }

  private void write(E entry) {
    byte[] payload = codec.encode(entry);
    if (payload.length > MAX_RECORD) {
      throw new IllegalArgumentException(
          "journal entry of " + payload.length + " bytes is larger than " + MAX_RECORD);
    }
    ByteBuffer record = ByteBuffer.allocate(HEADER + payload.length);
    record.putInt(payload.length);
    CRC32C crc = new CRC32C();
    crc.update(payload);
    record.putInt((int) crc.getValue());
    record.put(payload);
    record.flip();
    long end = -1;
    try {
      end = channel.position();
      while (record.hasRemaining()) {
        channel.write(record);
      }
    } catch (IOException e) {
      rollBack(end);
      throw new UncheckedIOException("cannot append to journal " + file, e);
    }
    entries++;
  }

  /** Cuts off a partly written record so that later appends do not follow garbage. */
  private void rollBack(long end) {
    if (end < 0) {
      return;
    }
    try {
      channel.truncate(end);
      channel.position(end);
    } catch (IOException ignored) {
      // the next open cuts the torn record off
    }
  }

  /**
   * Makes buffered entries durable and closes the file; closing twice does nothing. A write after
   * closing fails.
   */
  @Override
  public synchronized void close() {
    if (!channel.isOpen()) {
      return;
    }
    try {
      channel.force(false);
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close journal " + file, e);
    }
  }
}
