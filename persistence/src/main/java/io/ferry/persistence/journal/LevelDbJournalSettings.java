package io.ferry.persistence.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ferry.persistence.snapshot.LevelDbSnapshotStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how a node journals its channels when it runs on its own: Pekko's LevelDB journal
 * through leveldbjni ({@code native = on}; a journal written natively cannot be read with the Java
 * port, so this stays fixed), every write synced to disk before it is acknowledged, the writes that
 * arrive together sharing one sync ({@link GroupCommitJournal}, read with {@link
 * LevelDbReadJournalProvider}), and snapshots in a LevelDB database of their own ({@link
 * LevelDbSnapshotStore}, which imports the files of Pekko's local snapshot store found there), both
 * under the node's data directory.
 *
 * @param journalDir the LevelDB journal's directory
 * @param snapshotDir the snapshot store's directory
 */
public record LevelDbJournalSettings(Path journalDir, Path snapshotDir) implements JournalSettings {
  /**
   * Whether nodes write through {@link GroupCommitJournal} and read through {@link
   * LevelDbReadJournalProvider}. Off on 2026-12-07 for a stall ChaosRoundsTest showed with the
   * memory budget (a paid pull {@code Ongoing} on both sides, two of three runs); on again since:
   * its rounds passed 34 times of 34 with both on at load 20-31, and a held write that Pekko's
   * breaker failed (the one way found in which the group commit journal differs from Pekko's: it
   * stopped a channel while its event was still written) no longer is ({@link #WRITE_TIMEOUT},
   * docs/chaos.md).
   */
  static final boolean GROUP_COMMIT = true;

  /**
   * How long a write may wait for its group before Pekko's breaker fails it: far beyond any wait
   * seen (up to 1 s at load 27 on 2 cores), so that only a journal that no longer writes fails.
   */
  static final String WRITE_TIMEOUT = "120s";

  /** The snapshot store's plugin id. */
  public static final String SNAPSHOT_PLUGIN = "pekko.persistence.snapshot-store.ferry-leveldb";

  public LevelDbJournalSettings {
    Objects.requireNonNull(journalDir, "journalDir");
    Objects.requireNonNull(snapshotDir, "snapshotDir");
  }

  /** {@code <home>/journal} and {@code <home>/snapshots}. */
  public static LevelDbJournalSettings under(Path home) {
    Path abs = home.toAbsolutePath();
    return new LevelDbJournalSettings(abs.resolve("journal"), abs.resolve("snapshots"));
  }

  /** The Pekko settings that select and place the journal and snapshot store. */
  @Override
  public Config toConfig() {
    return toConfig(GROUP_COMMIT);
  }

  /** As {@link #toConfig()}, with the journal's writes committed in groups or one by one. */
  public Config toConfig(boolean groupCommit) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pekko.persistence.journal.plugin", "pekko.persistence.journal.leveldb");
    m.put("pekko.persistence.journal.leveldb.dir", journalDir.toString());
    m.put(
        "pekko.persistence.journal.leveldb.event-adapters.ferry-disk-reserve",
        JournalReserveGuard.class.getName());
    m.put(
        "pekko.persistence.journal.leveldb.event-adapter-bindings.\"java.lang.Object\"",
        "ferry-disk-reserve");
    m.put("pekko.persistence.journal.leveldb.native", "on");
    m.put("pekko.persistence.journal.leveldb.fsync", "on");
    // Pekko's layout on disk, written in groups (GroupCommitJournal) and read by Ferry's own
    // query side, since Pekko's LevelDB read journal accepts no journal class but its own.
    if (groupCommit) {
      m.put("pekko.persistence.journal.leveldb.class", GroupCommitJournal.class.getName());
      m.put(
          "pekko.persistence.query.journal.leveldb.class",
          LevelDbReadJournalProvider.class.getName());
      // Pekko bounds each write with the breaker's call timeout (15 s by Ferry's fallback). Its own
      // LevelDB writes were synchronous and never ran over it; a held write waits for its group,
      // and one failed by the breaker stopped its channel while the group still wrote the event.
      m.put("pekko.persistence.journal.leveldb.circuit-breaker.call-timeout", WRITE_TIMEOUT);
      // A purged channel's copies under the channel tag go with it (GroupCommitJournal).
      m.put(
          "pekko.persistence.journal.leveldb.drop-tag-copies-of",
          List.of(io.ferry.channels.entity.ChannelEntity.EVENT_TAG));
    }
    m.put("pekko.persistence.snapshot-store.plugin", SNAPSHOT_PLUGIN);
    m.put(SNAPSHOT_PLUGIN + ".class", LevelDbSnapshotStore.class.getName());
    m.put(SNAPSHOT_PLUGIN + ".dir", snapshotDir.toString());
    return ConfigFactory.parseMap(m, "LevelDbJournalSettings");
  }

  @Override
  public String readJournalPluginId() {
    return "pekko.persistence.query.journal.leveldb";
  }

  /** A LevelDB journal belongs to one actor system: its files are locked while it is open. */
  @Override
  public boolean shared() {
    return false;
  }

  @Override
  public String describe() {
    return "LevelDB journal in " + journalDir;
  }
}
