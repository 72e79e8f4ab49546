package io.ferry.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.WriteEventAdapter;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.ReadJournal;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The embedded journal commits in groups (issue 17): writes from many channels that reach it while
 * it is busy share one synced LevelDB write, each is acknowledged only after that write, and the
 * node's queries (eventsByTag, by persistence id) read it, including a home Pekko's own LevelDB
 * journal wrote.
 */
class GroupCommitJournalTest {
  private static final String PLUGIN = "pekko.persistence.journal.leveldb";
  private static final String QUERY = "pekko.persistence.query.journal.leveldb";

  @TempDir Path dir;
  private final List<ActorTestKit> kits = new ArrayList<>();

  /** Holds the journal's thread on the event "hold" until the test lets it go. */
  public static final class Gate implements WriteEventAdapter {
    static volatile CountDownLatch entered = new CountDownLatch(1);
    static volatile CountDownLatch release = new CountDownLatch(1);

    @Override
    public String manifest(Object event) {
      return "";
    }

    @Override
    public Object toJournal(Object event) {
      if ("hold".equals(event)) {
        entered.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return event;
    }
  }

  @AfterEach
  void stop() {
    kits.forEach(ActorTestKit::shutdownTestKit);
  }

  private ActorTestKit start(Config extra) {
    Config config =
        extra
            .withFallback(
                ConfigFactory.parseMap(
                    Map.of(
                        PLUGIN + ".event-adapters.gate",
                        Gate.class.getName(),
                        PLUGIN + ".event-adapter-bindings.\"java.lang.String\"",
                        "gate")))
            .withFallback(LevelDbJournalSettings.under(dir).toConfig(true))
            .withFallback(ConfigFactory.load());
    ActorTestKit kit = ActorTestKit.create(config);
    kits.add(kit);
    return kit;
  }

  private static ActorRef journal(ActorTestKit kit) {
    return Persistence.get(Adapter.toClassic(kit.system()))
        .journalFor(PLUGIN, ConfigFactory.empty());
  }

  private static void write(
      ActorRef journal, String persistenceId, String event, TestProbe<Object> to) {
    PersistentRepr repr =
        PersistentRepr.apply(event, 1, persistenceId, "", false, ActorRef.noSender(), "");
    List<PersistentEnvelope> writes = List.of(AtomicWrite.apply(repr));
    journal.tell(
        new JournalProtocol.WriteMessages(
            CollectionConverters.asScala(writes).toList(), Adapter.toClassic(to.ref()), 1),
        ActorRef.noSender());
  }

  private static GroupCommitJournal.Syncs syncs(ActorTestKit kit) {
    TestProbe<Object> probe = kit.createTestProbe();
    journal(kit).tell(GroupCommitJournal.GetSyncs.INSTANCE, Adapter.toClassic(probe.ref()));
    return probe.expectMessageClass(GroupCommitJournal.Syncs.class);
  }

  @Test
  void writesThatArriveWhileTheJournalIsBusyShareOneSyncedWrite() throws Exception {
    Gate.entered = new CountDownLatch(1);
    Gate.release = new CountDownLatch(1);
    ActorTestKit kit = start(ConfigFactory.empty());
    ActorRef journal = journal(kit);
    TestProbe<Object> probe = kit.createTestProbe();
    write(journal, "channel-0", "hold", probe);
    assertThat(Gate.entered.await(30, TimeUnit.SECONDS)).isTrue();
    int others = 30;
    for (int i = 1; i <= others; i++) {
      write(journal, "channel-" + i, "event " + i, probe);
      if (i == others / 2) {
        // A channel starting meanwhile (its recovery) does not break the group.
        journal.tell(
            new JournalProtocol.ReplayMessages(
                1, Long.MAX_VALUE, Long.MAX_VALUE, "channel-new", Adapter.toClassic(probe.ref())),
            ActorRef.noSender());
      }
    }
    Gate.release.countDown();

    int acknowledged = 0;
    int recovered = 0;
    for (int i = 0; i < 2 * (others + 1) + 1; i++) {
      Object answer = probe.receiveMessage(Duration.ofSeconds(30));
      if (answer instanceof JournalProtocol.WriteMessageSuccess) {
        acknowledged++;
      } else if (answer instanceof JournalProtocol.RecoverySuccess) {
        recovered++;
      }
    }

    assertThat(acknowledged).isEqualTo(others + 1);
    assertThat(recovered).isEqualTo(1);
    assertThat(syncs(kit)).isEqualTo(new GroupCommitJournal.Syncs(others + 1, 1));
    ReadJournal query =
        PersistenceQuery.get(kit.system()).getReadJournalFor(ReadJournal.class, QUERY);
    List<EventEnvelope> read =
        ((CurrentEventsByPersistenceIdQuery) query)
            .currentEventsByPersistenceId("channel-7", 0, Long.MAX_VALUE)
            .runWith(Sink.seq(), kit.system())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertThat(read).extracting(EventEnvelope::event).containsExactly("event 7");
  }

  @Test
  void aRecoveryOfAChannelWithHeldWritesReadsThem() throws Exception {
    Gate.entered = new CountDownLatch(1);
    Gate.release = new CountDownLatch(1);
    ActorTestKit kit = start(ConfigFactory.empty());
    ActorRef journal = journal(kit);
    TestProbe<Object> writer = kit.createTestProbe();
    TestProbe<Object> reader = kit.createTestProbe();
    write(journal, "channel-0", "hold", writer);
    assertThat(Gate.entered.await(30, TimeUnit.SECONDS)).isTrue();
    write(journal, "channel-1", "first", writer);
    journal.tell(
        new JournalProtocol.ReplayMessages(
            1, Long.MAX_VALUE, Long.MAX_VALUE, "channel-1", Adapter.toClassic(reader.ref())),
        ActorRef.noSender());
    Gate.release.countDown();

    Object replayed = reader.receiveMessage(Duration.ofSeconds(30));

    assertThat(replayed).isInstanceOf(JournalProtocol.ReplayedMessage.class);
    assertThat(((JournalProtocol.ReplayedMessage) replayed).persistent().payload())
        .isEqualTo("first");
    assertThat(reader.receiveMessage(Duration.ofSeconds(30)))
        .isEqualTo(new JournalProtocol.RecoverySuccess(1));
  }

  /**
   * A held write is answered when its group is written, however long the journal was busy before.
   * Pekko's journal bounds every write with its circuit breaker's call timeout (Ferry's fallback:
   * 15 s); its own LevelDB writes were synchronous and could not run over it, but a held one could:
   * the breaker told the writer its event failed (a channel then stops) while the group still wrote
   * the event a moment later.
   */
  @Test
  void aWriteHeldWhileTheJournalIsBusyPastTheBreakersTimeoutIsNotFailed() throws Exception {
    Gate.entered = new CountDownLatch(1);
    Gate.release = new CountDownLatch(1);
    ActorTestKit kit = start(ConfigFactory.empty());
    Duration fallback =
        kit.system()
            .settings()
            .config()
            .getDuration("pekko.persistence.journal-plugin-fallback.circuit-breaker.call-timeout");
    ActorRef journal = journal(kit);
    TestProbe<Object> held = kit.createTestProbe();
    TestProbe<Object> holding = kit.createTestProbe();
    write(journal, "channel-1", "first", held);
    write(journal, "channel-0", "hold", holding);
    assertThat(Gate.entered.await(30, TimeUnit.SECONDS)).isTrue();

    held.expectNoMessage(fallback.plusSeconds(1));
    Gate.release.countDown();

    List<Object> answers = held.receiveSeveralMessages(2, Duration.ofSeconds(30));
    assertThat(answers)
        .hasAtLeastOneElementOfType(JournalProtocol.WriteMessageSuccess.class)
        .doesNotHaveAnyElementsOfTypes(
            JournalProtocol.WriteMessageFailure.class, JournalProtocol.WriteMessagesFailed.class);
  }

  @Test
  void manyChannelsPersistingAtOnceAreAcknowledgedAndReadBackByTag() throws Exception {
    ActorTestKit kit = start(ConfigFactory.parseMap(Map.of(QUERY + ".refresh-interval", "1h")));
    ReadJournal query =
        PersistenceQuery.get(kit.system()).getReadJournalFor(ReadJournal.class, QUERY);
    TestProbe<EventEnvelope> live = kit.createTestProbe();
    ((EventsByTagQuery) query)
        .eventsByTag(Tally.TAG, Offset.noOffset())
        .runWith(Sink.foreach(live.ref()::tell), kit.system());
    int channels = 40;
    TestProbe<Tally.State> replies = kit.createTestProbe();
    for (int i = 0; i < channels; i++) {
      kit.spawn(Tally.create("t" + i)).tell(new Tally.Add(i, replies.ref()));
    }

    List<Tally.State> states = replies.receiveSeveralMessages(channels, Duration.ofSeconds(60));

    assertThat(states).allSatisfy(s -> assertThat(s.events()).isEqualTo(1));
    List<EventEnvelope> tagged =
        ((CurrentEventsByTagQuery) query)
            .currentEventsByTag(Tally.TAG, Offset.noOffset())
            .runWith(Sink.seq(), kit.system())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertThat(tagged).hasSize(channels);
    assertThat(tagged)
        .extracting(e -> e.offset())
        .containsExactlyElementsOf(
            java.util.stream.LongStream.rangeClosed(1, channels)
                .mapToObj(Offset::sequence)
                .toList());
    // The refresh is an hour away: only the journal's notices can bring these in.
    List<EventEnvelope> followed = live.receiveSeveralMessages(channels, Duration.ofSeconds(60));
    assertThat(followed).extracting(EventEnvelope::persistenceId).doesNotHaveDuplicates();
    GroupCommitJournal.Syncs syncs = syncs(kit);
    assertThat(syncs.batches()).isGreaterThanOrEqualTo(channels);
  }

  @Test
  void aHomeWrittenByPekkosOwnJournalIsReadAndContinued() throws Exception {
    Config pekkos =
        ConfigFactory.parseMap(
            Map.of(
                PLUGIN + ".class", "org.apache.pekko.persistence.journal.leveldb.LeveldbJournal",
                QUERY + ".class",
                    "org.apache.pekko.persistence.query.journal.leveldb.LeveldbReadJournalProvider"));
    ActorTestKit before = start(pekkos);
    TestProbe<Tally.State> replies = before.createTestProbe();
    for (int i = 0; i < 3; i++) {
      before.spawn(Tally.create("old" + i)).tell(new Tally.Add(10 + i, replies.ref()));
    }
    replies.receiveSeveralMessages(3, Duration.ofSeconds(30));
    before.shutdownTestKit();
    kits.remove(before);

    ActorTestKit after = start(ConfigFactory.empty());
    TestProbe<Tally.State> now = after.createTestProbe();
    org.apache.pekko.actor.typed.ActorRef<Tally.Command> old1 = after.spawn(Tally.create("old1"));
    old1.tell(new Tally.Add(100, now.ref()));

    assertThat(now.receiveMessage(Duration.ofSeconds(30))).isEqualTo(new Tally.State(111, 2));
    List<EventEnvelope> tagged =
        PersistenceQuery.get(after.system())
            .getReadJournalFor(CurrentEventsByTagQuery.class, QUERY)
            .currentEventsByTag(Tally.TAG, Offset.noOffset())
            .runWith(Sink.seq(), after.system())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertThat(tagged)
        .extracting(EventEnvelope::offset)
        .containsExactly(
            Offset.sequence(1), Offset.sequence(2), Offset.sequence(3), Offset.sequence(4));
    assertThat(tagged.get(3).persistenceId()).isEqualTo("Tally|old1");
    assertThat(syncs(after).syncs()).isPositive();
  }

  /**
   * What the journal tells its event stream of each group on disk is what a tag query reads back:
   * the same events at the same offsets, also after a restart on the same home.
   */
  @Test
  void eachWrittenGroupIsToldWithTheOffsetsATagQueryReads() throws Exception {
    for (int round = 0; round < 2; round++) {
      ActorTestKit kit = start(ConfigFactory.empty());
      TestProbe<Object> told = kit.createTestProbe();
      // The classic event stream subscribes at once: nothing written after this is missed.
      Adapter.toClassic(kit.system())
          .eventStream()
          .subscribe(Adapter.toClassic(told.ref()), WrittenEvents.class);
      int channels = 30;
      TestProbe<Tally.State> replies = kit.createTestProbe();
      for (int i = 0; i < channels; i++) {
        kit.spawn(Tally.create("r" + round + "-" + i)).tell(new Tally.Add(i, replies.ref()));
      }
      replies.receiveSeveralMessages(channels, Duration.ofSeconds(60));

      List<EventEnvelope> heard = new ArrayList<>();
      while (heard.size() < channels) {
        WrittenEvents writes = (WrittenEvents) told.receiveMessage(Duration.ofSeconds(30));
        assertThat(writes.tag()).isEqualTo(Tally.TAG);
        heard.addAll(writes.envelopes());
      }
      List<EventEnvelope> read =
          PersistenceQuery.get(kit.system())
              .getReadJournalFor(CurrentEventsByTagQuery.class, QUERY)
              .currentEventsByTag(Tally.TAG, Offset.sequence(round * channels))
              .runWith(Sink.seq(), kit.system())
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);

      assertThat(heard)
          .extracting(
              EventEnvelope::offset,
              EventEnvelope::persistenceId,
              EventEnvelope::sequenceNr,
              EventEnvelope::event)
          .containsExactlyElementsOf(
              read.stream()
                  .map(
                      e ->
                          org.assertj.core.groups.Tuple.tuple(
                              e.offset(), e.persistenceId(), e.sequenceNr(), e.event()))
                  .toList());
      assertThat(heard.get(0).offset()).isEqualTo(Offset.sequence(round * channels + 1L));
      kit.shutdownTestKit();
      kits.remove(kit);
    }
  }

  private static List<EventEnvelope> tagged(ActorTestKit kit) throws Exception {
    ReadJournal query =
        PersistenceQuery.get(kit.system()).getReadJournalFor(ReadJournal.class, QUERY);
    return ((CurrentEventsByTagQuery) query)
        .currentEventsByTag(Tally.TAG, Offset.noOffset())
        .runWith(Sink.seq(), kit.system())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private static Object delete(ActorTestKit kit, String persistenceId, long to) {
    TestProbe<Object> probe = kit.createTestProbe();
    journal(kit)
        .tell(
            new JournalProtocol.DeleteMessagesTo(persistenceId, to, Adapter.toClassic(probe.ref())),
            ActorRef.noSender());
    return probe.receiveMessage(Duration.ofSeconds(30));
  }

  /**
   * Pekko's LevelDB journal keeps a copy of every tagged event under its tag and never deletes it,
   * so purged channels kept their disk space. Here a purge (a deletion up to {@code
   * Long.MAX_VALUE}) drops the id's copies too, a moment later; a partial deletion does not, the
   * other ids' copies keep their offsets, and the tag goes on numbering after its highest.
   */
  @Test
  void aPurgedIdsCopiesUnderTheTagAreDroppedAndNothingElse() throws Exception {
    Config drop = ConfigFactory.parseString(PLUGIN + ".drop-tag-copies-of = [" + Tally.TAG + "]");
    ActorTestKit kit = start(drop);
    TestProbe<Tally.State> replies = kit.createTestProbe();
    Map<String, Integer> events = new java.util.LinkedHashMap<>();
    events.put("a", 3);
    events.put("b", 2);
    events.put("c", 2);
    for (Map.Entry<String, Integer> e : events.entrySet()) {
      org.apache.pekko.actor.typed.ActorRef<Tally.Command> tally =
          kit.spawn(Tally.create(e.getKey()));
      for (int i = 0; i < e.getValue(); i++) {
        tally.tell(new Tally.Add(1, replies.ref()));
        replies.receiveMessage(Duration.ofSeconds(30));
      }
    }
    List<EventEnvelope> before = tagged(kit);
    assertThat(before).hasSize(7);
    TestProbe<GroupCommitJournal.TagCopiesDropped> told = kit.createTestProbe();
    // The classic event stream registers a subscriber at once: nothing published after is missed.
    Adapter.toClassic(kit.system())
        .eventStream()
        .subscribe(Adapter.toClassic(told.ref()), GroupCommitJournal.TagCopiesDropped.class);

    assertThat(delete(kit, "Tally|c", 1))
        .isInstanceOf(org.apache.pekko.persistence.DeleteMessagesSuccess.class);
    assertThat(delete(kit, "Tally|b", Long.MAX_VALUE))
        .isInstanceOf(org.apache.pekko.persistence.DeleteMessagesSuccess.class);
    List<EventEnvelope> after =
        io.ferry.channels.testing.Poll.until(
            Duration.ofSeconds(30),
            "the purged id's copies to go",
            () -> {
              try {
                return tagged(kit);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            tagged -> tagged.size() <= 5);

    List<EventEnvelope> expected =
        before.stream().filter(e -> !e.persistenceId().equals("Tally|b")).toList();
    assertThat(after)
        .extracting(e -> e.persistenceId() + " " + e.sequenceNr() + " at " + e.offset())
        .containsExactlyElementsOf(
            expected.stream()
                .map(e -> e.persistenceId() + " " + e.sequenceNr() + " at " + e.offset())
                .toList());
    assertThat(told.receiveMessage(Duration.ofSeconds(30)).persistenceIds())
        .as("the event stream is told whose copies went")
        .containsExactly("Tally|b");
    // A partial deletion (c up to 1) drops no copy: only a purge does.
    assertThat(after)
        .filteredOn(e -> e.persistenceId().equals("Tally|c"))
        .extracting(EventEnvelope::sequenceNr)
        .containsExactly(1L, 2L);

    kit.spawn(Tally.create("a")).tell(new Tally.Add(1, replies.ref()));
    replies.receiveMessage(Duration.ofSeconds(30));
    List<EventEnvelope> more = tagged(kit);
    assertThat(more.get(more.size() - 1).offset()).isEqualTo(Offset.sequence(8));

    kit.shutdownTestKit();
    kits.remove(kit);
    ActorTestKit again = start(drop);
    assertThat(tagged(again))
        .extracting(EventEnvelope::persistenceId)
        .doesNotContain("Tally|b")
        .hasSize(6);
  }

  /** Copies of ids deleted before the journal dropped them itself go when asked, in one pass. */
  @Test
  void theCopiesOfIdsAskedForAreDroppedAtOnce() throws Exception {
    ActorTestKit kit =
        start(ConfigFactory.parseString(PLUGIN + ".drop-tag-copies-of = [" + Tally.TAG + "]"));
    TestProbe<Tally.State> replies = kit.createTestProbe();
    for (String id : List.of("a", "b", "b")) {
      kit.spawn(Tally.create(id), id + "-" + System.nanoTime())
          .tell(new Tally.Add(1, replies.ref()));
      replies.receiveMessage(Duration.ofSeconds(30));
    }
    assertThat(tagged(kit)).hasSize(3);
    TestProbe<Object> probe = kit.createTestProbe();

    journal(kit)
        .tell(
            new GroupCommitJournal.DropTagCopiesOf(java.util.Set.of("Tally|b", "Tally|none")),
            Adapter.toClassic(probe.ref()));

    assertThat(probe.receiveMessage(Duration.ofSeconds(30))).isEqualTo(2L);
    assertThat(tagged(kit)).extracting(EventEnvelope::persistenceId).containsExactly("Tally|a");
  }

  /**
   * A journal that keeps the copies (no tag to drop them from) tells no one they went: the node
   * would otherwise stop hiding purged channels whose events are still under the tag.
   */
  @Test
  void aJournalThatKeepsTheCopiesNeverSaysTheyWent() throws Exception {
    ActorTestKit kit = start(ConfigFactory.parseString(PLUGIN + ".drop-tag-copies-of = []"));
    TestProbe<Tally.State> replies = kit.createTestProbe();
    kit.spawn(Tally.create("b")).tell(new Tally.Add(1, replies.ref()));
    replies.receiveMessage(Duration.ofSeconds(30));
    TestProbe<GroupCommitJournal.TagCopiesDropped> told = kit.createTestProbe();
    // The classic event stream registers a subscriber at once: nothing published after is missed.
    Adapter.toClassic(kit.system())
        .eventStream()
        .subscribe(Adapter.toClassic(told.ref()), GroupCommitJournal.TagCopiesDropped.class);
    TestProbe<Object> probe = kit.createTestProbe();

    journal(kit)
        .tell(
            new GroupCommitJournal.DropTagCopiesOf(java.util.Set.of("Tally|b")),
            Adapter.toClassic(probe.ref()));

    assertThat(probe.receiveMessage(Duration.ofSeconds(30))).isEqualTo(0L);
    assertThat(tagged(kit)).extracting(EventEnvelope::persistenceId).containsExactly("Tally|b");
    told.expectNoMessage(Duration.ofMillis(300));
  }
}
