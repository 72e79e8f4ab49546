package io.ferry.persistence.snapshot;

import static org.fusesource.leveldbjni.JniDBFactory.factory;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.serialization.Snapshot;
import org.apache.pekko.persistence.snapshot.japi.SnapshotStore;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.Future;

/**
 * Channel snapshots in a LevelDB database, found by a seek on their persistence id. Pekko's local
 * snapshot store keeps one file per snapshot in one directory and lists the whole directory on
 * every recovery, to find the files of one persistence id: with 100,000 snapshot files a listing
 * takes ~110 ms here, paid by every channel that starts or wakes, so a node's channel starts slowed
 * down with every long transfer it still kept (issue 17). Here a load reads the few entries of its
 * own persistence id.
 *
 * <p>Each entry is keyed by the persistence id's UTF-8 bytes, a zero byte and the sequence number
 * (8 bytes, big-endian), so that an id's snapshots are adjacent and in order; the value is the
 * timestamp (8 bytes) and the snapshot serialized as Pekko's local store serializes it (a {@link
 * Snapshot} through the serialization extension). That is also each snapshot file's whole content,
 * so a directory of the local store's files ({@code snapshot-<url-encoded id>-<sequence
 * number>-<timestamp>}) is imported as it is: at start, every such file in {@code dir} is copied
 * into the database and removed once the copy is on disk; a crash in between imports it again.
 *
 * <p>Snapshots are derived from the journal, which stays the record: writes are not synced, and a
 * snapshot that cannot be read is skipped for the one before it (the channel then replays more
 * events), as Pekko's local store does.
 */
public final class LevelDbSnapshotStore extends SnapshotStore {
  private static final Logger log = LoggerFactory.getLogger(LevelDbSnapshotStore.class);

  /** Snapshots tried, latest first, before a load gives up on the older ones. */
  private static final int MAX_LOAD_ATTEMPTS = 3;

  private static final String FILE_PREFIX = "snapshot-";

  private final Path dir;
  private final Serialization serialization;
  private DB db;

  public LevelDbSnapshotStore(Config config) {
    this.dir = Path.of(config.getString("dir")).toAbsolutePath();
    this.serialization = SerializationExtension.get(context().system());
  }

  @Override
  public void preStart() throws Exception {
    Files.createDirectories(dir);
    db = open();
    importFiles();
    super.preStart();
  }

  /**
   * Opens the database. One that LevelDB finds corrupt is moved aside and replaced by an empty one:
   * channels then recover from their journals alone, as they would without snapshots. Any other
   * failure (another process holds the lock) stops the store.
   */
  private DB open() throws IOException {
    Options options = new Options().createIfMissing(true).paranoidChecks(true);
    try {
      return factory.open(dir.toFile(), options);
    } catch (IOException | org.iq80.leveldb.DBException e) {
      if (String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("corrupt")) {
        Path aside =
            dir.resolveSibling(dir.getFileName() + ".corrupt-" + System.currentTimeMillis());
        Files.move(dir, aside);
        Files.createDirectories(dir);
        log.error(
            "the snapshot store in {} is corrupt ({}); moved to {}, channels recover from their"
                + " journals",
            dir,
            e.getMessage(),
            aside);
        return factory.open(dir.toFile(), options);
      }
      throw e;
    }
  }

  @Override
  public void postStop() throws Exception {
    if (db != null) {
      db.close();
    }
    super.postStop();
  }

  @Override
  public Future<Optional<SelectedSnapshot>> doLoadAsync(
      String persistenceId, SnapshotSelectionCriteria criteria) {
    try {
      List<SnapshotMetadata> matching = new ArrayList<>();
      List<byte[]> values = new ArrayList<>();
      scan(
          persistenceId,
          criteria,
          (key, meta, value) -> {
            matching.add(meta);
            values.add(value);
          });
      int tried = 0;
      for (int i = matching.size() - 1; i >= 0 && tried < MAX_LOAD_ATTEMPTS; i--, tried++) {
        SnapshotMetadata meta = matching.get(i);
        byte[] value = values.get(i);
        try {
          Snapshot snapshot =
              serialization
                  .deserialize(Arrays.copyOfRange(value, Long.BYTES, value.length), Snapshot.class)
                  .get();
          return scala.concurrent.Future$.MODULE$.successful(
              Optional.of(SelectedSnapshot.create(meta, snapshot.data())));
        } catch (RuntimeException e) {
          log.warn("cannot read snapshot {}, trying an older one: {}", meta, e.toString());
        }
      }
      return scala.concurrent.Future$.MODULE$.successful(Optional.empty());
    } catch (RuntimeException e) {
      return scala.concurrent.Future$.MODULE$.failed(e);
    }
  }

  @Override
  public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
    try {
      byte[] bytes = serialization.serialize(new Snapshot(snapshot)).get();
      db.put(
          key(metadata.persistenceId(), metadata.sequenceNr()), value(metadata.timestamp(), bytes));
      return scala.concurrent.Future$.MODULE$.successful(null);
    } catch (RuntimeException e) {
      return scala.concurrent.Future$.MODULE$.failed(e);
    }
  }

  @Override
  public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
    try {
      byte[] key = key(metadata.persistenceId(), metadata.sequenceNr());
      // Pekko deletes by sequence number and, when it has one, timestamp (0: any).
      byte[] value = db.get(key);
      if (value != null
          && (metadata.timestamp() == 0 || timestampOf(value) == metadata.timestamp())) {
        db.delete(key);
      }
      return scala.concurrent.Future$.MODULE$.successful(null);
    } catch (RuntimeException e) {
      return scala.concurrent.Future$.MODULE$.failed(e);
    }
  }

  @Override
  public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    try (WriteBatch batch = db.createWriteBatch()) {
      scan(persistenceId, criteria, (key, meta, value) -> batch.delete(key));
      db.write(batch);
      return scala.concurrent.Future$.MODULE$.successful(null);
    } catch (IOException | RuntimeException e) {
      return scala.concurrent.Future$.MODULE$.failed(e);
    }
  }

  private interface Visitor {
    void visit(byte[] key, SnapshotMetadata meta, byte[] value);
  }

  /** Visits {@code persistenceId}'s snapshots that {@code criteria} selects, oldest first. */
  private void scan(String persistenceId, SnapshotSelectionCriteria criteria, Visitor visitor) {
    byte[] prefix = prefix(persistenceId);
    try (DBIterator it = db.iterator()) {
      it.seek(key(persistenceId, Math.max(0, criteria.minSequenceNr())));
      while (it.hasNext()) {
        var entry = it.next();
        byte[] key = entry.getKey();
        if (!startsWith(key, prefix) || key.length != prefix.length + Long.BYTES) {
          break;
        }
        long sequenceNr = ByteBuffer.wrap(key, prefix.length, Long.BYTES).getLong();
        if (sequenceNr > criteria.maxSequenceNr()) {
          break;
        }
        long timestamp = timestampOf(entry.getValue());
        if (timestamp < criteria.minTimestamp() || timestamp > criteria.maxTimestamp()) {
          continue;
        }
        visitor.visit(
            key, new SnapshotMetadata(persistenceId, sequenceNr, timestamp), entry.getValue());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read snapshots of " + persistenceId, e);
    }
  }

  /**
   * Copies the local snapshot store's files in {@link #dir} into the database, then removes them.
   */
  private void importFiles() throws IOException {
    List<Path> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files =
          listing
              .filter(p -> p.getFileName().toString().startsWith(FILE_PREFIX))
              .filter(Files::isRegularFile)
              .toList();
    }
    if (files.isEmpty()) {
      return;
    }
    long t0 = System.nanoTime();
    List<Path> imported = new ArrayList<>();
    try (WriteBatch batch = db.createWriteBatch()) {
      for (Path file : files) {
        Optional<SnapshotMetadata> meta = FileName.parse(file.getFileName().toString());
        if (meta.isEmpty()) {
          log.warn("not a snapshot file, left as it is: {}", file);
          continue;
        }
        SnapshotMetadata m = meta.get();
        batch.put(
            key(m.persistenceId(), m.sequenceNr()), value(m.timestamp(), Files.readAllBytes(file)));
        imported.add(file);
      }
      db.write(batch, new org.iq80.leveldb.WriteOptions().sync(true));
    }
    for (Path file : imported) {
      Files.deleteIfExists(file);
    }
    log.info(
        "imported {} snapshot files of Pekko's local snapshot store from {} in {} ms",
        imported.size(),
        dir,
        (System.nanoTime() - t0) / 1_000_000);
  }

  static byte[] prefix(String persistenceId) {
    byte[] id = persistenceId.getBytes(StandardCharsets.UTF_8);
    return Arrays.copyOf(id, id.length + 1);
  }

  static byte[] key(String persistenceId, long sequenceNr) {
    byte[] prefix = prefix(persistenceId);
    return ByteBuffer.allocate(prefix.length + Long.BYTES).put(prefix).putLong(sequenceNr).array();
  }

  private static byte[] value(long timestamp, byte[] snapshot) {
    return ByteBuffer.allocate(Long.BYTES + snapshot.length)
        .putLong(timestamp)
        .put(snapshot)
        .array();
  }

  private static long timestampOf(byte[] value) {
    return ByteBuffer.wrap(value, 0, Long.BYTES).getLong();
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }
}
