package io.ferry.server.retention;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.engine.wiring.ChannelReadModel;
import io.ferry.persistence.journal.LevelDbJournalSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByTagQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node drops, at its start, the tag copies of the channels its purged-channels file still lists:
 * those an earlier version's journal left (issue 17) and those of channels purged just before a
 * crash. Over the node's own journal settings, with the copies made as that version made them (the
 * journal's own dropping turned off); the file learns which copies went.
 */
class PurgedTagCopiesTest {
  private static final String PEER = "12D3KooWA8EXV3KjBxEU5EnsPfneLx84vMWAtTBQBeyooN82KSuS";
  private static final ChannelId GONE = ChannelId.parse(PEER + "-" + PEER + "-1");
  private static final ChannelId KEPT = ChannelId.parse(PEER + "-" + PEER + "-2");

  /** The journal as versions before it dropped tag copies left them. */
  private static final Config EARLIER =
      ConfigFactory.parseString("pekko.persistence.journal.leveldb.drop-tag-copies-of = []");

  @TempDir Path dir;
  private ActorTestKit kit;

  @AfterEach
  void stop() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  private void start(Config extra) {
    if (kit != null) {
      kit.shutdownTestKit();
    }
    kit =
        ActorTestKit.create(
            "copies",
            extra
                .withFallback(LevelDbJournalSettings.under(dir).toConfig())
                .withFallback(ConfigFactory.load()));
  }

  private void persist(ChannelId id, int events) {
    ActorRef<ChannelPurgeTest.Command> counter =
        kit.spawn(new ChannelPurgeTest.Counter(ChannelEntity.persistenceId(id).id()));
    TestProbe<Integer> probe = kit.createTestProbe();
    for (int i = 0; i < events; i++) {
      counter.tell(new ChannelPurgeTest.Command("e" + i, probe.ref()));
      probe.receiveMessage(Duration.ofSeconds(10));
    }
    kit.stop(counter);
  }

  private List<String> tagged() throws Exception {
    return PersistenceQuery.get(kit.system())
        .getReadJournalFor(CurrentEventsByTagQuery.class, ChannelReadModel.LEVELDB)
        .currentEventsByTag(ChannelEntity.EVENT_TAG, Offset.noOffset())
        .runWith(Sink.seq(), kit.system())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS)
        .stream()
        .map(EventEnvelope::persistenceId)
        .toList();
  }

  /**
   * Purges {@code id} as the node does and records it, on a journal that leaves the copies as
   * earlier versions did ({@link #EARLIER}).
   */
  private PurgedChannels purgeAsBefore(ChannelId id) throws Exception {
    ChannelPurge.purge(kit.system(), ChannelEntity.persistenceId(id).id(), Duration.ofSeconds(10))
        .toCompletableFuture()
        .get(15, TimeUnit.SECONDS);
    PurgedChannels purged = PurgedChannels.open(dir);
    purged.add(id);
    return purged;
  }

  private void follow(PurgedChannels purged) throws Exception {
    PurgedTagCopies.follow(kit.system(), purged, dir)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  @Test
  void theCopiesOfChannelsStillListedGoAtTheStartAndTheFileLearnsIt() throws Exception {
    start(EARLIER);
    persist(GONE, 3);
    persist(KEPT, 2);
    purgeAsBefore(GONE);
    assertThat(tagged()).as("copies left as earlier versions left them").hasSize(5);
    Files.writeString(dir.resolve(PurgedTagCopies.OLD_MARKER), "3 tag copies of 1 channels\n");

    start(ConfigFactory.empty());
    PurgedChannels purged = PurgedChannels.open(dir);
    purged.forgotten(List.of(GONE)); // the read model's part, as a start does it
    follow(purged);

    String kept = ChannelEntity.persistenceId(KEPT).id();
    assertThat(tagged()).containsExactly(kept, kept);
    assertThat(dir.resolve(PurgedTagCopies.OLD_MARKER)).as("no longer used").doesNotExist();
    io.ferry.channels.testing.Poll.until(
        Duration.ofSeconds(10),
        "the journal to tell the file the copies went",
        () -> !purged.contains(GONE));
    assertThat(PurgedChannels.open(dir).ids()).isEmpty();
  }

  /** After the start, each pass the journal makes after purges reaches the file too. */
  @Test
  void copiesDroppedAfterAPurgeReachTheFile() throws Exception {
    start(ConfigFactory.empty());
    persist(GONE, 2);
    PurgedChannels purged = PurgedChannels.open(dir);
    follow(purged);
    purged.forgotten(List.of(GONE)); // not purged yet: not remembered
    ChannelPurge.purge(kit.system(), ChannelEntity.persistenceId(GONE).id(), Duration.ofSeconds(10))
        .toCompletableFuture()
        .get(15, TimeUnit.SECONDS);
    purged.add(GONE);
    purged.forgotten(List.of(GONE));

    io.ferry.channels.testing.Poll.until(
        Duration.ofSeconds(30),
        "the journal's pass two seconds after the purge to settle the channel",
        () -> !purged.contains(GONE));
    assertThat(tagged()).isEmpty();
    assertThat(PurgedChannels.open(dir).ids()).isEmpty();
  }

  /** A journal that keeps the copies never settles anything: the file keeps hiding them. */
  @Test
  void aJournalThatKeepsTheCopiesLeavesTheFileAsItIs() throws Exception {
    start(EARLIER);
    persist(GONE, 2);
    purgeAsBefore(GONE);
    PurgedChannels purged = PurgedChannels.open(dir);
    purged.forgotten(List.of(GONE));
    TestProbe<Object> told = kit.createTestProbe();
    org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(kit.system())
        .eventStream()
        .subscribe(
            org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(told.ref()),
            io.ferry.persistence.journal.GroupCommitJournal.TagCopiesDropped.class);

    follow(purged);

    // Had the journal said they went, it would have said so before answering the pass.
    told.expectNoMessage(Duration.ofMillis(200));
    assertThat(tagged()).hasSize(2);
    assertThat(purged.contains(GONE)).isTrue();
    assertThat(PurgedChannels.open(dir).ids()).containsExactly(GONE.toString());
  }
}
