package io.ferry.persistence.journal;

import static org.fusesource.leveldbjni.JniDBFactory.factory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.ReadOptions;

/**
 * Checks a LevelDB journal before the node's actor system opens it: opened as LevelDB recovers
 * after a crash (a torn last record is dropped) and read through once with checksums verified, so a
 * corrupt table or log is reported at start-up by directory and cause, instead of as a journal that
 * never answers ("Ask timed out" after 35 seconds, issue 19, 6).
 *
 * <p>Reading the whole journal at every start took seconds with 100,000 channels' histories (issue
 * 17), so a clean stop leaves a record of the journal's files ({@link #markCleanStop}: name, size,
 * modification time): the next start that finds every file as recorded skips the read ({@link
 * #requireIntactSinceCleanStop}). A crash leaves no record (each start removes it before the
 * journal opens), and any file written or damaged since changes its size or time, so those starts
 * read everything, as before.
 */
public final class JournalIntegrity {
  /** Files LevelDB rewrites at every open without changing the data: not compared. */
  private static final Set<String> NOT_DATA = Set.of("LOCK", "LOG", "LOG.old");

  private JournalIntegrity() {}

  /** What a start-up check found. */
  public sealed interface Checked {}

  /** Read through: {@code entries} entries, none damaged (or no journal yet: 0). */
  public record ReadThrough(long entries) implements Checked {}

  /** Not read: its {@code files} files are as the last clean stop left them. */
  public record UnchangedSinceCleanStop(int files) implements Checked {}

  /**
   * As {@link #requireIntact}, unless the journal in {@code directory} is as the last {@link
   * #markCleanStop clean stop} left it. The record of that stop is removed either way: the node is
   * about to open the journal, and only another clean stop writes one again.
   *
   * @throws IllegalStateException naming the directory and LevelDB's reason when it is corrupt
   */
  public static Checked requireIntactSinceCleanStop(Path directory) {
    Path record = cleanStopRecord(directory);
    try {
      if (Files.exists(record)
          && Files.readString(record, StandardCharsets.UTF_8).equals(describe(directory))) {
        int files = Files.readAllLines(record, StandardCharsets.UTF_8).size();
        Files.delete(record);
        return new UnchangedSinceCleanStop(files);
      }
      Files.deleteIfExists(record);
    } catch (IOException e) {
      // Unreadable record: check everything.
    }
    return new ReadThrough(requireIntact(directory));
  }

  /**
   * Records the journal's files in {@code directory} after the journal was closed cleanly (the
   * actor system that had it open has terminated), for {@link #requireIntactSinceCleanStop}.
   */
  public static void markCleanStop(Path directory) throws IOException {
    if (!Files.isDirectory(directory) || !Files.exists(directory.resolve("CURRENT"))) {
      return;
    }
    Path record = cleanStopRecord(directory);
    Path next = record.resolveSibling(record.getFileName() + ".next");
    Files.writeString(next, describe(directory), StandardCharsets.UTF_8);
    Files.move(
        next,
        record,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Where the record of the last clean stop of the journal in {@code directory} is kept. */
  static Path cleanStopRecord(Path directory) {
    Path absolute = directory.toAbsolutePath();
    return absolute.resolveSibling(absolute.getFileName() + ".clean-stop");
  }

  /** One line per data file of the journal: name, size, modification time in nanoseconds. */
  private static String describe(Path directory) throws IOException {
    TreeMap<String, String> lines = new TreeMap<>();
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (NOT_DATA.contains(name) || !Files.isRegularFile(file)) {
          continue;
        }
        lines.put(
            name,
            name
                + " "
                + Files.size(file)
                + " "
                + Files.getLastModifiedTime(file).to(java.util.concurrent.TimeUnit.NANOSECONDS));
      }
    }
    return String.join("\n", List.copyOf(lines.values())) + "\n";
  }

  /**
   * Reads the whole journal in {@code directory} (nothing to do when there is none yet).
   *
   * @return how many entries it holds
   * @throws IllegalStateException naming the directory and LevelDB's reason when it is corrupt
   */
  public static long requireIntact(Path directory) {
    if (!Files.isDirectory(directory) || !Files.exists(directory.resolve("CURRENT"))) {
      return 0;
    }
    // Not paranoid: a record the writer had not finished when the node was killed (its first
    // fragments, then the zeros of the preallocated log) is what LevelDB's recovery drops, as
    // Pekko's journal would on open; paranoid checks called that damage and kept a node killed
    // with SIGKILL from ever starting again (bench/chaos). Tables are still read through with
    // their checksums verified.
    Options options = new Options().createIfMissing(false).paranoidChecks(false);
    long entries = 0;
    try (DB db = factory.open(directory.toFile(), options);
        DBIterator it = db.iterator(new ReadOptions().verifyChecksums(true).fillCache(false))) {
      for (it.seekToFirst(); it.hasNext(); it.next()) {
        entries++;
      }
    } catch (IOException | RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new IllegalStateException(
          "the channel journal in "
              + directory
              + " is damaged ("
              + root.getMessage()
              + "); the node does not start on it. Restore the journal directory from a"
              + " backup (see docs/operations.md, Backups)",
          e);
    }
    return entries;
  }
}
