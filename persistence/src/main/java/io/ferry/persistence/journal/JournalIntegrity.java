package io.ferry.persistence.journal;

import static org.fusesource.leveldbjni.JniDBFactory.factory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.ReadOptions;

/**
 * Checks a LevelDB journal before the node's actor system opens it: opened as LevelDB recovers
 * after a crash (a torn last record is dropped) and read through once with checksums verified, so a
 * corrupt table or log is reported at start-up by directory and cause, instead of as a journal that
 * never answers ("Ask timed out" after 35 seconds, issue 19, 6).
 */
public final class JournalIntegrity {
  private JournalIntegrity() {}

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
