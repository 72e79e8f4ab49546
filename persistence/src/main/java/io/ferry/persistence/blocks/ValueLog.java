package io.ferry.persistence.blocks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The append-only files that hold the bodies of large blocks, next to the LevelDB index that points
 * into them (the WiscKey / Badger "value log" design): {@code values/000001.seg}, {@code
 * 000002.seg}, ... Each record is a 12-byte header (magic {@code "FVL1"}, body length, CRC32C of
 * the body, all big-endian) followed by the body; a reader checks the header and the checksum
 * against its {@link ValuePointer}.
 *
 * <p>Appends go to the last segment, after its current end, and roll to a new segment once it holds
 * {@code segmentBytes}; one {@link #append} goes to one segment (a batch never spans segments), in
 * positional writes of at most the staging buffer's 4 MiB. Bytes that no pointer references (a tail
 * written before a crash or a failed index write, bodies of deleted blocks) are garbage and are
 * never read; {@link SpaceReclaimer} gives them back by moving a segment's live bodies to the head
 * and deleting the segment. Appends and deletions serialise on the caller's lock; reads are
 * positional and run concurrently.
 */
final class ValueLog implements AutoCloseable {
  static final int HEADER_BYTES = 12;
  private static final int MAGIC = 0x46564C31; // "FVL1"
  private static final int STAGING_BYTES = 4 << 20;

  private final Path directory;
  private final long segmentBytes;
  private final Map<Integer, FileChannel> readers = new ConcurrentHashMap<>();
  private int segment;
  private FileChannel writer;
  private long end;
  private volatile boolean closed;
  private boolean unsyncedDirectory;
  private ByteBuffer staging;

  /** Opens the log in {@code directory}, creating it if missing. */
  ValueLog(Path directory, long segmentBytes) throws IOException {
    this.directory = directory;
    this.segmentBytes = segmentBytes;
    Files.createDirectories(directory);
    try (Stream<Path> files = Files.list(directory)) {
      segment = files.mapToInt(ValueLog::segmentId).max().orElse(0);
    }
  }

  /** The directory holding the segments. */
  Path directory() {
    return directory;
  }

  /** The segment appends go to now (0 before the first); older segments are sealed. */
  int head() {
    return segment;
  }

  /** The ids of the segment files, in order. */
  List<Integer> segments() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.mapToInt(ValueLog::segmentId).filter(id -> id > 0).sorted().boxed().toList();
    }
  }

  /** The size of segment {@code id}'s file. */
  long sizeOf(int id) throws IOException {
    return Files.size(path(id));
  }

  /**
   * Deletes sealed segment {@code id}, which no pointer may name any more; the caller keeps readers
   * out while it does.
   */
  void delete(int id) throws IOException {
    if (id >= segment) {
      throw new IllegalArgumentException("segment " + id + " is the log's head, not sealed");
    }
    FileChannel reader = readers.remove(id);
    if (reader != null) {
      reader.close();
    }
    Files.deleteIfExists(path(id));
  }

  /** The number of bytes {@code bodies} take in the log. */
  static long recordBytes(List<byte[]> bodies) {
    long n = 0;
    for (byte[] body : bodies) {
      n += HEADER_BYTES + body.length;
    }
    return n;
  }

  /**
   * Appends {@code bodies} as consecutive records in one write and returns their pointers, in
   * order. With {@code sync}, the bytes (and a new segment's directory entry) are on disk before
   * this returns. On failure the region the write was meant for is skipped, never reused: a pointer
   * to it may have reached LevelDB's log even when LevelDB reported an error.
   */
  List<ValuePointer> append(List<byte[]> bodies, boolean sync) throws IOException {
    long total = recordBytes(bodies);
    unsyncedDirectory |= openWriter(total);
    List<ValuePointer> pointers = new ArrayList<>(bodies.size());
    long start = end;
    end = start + total;
    ByteBuffer out = staging();
    long at = start;
    long flushedTo = start;
    CRC32C crc = new CRC32C();
    for (byte[] body : bodies) {
      crc.reset();
      crc.update(body);
      int sum = (int) crc.getValue();
      pointers.add(new ValuePointer(segment, at, body.length, sum));
      at += HEADER_BYTES + body.length;
      if (out.remaining() < HEADER_BYTES) {
        flushedTo = flush(out, flushedTo);
      }
      out.putInt(MAGIC).putInt(body.length).putInt(sum);
      int off = 0;
      while (off < body.length) {
        if (!out.hasRemaining()) {
          flushedTo = flush(out, flushedTo);
        }
        int n = Math.min(out.remaining(), body.length - off);
        out.put(body, off, n);
        off += n;
      }
    }
    flush(out, flushedTo);
    if (sync) {
      writer.force(false);
      if (unsyncedDirectory) {
        forceDirectory();
        unsyncedDirectory = false;
      }
    }
    return pointers;
  }

  /**
   * The body {@code pointer} names, read with positional reads.
   *
   * @throws IOException if the segment cannot be read
   * @throws IllegalStateException if the record is missing, truncated or fails its checks
   */
  byte[] read(ValuePointer pointer) throws IOException {
    try {
      return read(reader(pointer.segment()), pointer);
    } catch (ClosedChannelException e) {
      // An interrupt during a read closes the FileChannel for every thread: drop it, so the next
      // read opens it again, and retry once if another thread's interrupt closed it.
      FileChannel stale = readers.get(pointer.segment());
      if (stale != null && !stale.isOpen()) {
        readers.remove(pointer.segment(), stale);
      }
      if (closed || e instanceof ClosedByInterruptException) {
        throw e;
      }
      return read(reader(pointer.segment()), pointer);
    }
  }

  private byte[] read(FileChannel channel, ValuePointer pointer) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    readFully(channel, header, pointer.offset(), pointer);
    header.flip();
    int magic = header.getInt();
    int length = header.getInt();
    int sum = header.getInt();
    if (magic != MAGIC || length != pointer.length() || sum != pointer.crc()) {
      throw corrupt(pointer, "its header does not match the pointer");
    }
    byte[] body = new byte[length];
    readFully(channel, ByteBuffer.wrap(body), pointer.offset() + HEADER_BYTES, pointer);
    CRC32C crc = new CRC32C();
    crc.update(body);
    if ((int) crc.getValue() != sum) {
      throw corrupt(pointer, "its CRC32C does not match");
    }
    return body;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    IOException failure = null;
    List<FileChannel> open = new ArrayList<>(readers.values());
    if (writer != null) {
      open.add(writer);
    }
    for (FileChannel c : open) {
      try {
        c.close();
      } catch (IOException e) {
        failure = failure == null ? e : failure;
      }
    }
    readers.clear();
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * The buffer appends copy records into before writing them, emptied. Direct and kept: handed heap
   * buffers, the JDK copies each into a temporary direct buffer of its own, and on the blocking
   * threads that store blocks it allocated and zeroed a new one for most writes (a profile of a 1
   * GiB pull's receiver, docs/benchmarks.md).
   */
  private ByteBuffer staging() {
    if (staging == null) {
      staging = ByteBuffer.allocateDirect(STAGING_BYTES);
    }
    return staging.clear();
  }

  /** Writes what {@code out} holds at {@code position}, empties it, and returns where it ended. */
  private long flush(ByteBuffer out, long position) throws IOException {
    out.flip();
    long at = position;
    while (out.hasRemaining()) {
      at += writer.write(out, at);
    }
    out.clear();
    return at;
  }

  /** Makes the writer ready for {@code total} bytes; true if that created a segment file. */
  private boolean openWriter(long total) throws IOException {
    if (writer != null && !writer.isOpen()) {
      // Closed by an interrupt during a write: reopen the segment, past what that write reached.
      writer = FileChannel.open(path(segment), StandardOpenOption.WRITE);
      end = Math.max(end, writer.size());
    }
    if (writer != null && (end == 0 || end + total <= segmentBytes)) {
      return false;
    }
    if (writer == null && segment > 0) {
      writer = FileChannel.open(path(segment), StandardOpenOption.WRITE);
      end = writer.size();
      if (end == 0 || end + total <= segmentBytes) {
        return false;
      }
    }
    if (writer != null) {
      writer.close();
    }
    segment++;
    Path file = path(segment);
    writer = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
    end = 0;
    return true;
  }

  private FileChannel reader(int id) throws IOException {
    try {
      return readers.computeIfAbsent(
          id,
          i -> {
            try {
              return FileChannel.open(path(i), StandardOpenOption.READ);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private void readFully(FileChannel channel, ByteBuffer into, long position, ValuePointer p)
      throws IOException {
    long at = position;
    while (into.hasRemaining()) {
      int n = channel.read(into, at);
      if (n < 0) {
        throw corrupt(p, "the segment ends at " + channel.size());
      }
      at += n;
    }
  }

  private IllegalStateException corrupt(ValuePointer p, String why) {
    return new IllegalStateException(
        "value log record at offset "
            + p.offset()
            + " of "
            + path(p.segment())
            + " ("
            + p.length()
            + " bytes) is corrupt: "
            + why);
  }

  /** Makes a new segment's name durable: in the log's directory and (if new) in its parent's. */
  private void forceDirectory() throws IOException {
    for (Path dir : List.of(directory, directory.getParent())) {
      try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
        c.force(true);
      }
    }
  }

  private Path path(int id) {
    return directory.resolve(String.format("%06d.seg", id));
  }

  private static int segmentId(Path file) {
    String name = file.getFileName().toString();
    if (!name.matches("[0-9]{6,9}\\.seg")) {
      return 0;
    }
    return Integer.parseInt(name.substring(0, name.length() - 4));
  }
}
