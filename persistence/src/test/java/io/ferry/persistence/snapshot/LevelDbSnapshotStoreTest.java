package io.ferry.persistence.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ferry.channels.testing.Poll;
import io.ferry.persistence.journal.LevelDbJournalSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Channel snapshots in LevelDB (issue 17): a load finds the latest snapshot of its own id that the
 * criteria select, deletions remove what they name, everything survives a restart, and the files of
 * Pekko's local snapshot store (what earlier versions wrote in the same directory) are imported and
 * then removed.
 */
class LevelDbSnapshotStoreTest {
  private static final String LOCAL = "pekko.persistence.snapshot-store.local";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private ActorTestKit kit;

  @AfterEach
  void stop() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  /** A system with the node's snapshot store (or Pekko's local one) over {@code dir/snapshots}. */
  private ActorRef start(boolean local) {
    if (kit != null) {
      kit.shutdownTestKit();
    }
    Config node = LevelDbJournalSettings.under(dir).toConfig();
    Config config =
        local
            ? ConfigFactory.parseMap(
                    Map.of(
                        "pekko.persistence.snapshot-store.plugin",
                        LOCAL,
                        LOCAL + ".dir",
                        dir.resolve("snapshots").toString()))
                .withFallback(node)
            : node;
    kit = ActorTestKit.create("snapshots", config.withFallback(ConfigFactory.load()));
    String plugin = config.getString("pekko.persistence.snapshot-store.plugin");
    return Persistence.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(kit.system()))
        .snapshotStoreFor(plugin, ConfigFactory.empty());
  }

  private static Object ask(ActorRef store, Object message) throws Exception {
    return Patterns.ask(store, message, WAIT).toCompletableFuture().get();
  }

  /**
   * Saves {@code snapshot}; the store stamps it with the time in milliseconds, returned. Returns
   * once the clock has passed that stamp, so that each save has a stamp of its own.
   */
  private static long save(ActorRef store, String id, long seq, String snapshot) throws Exception {
    Object reply =
        ask(store, new SnapshotProtocol.SaveSnapshot(new SnapshotMetadata(id, seq, 0), snapshot));
    assertThat(reply).isInstanceOf(org.apache.pekko.persistence.SaveSnapshotSuccess.class);
    long stamp = ((org.apache.pekko.persistence.SaveSnapshotSuccess) reply).metadata().timestamp();
    Poll.until(WAIT, "the clock to pass " + stamp, () -> System.currentTimeMillis() > stamp);
    return stamp;
  }

  private static Optional<SelectedSnapshot> load(
      ActorRef store, String id, SnapshotSelectionCriteria criteria) throws Exception {
    Object reply = ask(store, new SnapshotProtocol.LoadSnapshot(id, criteria, Long.MAX_VALUE));
    assertThat(reply).isInstanceOf(SnapshotProtocol.LoadSnapshotResult.class);
    scala.Option<SelectedSnapshot> s = ((SnapshotProtocol.LoadSnapshotResult) reply).snapshot();
    return s.isDefined() ? Optional.of(s.get()) : Optional.empty();
  }

  private static Optional<SelectedSnapshot> latest(ActorRef store, String id) throws Exception {
    return load(store, id, SnapshotSelectionCriteria.latest());
  }

  private static String data(Optional<SelectedSnapshot> s) {
    return s.map(x -> (String) x.snapshot()).orElse(null);
  }

  @Test
  void aLoadFindsTheLatestSnapshotOfItsOwnIdThatTheCriteriaSelect() throws Exception {
    ActorRef store = start(false);
    // Ids that are prefixes of one another, so that only the separator keeps them apart.
    long at100 = save(store, "ch-1", 100, "ch-1 at 100");
    long at200 = save(store, "ch-1", 200, "ch-1 at 200");
    long at300 = save(store, "ch-1", 300, "ch-1 at 300");
    save(store, "ch-10", 900, "ch-10 at 900");
    save(store, "ch", 50, "ch at 50");

    assertThat(data(latest(store, "ch-1"))).isEqualTo("ch-1 at 300");
    assertThat(latest(store, "ch-1").get().metadata())
        .isEqualTo(new SnapshotMetadata("ch-1", 300, at300));
    assertThat(data(latest(store, "ch-10"))).isEqualTo("ch-10 at 900");
    assertThat(data(latest(store, "ch"))).isEqualTo("ch at 50");
    assertThat(latest(store, "ch-2")).isEmpty();
    assertThat(data(load(store, "ch-1", SnapshotSelectionCriteria.create(250, Long.MAX_VALUE))))
        .isEqualTo("ch-1 at 200");
    assertThat(
            data(load(store, "ch-1", SnapshotSelectionCriteria.create(Long.MAX_VALUE, at200 - 1))))
        .isEqualTo("ch-1 at 100");
    assertThat(
            data(load(store, "ch-1", SnapshotSelectionCriteria.create(300, at300, 150, at100 + 1))))
        .isEqualTo("ch-1 at 300");
    assertThat(load(store, "ch-1", SnapshotSelectionCriteria.create(99, Long.MAX_VALUE))).isEmpty();
    assertThat(load(store, "ch-1", SnapshotSelectionCriteria.none())).isEmpty();
  }

  @Test
  void deletionsRemoveWhatTheyNameAndEverythingSurvivesARestart() throws Exception {
    ActorRef store = start(false);
    save(store, "a", 100, "a at 100");
    save(store, "a", 200, "a at 200");
    save(store, "a", 300, "a at 300");
    save(store, "b", 100, "b at 100");

    // A timestamp that does not match leaves the snapshot; 0 matches any.
    ask(store, new SnapshotProtocol.DeleteSnapshot(new SnapshotMetadata("a", 300, 1)));
    assertThat(data(latest(store, "a"))).isEqualTo("a at 300");
    ask(store, new SnapshotProtocol.DeleteSnapshot(new SnapshotMetadata("a", 300, 0)));
    assertThat(data(latest(store, "a"))).isEqualTo("a at 200");

    store = start(false);
    assertThat(data(latest(store, "a"))).isEqualTo("a at 200");
    ask(
        store,
        new SnapshotProtocol.DeleteSnapshots(
            "a", SnapshotSelectionCriteria.create(150, Long.MAX_VALUE)));
    assertThat(data(latest(store, "a"))).isEqualTo("a at 200");
    ask(store, new SnapshotProtocol.DeleteSnapshots("a", SnapshotSelectionCriteria.latest()));
    assertThat(latest(store, "a")).isEmpty();
    assertThat(data(latest(store, "b"))).isEqualTo("b at 100");
  }

  @Test
  void theFilesOfPekkosLocalStoreAreImportedAndRemoved() throws Exception {
    String id = "ferry-channel|12D3KooW-peer-1796682112274856020";
    ActorRef local = start(true);
    save(local, id, 100, "at 100");
    save(local, id, 200, "at 200");
    save(local, "other", 7, "other at 7");
    assertThat(snapshotFiles()).hasSize(3);
    Files.writeString(dir.resolve("snapshots").resolve("snapshot-not-a-number-x"), "kept");

    ActorRef store = start(false);
    assertThat(data(latest(store, id))).isEqualTo("at 200");
    assertThat(data(load(store, id, SnapshotSelectionCriteria.create(150, Long.MAX_VALUE))))
        .isEqualTo("at 100");
    assertThat(data(latest(store, "other"))).isEqualTo("other at 7");
    assertThat(snapshotFiles())
        .as("imported files are removed; a name that is not a snapshot's is left")
        .containsExactly("snapshot-not-a-number-x");

    store = start(false);
    assertThat(data(latest(store, id))).isEqualTo("at 200");
  }

  @Test
  void aCorruptDatabaseIsMovedAsideAndTheStoreStartsEmpty() throws Exception {
    ActorRef store = start(false);
    save(store, "a", 100, "a at 100");
    kit.shutdownTestKit();
    kit = null;
    Path snapshots = dir.resolve("snapshots");
    try (Stream<Path> files = Files.list(snapshots)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("MANIFEST")).toList()) {
        Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
      }
    }

    store = start(false);
    assertThat(latest(store, "a")).isEmpty();
    save(store, "a", 200, "a at 200");
    assertThat(data(latest(store, "a"))).isEqualTo("a at 200");
    try (Stream<Path> siblings = Files.list(dir)) {
      assertThat(siblings.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("snapshots.corrupt-"));
    }
  }

  @Test
  void theLocalStoresFileNamesAreReadBack() {
    SnapshotMetadata meta = new SnapshotMetadata("ferry-channel|a-b-c 1", 12, 34);
    assertThat(FileName.parse(FileName.of(meta))).contains(meta);
    assertThat(FileName.parse("snapshot-x-1")).isEmpty();
    assertThat(FileName.parse("snapshot--1-2")).isEmpty();
    assertThat(FileName.parse("other-x-1-2")).isEmpty();
  }

  private List<String> snapshotFiles() throws Exception {
    try (Stream<Path> files = Files.list(dir.resolve("snapshots"))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("snapshot-"))
          .sorted()
          .toList();
    }
  }
}
