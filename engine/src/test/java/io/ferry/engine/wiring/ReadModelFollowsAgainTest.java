package io.ferry.engine.wiring;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.channels.entity.JournalEvent;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.wire.DataProgress.Direction;
import java.nio.file.Path;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
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
 * The read model over a journal whose database goes away: a live query that fails (as
 * pekko-persistence-jdbc's does when PostgreSQL is unreachable) is started again from where the
 * model was, and an event the tag stream skipped (its transaction committed after later ones) is
 * read by channel before the events after it are folded, so the counters add up. Unit tests over a
 * journal double; JournalOutageTest (cli) stops a real PostgreSQL under a member.
 */
class ReadModelFollowsAgainTest {
  private final ActorTestKit kit = ActorTestKit.create();

  @TempDir Path dir;

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void aLiveQueryThatFailsInAnOutageIsStartedAgainAndTheModelSeesLaterEvents() {
    ChannelId id = new ChannelId(ALICE, BOB, 7);
    OutageJournal journal =
        new OutageJournal(
            List.of(
                TaggedEvents.envelope(
                    id, 1, TaggedEvents.opened(id, Instant.parse("2026-12-06T23:00:00Z")))),
            1);

    ChannelReadModel model =
        ChannelReadModel.start(
            kit.system(),
            ReadModelCheckpoints.in(dir.resolve("checkpoint"), kit.system()),
            journal);
    try {
      model.ready().toCompletableFuture().join();
      Poll.until(
          Duration.ofSeconds(30),
          "the model to show " + id + " written after the outage",
          () -> model.channel(id).isPresent());
      assertThat(journal.liveQueries.get()).as("live queries started").isGreaterThanOrEqualTo(2);
    } finally {
      model.close();
    }
  }

  @Test
  void aProgressEventTheTagStreamSkippedIsReadByChannelSoTheCountersAddUp() {
    ChannelId id = new ChannelId(ALICE, BOB, 8);
    String channel = ChannelEntity.TYPE_KEY.name() + "|" + id;
    Instant at = Instant.parse("2026-12-06T23:00:00Z");
    EventEnvelope opened = TaggedEvents.envelope(id, 1, TaggedEvents.opened(id, at));
    EventEnvelope started =
        EventEnvelope.apply(
            Offset.sequence(2), channel, 2, new JournalEvent.TransferStarted(at), 0L);
    EventEnvelope accepted =
        EventEnvelope.apply(Offset.sequence(3), channel, 3, new JournalEvent.Accepted(at), 0L);
    List<EventEnvelope> batches = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      batches.add(
          EventEnvelope.apply(
              Offset.sequence(4 + i),
              channel,
              4 + i,
              new JournalEvent.ProgressRecorded(
                  Direction.RECEIVED, 4, 4 << 20, at.plusSeconds(1 + i)),
              0L));
    }
    // The tag stream passes the second batch by (it committed after the third).
    OutageJournal journal =
        new OutageJournal(List.of(opened, started, accepted, batches.get(0), batches.get(2)), 0);
    journal.byChannel.addAll(List.of(opened, started, accepted));
    journal.byChannel.addAll(batches);

    ChannelReadModel model =
        ChannelReadModel.start(
            kit.system(),
            ReadModelCheckpoints.in(dir.resolve("checkpoint"), kit.system()),
            journal);
    try {
      model.ready().toCompletableFuture().join();
      var state =
          Poll.until(
              Duration.ofSeconds(30),
              "the model to fold the third batch of " + id,
              () -> model.channel(id),
              s -> s.isPresent() && s.get().updatedAt().equals(at.plusSeconds(3)));
      assertThat(state.get().receivedBlocks()).as("blocks counted").isEqualTo(12);
      assertThat(state.get().received()).as("bytes counted").isEqualTo(12 << 20);
    } finally {
      model.close();
    }
  }

  /**
   * A journal whose first live tag query fails with a lost connection; later ones return {@code
   * events} and stay open.
   */
  private static final class OutageJournal
      implements ReadJournal,
          CurrentEventsByTagQuery,
          EventsByTagQuery,
          CurrentEventsByPersistenceIdQuery {
    final AtomicInteger liveQueries = new AtomicInteger();
    final List<EventEnvelope> byChannel = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<EventEnvelope> events;
    private final int failures;

    OutageJournal(List<EventEnvelope> events, int failures) {
      this.events = events;
      this.failures = failures;
    }

    @Override
    public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(
        String persistenceId, long fromSequenceNr, long toSequenceNr) {
      return TaggedEvents.ofChannel(byChannel, persistenceId, fromSequenceNr, toSequenceNr);
    }

    @Override
    public Source<EventEnvelope, NotUsed> currentEventsByTag(String tag, Offset offset) {
      return Source.empty();
    }

    @Override
    public Source<EventEnvelope, NotUsed> eventsByTag(String tag, Offset offset) {
      if (liveQueries.incrementAndGet() <= failures) {
        return Source.failed(
            new SQLTransientConnectionException("Connection to 127.0.0.1:54329 refused"));
      }
      return Source.from(events).concat(Source.never());
    }
  }
}
