package io.ferry.engine.wiring;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.channels.entity.JournalEvent;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.wire.DataProgress.Direction;
import io.ferry.persistence.journal.LevelDbJournalSettings;
import io.ferry.persistence.journal.WrittenEvents;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.ReadJournal;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read model on the embedded journal follows the journal's writes ({@link WrittenEvents}): the
 * events written between the end of its replay and its first told write (or any others the writes
 * skip) are read by tag, each event is folded once, and no live tag query runs. A unit test over a
 * journal double; ChannelReadModelTest runs it on a node's real journal.
 */
class ReadModelFedTest {
  @TempDir Path dir;

  private ActorTestKit kit;

  @AfterEach
  void stop() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  @Test
  void writesBeyondTheModelsOffsetHaveTheSkippedEventsReadByTagAndEachFoldedOnce() {
    // The node's embedded journal settings: its journal tells the event stream of its writes.
    kit =
        ActorTestKit.create(
            LevelDbJournalSettings.under(dir).toConfig().withFallback(ConfigFactory.load()));
    ChannelId id = new ChannelId(ALICE, BOB, 9);
    Instant at = Instant.parse("2026-12-07T15:00:00Z");
    List<EventEnvelope> events = new ArrayList<>();
    events.add(TaggedEvents.envelope(id, 1, TaggedEvents.opened(id, at)));
    events.add(TaggedEvents.envelope(id, 2, new JournalEvent.TransferStarted(at)));
    events.add(TaggedEvents.envelope(id, 3, new JournalEvent.Accepted(at)));
    for (int i = 0; i < 3; i++) {
      events.add(
          TaggedEvents.envelope(
              id,
              4 + i,
              new JournalEvent.ProgressRecorded(
                  Direction.RECEIVED, 4, 4 << 20, at.plusSeconds(1 + i))));
    }
    TagJournal journal = new TagJournal();
    journal.tag.addAll(events.subList(0, 2));

    ChannelReadModel model =
        ChannelReadModel.start(
            kit.system(),
            ReadModelCheckpoints.in(dir.resolve("checkpoint"), kit.system()),
            journal);
    try {
      model.ready().toCompletableFuture().join();
      // Offsets 3 to 5 were written before the model heard of any write; 6 is the first it hears.
      journal.tag.addAll(events.subList(2, 6));
      WrittenEvents last = new WrittenEvents(ChannelEntity.EVENT_TAG, events.subList(5, 6));
      var state =
          Poll.until(
              Duration.ofSeconds(30),
              "the model to fold the last batch of " + id,
              () -> {
                // Told again until the model's subscription is in place: a repeat is not folded.
                kit.system().eventStream().tell(new EventStream.Publish<>(last));
                return model.channel(id);
              },
              s -> s.isPresent() && s.get().updatedAt().equals(at.plusSeconds(3)));

      assertThat(state.get().receivedBlocks()).as("blocks counted").isEqualTo(12);
      assertThat(state.get().received()).as("bytes counted").isEqualTo(12 << 20);
      assertThat(journal.liveQueries).as("live tag queries").hasValue(0);
      assertThat(journal.tagReads.get()).as("tag reads: the replay and one fill").isEqualTo(2);
    } finally {
      model.close();
    }
  }

  /** A tag's events, read after an offset; no live query expected. */
  private static final class TagJournal
      implements ReadJournal,
          CurrentEventsByTagQuery,
          EventsByTagQuery,
          CurrentEventsByPersistenceIdQuery {
    final List<EventEnvelope> tag = new CopyOnWriteArrayList<>();
    final AtomicInteger liveQueries = new AtomicInteger();
    final AtomicInteger tagReads = new AtomicInteger();

    @Override
    public Source<EventEnvelope, NotUsed> currentEventsByTag(String name, Offset offset) {
      tagReads.incrementAndGet();
      long after = ((org.apache.pekko.persistence.query.Sequence) offset).value();
      return Source.from(tag.stream().filter(e -> WrittenEvents.offsetOf(e) > after).toList());
    }

    @Override
    public Source<EventEnvelope, NotUsed> eventsByTag(String name, Offset offset) {
      liveQueries.incrementAndGet();
      return Source.never();
    }

    @Override
    public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(
        String persistenceId, long fromSequenceNr, long toSequenceNr) {
      return TaggedEvents.ofChannel(tag, persistenceId, fromSequenceNr, toSequenceNr);
    }
  }
}
