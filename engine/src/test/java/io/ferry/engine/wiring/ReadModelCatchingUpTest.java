package io.ferry.engine.wiring;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.ReadJournal;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read model tells what it is doing until it caught up with the journal, so the node can serve
 * meanwhile and listings can say so (issue 17): how many events it replayed, or why it cannot read
 * the journal. Unit tests over a journal double whose replay waits on a gate.
 */
class ReadModelCatchingUpTest {
  private final ActorTestKit kit = ActorTestKit.create();

  @TempDir Path dir;

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private static EventEnvelope opened(ChannelId id) {
    return TaggedEvents.envelope(
        id, 1, TaggedEvents.opened(id, Instant.parse("2026-12-07T02:00:00Z")));
  }

  @Test
  void untilTheReplayEndsTheModelSaysHowFarItGotAndThenThatItCaughtUp() {
    ChannelId id = new ChannelId(ALICE, BOB, 1);
    CompletableFuture<EventEnvelope> gate = new CompletableFuture<>();
    GatedJournal journal =
        new GatedJournal(
            Source.from(List.of(opened(id)))
                .concat(Source.completionStage(gate).filter(e -> false)));

    ChannelReadModel model =
        ChannelReadModel.start(
            kit.system(),
            ReadModelCheckpoints.in(dir.resolve("checkpoint"), kit.system()),
            journal);
    try {
      Poll.until(
          Duration.ofSeconds(30),
          "the model to fold the first event",
          () -> model.catchingUp(),
          p -> p.isPresent() && p.get().contains("1 channel events replayed so far"));
      assertThat(model.ready().toCompletableFuture()).isNotDone();
      assertThat(model.failed()).isFalse();

      gate.complete(opened(id));

      model.ready().toCompletableFuture().join();
      assertThat(model.catchingUp()).isEmpty();
      assertThat(model.channel(id)).isPresent();
    } finally {
      model.close();
    }
  }

  @Test
  void aReplayThatFailsIsSaidWithItsCause() {
    GatedJournal journal =
        new GatedJournal(Source.failed(new IllegalStateException("table 000123.ldb is damaged")));

    ChannelReadModel model =
        ChannelReadModel.start(
            kit.system(),
            ReadModelCheckpoints.in(dir.resolve("checkpoint"), kit.system()),
            journal);
    try {
      Poll.until(Duration.ofSeconds(30), "the replay to fail", model::failed, f -> f);
      assertThat(model.catchingUp())
          .hasValueSatisfying(
              p ->
                  assertThat(p)
                      .contains("cannot read the channel journal")
                      .contains("table 000123.ldb is damaged"));
    } finally {
      model.close();
    }
  }

  /** A journal whose replay is {@code replay}; its live query has nothing more. */
  private static final class GatedJournal
      implements ReadJournal, CurrentEventsByTagQuery, EventsByTagQuery {
    private final Source<EventEnvelope, NotUsed> replay;

    GatedJournal(Source<EventEnvelope, NotUsed> replay) {
      this.replay = replay;
    }

    @Override
    public Source<EventEnvelope, NotUsed> currentEventsByTag(String tag, Offset offset) {
      return replay;
    }

    @Override
    public Source<EventEnvelope, NotUsed> eventsByTag(String tag, Offset offset) {
      return Source.never();
    }
  }
}
