package io.ferry.persistence.journal;

import com.typesafe.config.Config;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.ReadJournalProvider;
import org.apache.pekko.stream.scaladsl.Source;

/**
 * Plugs {@link LevelDbReadJournal} into Pekko Persistence Query ({@code class} of the read journal
 * plugin {@link LevelDbJournalSettings} configures). Pekko's own LevelDB read journal cannot be
 * used: it refuses any write journal whose class is not exactly Pekko's {@code LeveldbJournal}.
 */
public final class LevelDbReadJournalProvider implements ReadJournalProvider {
  private final LevelDbReadJournal journal;

  public LevelDbReadJournalProvider(ExtendedActorSystem system, Config config) {
    this.journal = new LevelDbReadJournal(system, config);
  }

  @Override
  public org.apache.pekko.persistence.query.javadsl.ReadJournal javadslReadJournal() {
    return journal;
  }

  @Override
  public org.apache.pekko.persistence.query.scaladsl.ReadJournal scaladslReadJournal() {
    return new Scaladsl(journal);
  }

  /** The same queries for Scala callers. */
  private record Scaladsl(LevelDbReadJournal journal)
      implements org.apache.pekko.persistence.query.scaladsl.EventsByTagQuery,
          org.apache.pekko.persistence.query.scaladsl.CurrentEventsByTagQuery {
    @Override
    public Source<EventEnvelope, NotUsed> eventsByTag(String tag, Offset offset) {
      return journal.eventsByTag(tag, offset).asScala();
    }

    @Override
    public Source<EventEnvelope, NotUsed> currentEventsByTag(String tag, Offset offset) {
      return journal.currentEventsByTag(tag, offset).asScala();
    }
  }
}
