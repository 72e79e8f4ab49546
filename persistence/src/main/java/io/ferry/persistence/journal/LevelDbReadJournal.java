package io.ferry.persistence.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.journal.leveldb.LeveldbJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentPersistenceIdsQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.stream.javadsl.Source;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The node's queries of its LevelDB journal ({@link GroupCommitJournal}): {@code eventsByTag} and
 * {@code currentEventsByTag} with {@link Offset#sequence} offsets (the tag's own sequence numbers,
 * as in Pekko's LevelDB read journal, so a saved offset stays valid across the change), and {@code
 * currentEventsByPersistenceId} and {@code currentPersistenceIds}. It asks the journal actor, in
 * Pekko's LevelDB query protocol, rather than opening the store itself: LevelDB allows one process
 * one handle, and the actor already knows the numeric ids and serializer.
 *
 * <p>Settings under its plugin path: {@code write-plugin} (empty: the default journal), {@code
 * refresh-interval} (how often a live query reads again when no notice came) and {@code
 * max-buffer-size} (events asked for at once).
 */
public final class LevelDbReadJournal
    implements CurrentEventsByTagQuery,
        EventsByTagQuery,
        CurrentEventsByPersistenceIdQuery,
        CurrentPersistenceIdsQuery {
  private static final Duration ASK = Duration.ofSeconds(30);

  private final ExtendedActorSystem system;
  private final String writePlugin;
  private final Duration refresh;
  private final int pageSize;

  public LevelDbReadJournal(ExtendedActorSystem system, Config config) {
    this.system = system;
    this.writePlugin = config.hasPath("write-plugin") ? config.getString("write-plugin") : "";
    this.refresh =
        config.hasPath("refresh-interval")
            ? config.getDuration("refresh-interval")
            : Duration.ofSeconds(3);
    this.pageSize = config.hasPath("max-buffer-size") ? config.getInt("max-buffer-size") : 100;
  }

  @Override
  public Source<EventEnvelope, NotUsed> eventsByTag(String tag, Offset offset) {
    return source(new JournalReplay.ByTag(tag), after(offset), refresh);
  }

  @Override
  public Source<EventEnvelope, NotUsed> currentEventsByTag(String tag, Offset offset) {
    return source(new JournalReplay.ByTag(tag), after(offset), null);
  }

  @Override
  public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(
      String persistenceId, long fromSequenceNr, long toSequenceNr) {
    JournalReplay replay = new JournalReplay.ByPersistenceId(persistenceId);
    long after = Math.max(0, fromSequenceNr - 1);
    return source(replay, after, null).takeWhile(envelope -> envelope.sequenceNr() <= toSequenceNr);
  }

  /**
   * Every persistence id the journal holds, including LevelDB's own tag ids ({@code $$$<tag>}): the
   * journal answers a subscription with the ids it knows, and forgets the subscriber when the ask's
   * temporary actor stops.
   */
  @Override
  public Source<String, NotUsed> currentPersistenceIds() {
    return Source.completionStage(
            Patterns.ask(journal(), LeveldbJournal.SubscribeAllPersistenceIds$.MODULE$, ASK))
        .mapConcat(
            answer ->
                answer instanceof LeveldbJournal.CurrentPersistenceIds ids
                    ? CollectionConverters.asJava(ids.allPersistenceIds())
                    : java.util.Set.<String>of());
  }

  private Source<EventEnvelope, NotUsed> source(JournalReplay replay, long after, Duration every) {
    return Source.fromGraph(new JournalReplayStage(replay, after, pageSize, journal(), every))
        .named(replay.describe());
  }

  private ActorRef journal() {
    return Persistence.get(system).journalFor(writePlugin, ConfigFactory.empty());
  }

  private static long after(Offset offset) {
    if (offset instanceof Sequence sequence) {
      return sequence.value();
    }
    if (offset.equals(Offset.noOffset())) {
      return 0;
    }
    throw new IllegalArgumentException(
        "the LevelDB journal is read from a sequence offset, not " + offset);
  }
}
