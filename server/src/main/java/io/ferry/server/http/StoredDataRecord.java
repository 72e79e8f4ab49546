package io.ferry.server.http;

import io.ferry.channels.ChannelId;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the last start's {@link StoredData} check found whole, kept across a clean stop: the
 * completed channels whose data it read (64-bit hashes of their ids) and the block store's files as
 * the stop left them (name, size, modification time). The next start that finds the files as
 * recorded reads only the channels not in the record (completed since, or damaged then); a crash
 * leaves no record (each start removes it before the store opens) and a block store written or
 * damaged while the node was down changes its files, so those starts read every completed channel's
 * data, as before. Reading one root block per channel at every start took seconds for 100,000
 * channels (issue 17).
 */
public final class StoredDataRecord {
  private static final int FORMAT = 1;
  private static final String FILE = "stored-data.clean-stop";

  /** Files LevelDB rewrites at every open without changing the data: not compared. */
  private static final Set<String> NOT_DATA = Set.of("LOCK", "LOG", "LOG.old");

  private final long[] hashes;

  private StoredDataRecord(long[] hashes) {
    this.hashes = hashes;
  }

  /** No channel known checked: every completed channel is read. */
  public static StoredDataRecord none() {
    return new StoredDataRecord(new long[0]);
  }

  /** Whether {@code id}'s data was found whole by the start before the last clean stop. */
  public boolean checked(ChannelId id) {
    return Arrays.binarySearch(hashes, hash(id)) >= 0;
  }

  /** How many channels the record holds. */
  public int size() {
    return hashes.length;
  }

  /**
   * The record the last clean stop left in {@code home} when the block store in {@code blocks} is
   * as it left it, else {@link #none()}. The record is removed either way: the store is about to
   * open, and only another clean stop writes one again.
   */
  public static StoredDataRecord takeAtStart(Path home, Path blocks) {
    Path file = home.resolve(FILE);
    try {
      if (!Files.exists(file)) {
        return none();
      }
      byte[] bytes = Files.readAllBytes(file);
      Files.delete(file);
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
        if (in.readInt() != FORMAT) {
          return none();
        }
        String files = new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
        if (!files.equals(describe(blocks))) {
          return none();
        }
        long[] hashes = new long[in.readInt()];
        for (int i = 0; i < hashes.length; i++) {
          hashes[i] = in.readLong();
        }
        return new StoredDataRecord(hashes);
      }
    } catch (IOException | RuntimeException e) {
      return none(); // unreadable: read everything
    }
  }

  /**
   * Records, after the block store in {@code blocks} was closed at a clean stop, that the data of
   * {@code whole} was found whole, for {@link #takeAtStart}.
   */
  public static void markCleanStop(Path home, Path blocks, Collection<ChannelId> whole)
      throws IOException {
    if (!Files.isDirectory(blocks)) {
      return;
    }
    long[] hashes = whole.stream().mapToLong(StoredDataRecord::hash).sorted().toArray();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      out.writeInt(FORMAT);
      byte[] files = describe(blocks).getBytes(StandardCharsets.UTF_8);
      out.writeInt(files.length);
      out.write(files);
      out.writeInt(hashes.length);
      for (long h : hashes) {
        out.writeLong(h);
      }
    }
    Path file = home.resolve(FILE);
    Path next = file.resolveSibling(FILE + ".next");
    Files.write(next, buffer.toByteArray());
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** One line per data file under {@code blocks}: path, size, modification time in nanoseconds. */
  private static String describe(Path blocks) throws IOException {
    TreeMap<String, String> lines = new TreeMap<>();
    if (!Files.isDirectory(blocks)) {
      return "";
    }
    try (Stream<Path> files = Files.walk(blocks)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        if (!Files.isRegularFile(file) || NOT_DATA.contains(file.getFileName().toString())) {
          continue;
        }
        String name = blocks.relativize(file).toString();
        lines.put(
            name,
            name
                + " "
                + Files.size(file)
                + " "
                + Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS));
      }
    }
    return String.join("\n", List.copyOf(lines.values())) + "\n";
  }

  /** FNV-1a over the id's text: 64 bits, so 100,000 ids collide with odds of about 1 in 10^9. */
  private static long hash(ChannelId id) {
    long h = 0xcbf29ce484222325L;
    for (byte b : id.toString().getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
