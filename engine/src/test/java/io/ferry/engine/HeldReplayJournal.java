package io.ferry.engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ferry.persistence.journal.LevelDbReadJournalProvider;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.ReadJournalProvider;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.ReadJournal;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The node's LevelDB read journal ({@link LevelDbReadJournalProvider}) with its tag replay held: a
 * node configured with {@link #config} starts its channel read model's replay ({@code
 * currentEventsByTag}) only once the named hold is released, as a node whose journal holds a long
 * history after its checkpoint would. Everything else is the node's own read journal.
 */
public final class HeldReplayJournal implements ReadJournalProvider {
  private static final String HOLD = "ferry-test.held-replay";
  private static final Map<String, CompletableFuture<Void>> holds = new ConcurrentHashMap<>();

  private final LevelDbReadJournalProvider leveldb;
  private final CompletableFuture<Void> hold;

  public HeldReplayJournal(ExtendedActorSystem system, Config config) {
    this.leveldb = new LevelDbReadJournalProvider(system, config);
    this.hold = hold(system.settings().config().getString(HOLD));
  }

  /** The hold named {@code name}, created unreleased on first use. */
  public static CompletableFuture<Void> hold(String name) {
    return holds.computeIfAbsent(name, n -> new CompletableFuture<>());
  }

  /** What a node's extra configuration needs for its replay to wait for the hold {@code name}. */
  public static Config config(String name) {
    return ConfigFactory.parseMap(
        Map.of(
            "pekko.persistence.query.journal.leveldb.class",
            HeldReplayJournal.class.getName(),
            HOLD,
            name));
  }

  @Override
  public org.apache.pekko.persistence.query.scaladsl.ReadJournal scaladslReadJournal() {
    return leveldb.scaladslReadJournal();
  }

  @Override
  public ReadJournal javadslReadJournal() {
    return new Held(leveldb.javadslReadJournal(), hold);
  }

  private record Held(ReadJournal journal, CompletableFuture<Void> hold)
      implements ReadJournal,
          CurrentEventsByTagQuery,
          EventsByTagQuery,
          CurrentEventsByPersistenceIdQuery {
    @Override
    public Source<EventEnvelope, NotUsed> currentEventsByTag(String tag, Offset offset) {
      return Source.completionStage(hold.thenApply(released -> Boolean.TRUE))
          .flatMapConcat(
              released -> ((CurrentEventsByTagQuery) journal).currentEventsByTag(tag, offset));
    }

    @Override
    public Source<EventEnvelope, NotUsed> eventsByTag(String tag, Offset offset) {
      return ((EventsByTagQuery) journal).eventsByTag(tag, offset);
    }

    @Override
    public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(
        String persistenceId, long fromSequenceNr, long toSequenceNr) {
      return ((CurrentEventsByPersistenceIdQuery) journal)
          .currentEventsByPersistenceId(persistenceId, fromSequenceNr, toSequenceNr);
    }
  }
}
