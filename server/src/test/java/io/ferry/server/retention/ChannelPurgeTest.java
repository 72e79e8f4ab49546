package io.ferry.server.retention;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ferry.engine.wiring.ChannelReadModel;
import io.ferry.persistence.snapshot.LevelDbSnapshotStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByTagQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Purging over a real LevelDB journal and the node's LevelDB snapshot store. */
class ChannelPurgeTest {
  private static final String TAG = "ferry-channel";
  private static final String SNAPSHOTS = "pekko.persistence.snapshot-store.ferry-leveldb";
  @TempDir Path dir;
  private ActorTestKit kit;

  /** Appends one event, or answers how many it holds. */
  record Command(String event, ActorRef<Integer> replyTo) {}

  /** An entity that persists, tags and snapshots like the channel entity does. */
  static final class Counter extends EventSourcedBehavior<Command, String, Integer> {
    Counter(String id) {
      super(PersistenceId.ofUniqueId(id));
    }

    @Override
    public Integer emptyState() {
      return 0;
    }

    @Override
    public CommandHandler<Command, String, Integer> commandHandler() {
      return newCommandHandlerBuilder()
          .forAnyState()
          .onCommand(c -> c.event() == null, (s, c) -> Effect().reply(c.replyTo(), s))
          .onCommand(
              c -> true, (s, c) -> Effect().persist(c.event()).thenReply(c.replyTo(), n -> n))
          .build();
    }

    @Override
    public EventHandler<Integer, String> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> s + 1);
    }

    @Override
    public Set<String> tagsFor(String event) {
      return Set.of(TAG);
    }

    @Override
    public RetentionCriteria retentionCriteria() {
      return RetentionCriteria.snapshotEvery(2, 1);
    }
  }

  @BeforeEach
  void start() {
    Config config =
        ConfigFactory.parseMap(
                Map.of(
                    "pekko.persistence.journal.plugin",
                    "pekko.persistence.journal.leveldb",
                    "pekko.persistence.journal.leveldb.dir",
                    dir.resolve("journal").toString(),
                    "pekko.persistence.journal.leveldb.native",
                    "on",
                    "pekko.persistence.snapshot-store.plugin",
                    SNAPSHOTS,
                    SNAPSHOTS + ".class",
                    LevelDbSnapshotStore.class.getName(),
                    SNAPSHOTS + ".dir",
                    dir.resolve("snapshots").toString()))
            .withFallback(ConfigFactory.load());
    kit = ActorTestKit.create("purge", config);
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private int tell(ActorRef<Command> to, String event) {
    TestProbe<Integer> probe = kit.createTestProbe();
    to.tell(new Command(event, probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }

  private List<EventEnvelope> events(String persistenceId) throws Exception {
    return PersistenceQuery.get(kit.system())
        .getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, ChannelReadModel.LEVELDB)
        .currentEventsByPersistenceId(persistenceId, 0, Long.MAX_VALUE)
        .runWith(Sink.seq(), kit.system())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private List<EventEnvelope> tagged() throws Exception {
    return PersistenceQuery.get(kit.system())
        .getReadJournalFor(CurrentEventsByTagQuery.class, ChannelReadModel.LEVELDB)
        .currentEventsByTag(TAG, Offset.noOffset())
        .runWith(Sink.seq(), kit.system())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  /** Whether the snapshot store holds a snapshot of {@code persistenceId}. */
  private boolean hasSnapshot(String persistenceId) throws Exception {
    org.apache.pekko.actor.ActorRef store =
        org.apache.pekko.persistence.Persistence.get(Adapter.toClassic(kit.system()))
            .snapshotStoreFor(SNAPSHOTS, ConfigFactory.empty());
    Object reply =
        Patterns.ask(
                store,
                new SnapshotProtocol.LoadSnapshot(
                    persistenceId, SnapshotSelectionCriteria.latest(), Long.MAX_VALUE),
                Duration.ofSeconds(10))
            .toCompletableFuture()
            .get(15, TimeUnit.SECONDS);
    return ((SnapshotProtocol.LoadSnapshotResult) reply).snapshot().isDefined();
  }

  @Test
  void aPurgedChannelHasNoEventsNoSnapshotsAndRecoversEmpty() throws Exception {
    ActorRef<Command> purged = kit.spawn(new Counter("purged"));
    ActorRef<Command> kept = kit.spawn(new Counter("kept"));
    for (int i = 0; i < 5; i++) {
      tell(purged, "e" + i);
    }
    for (int i = 0; i < 3; i++) {
      tell(kept, "k" + i);
    }
    kit.stop(purged);
    assertThat(hasSnapshot("purged")).isTrue();

    ChannelPurge.purge(kit.system(), "purged", Duration.ofSeconds(10))
        .toCompletableFuture()
        .get(15, TimeUnit.SECONDS);

    assertThat(events("purged")).isEmpty();
    assertThat(events("kept")).hasSize(3);
    assertThat(hasSnapshot("purged")).isFalse();
    assertThat(hasSnapshot("kept")).as("another channel's snapshot").isTrue();
    assertThat(tell(kit.spawn(new Counter("purged")), null)).isZero();
  }

  @Test
  void levelDbKeepsTaggedCopiesOfPurgedEventsWhichIsWhyPurgesAreRecorded() throws Exception {
    ActorRef<Command> purged = kit.spawn(new Counter("purged"));
    tell(purged, "e");
    kit.stop(purged);

    ChannelPurge.purge(kit.system(), "purged", Duration.ofSeconds(10))
        .toCompletableFuture()
        .get(15, TimeUnit.SECONDS);

    // Pekko's own LevelDB journal (this test's) keeps the tag copies of purged events; the node's
    // GroupCommitJournal drops them (GroupCommitJournalTest), except those of channels purged
    // before it did or just before a crash, which PurgedChannels hides from /v1/events.
    assertThat(tagged()).extracting(EventEnvelope::persistenceId).containsExactly("purged");
  }

  @Test
  void purgedChannelsAreRememberedAcrossRestarts() {
    io.ferry.channels.ChannelId id =
        io.ferry.channels.ChannelId.parse(
            "12D3KooWA8EXV3KjBxEU5EnsPfneLx84vMWAtTBQBeyooN82KSuS-12D3KooWA8EXV3KjBxEU5EnsPfneLx84vMWAtTBQBeyooN82KSuS-7");
    PurgedChannels first = PurgedChannels.open(dir);
    first.add(id);
    first.add(id);

    PurgedChannels again = PurgedChannels.open(dir);

    assertThat(again.contains(id)).isTrue();
    assertThat(again.size()).isEqualTo(1);
  }
}
