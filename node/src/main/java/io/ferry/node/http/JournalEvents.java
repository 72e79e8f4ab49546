package io.ferry.node.http;

import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.persistence.query.journal.leveldb.javadsl.LeveldbReadJournal;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Channel events read back from the LevelDB journal with Pekko Persistence Query: every event the
 * channel entity tagged with the channel-event tag, in tag order, from a given offset on. The
 * offset is LevelDB's per-tag sequence number (1, 2, 3 ...), stable across restarts, which is what
 * makes SSE resumption exact.
 */
public final class JournalEvents {

  /** Turns one journal envelope into a channel event; empty for events to leave out. */
  @FunctionalInterface
  public interface Decoder {
    Optional<NodeBackend.JournalEvent> decode(
        long offset, String persistenceId, long sequenceNr, long timestamp, Object event);
  }

  private final LeveldbReadJournal journal;
  private final String tag;
  private final Decoder decoder;

  /**
   * Reads the journal of {@code system}, which must use Pekko's LevelDB journal.
   *
   * @param tag the tag the channel entity puts on its events ({@code ferry.events.tag})
   * @param decoder turns the entity's events into channel events
   */
  public JournalEvents(ActorSystem<?> system, String tag, Decoder decoder) {
    this.journal =
        PersistenceQuery.get(system)
            .getReadJournalFor(LeveldbReadJournal.class, LeveldbReadJournal.Identifier());
    this.tag = tag;
    this.decoder = decoder;
  }

  /**
   * Events after {@code afterOffset} (exclusive; 0 for all). Live: continues with new events;
   * otherwise completes at the journal's current end.
   */
  public Source<NodeBackend.JournalEvent, NotUsed> events(long afterOffset, boolean live) {
    Offset from = Offset.sequence(afterOffset);
    Source<EventEnvelope, NotUsed> envelopes =
        live ? journal.eventsByTag(tag, from) : journal.currentEventsByTag(tag, from);
    return envelopes
        .map(
            e ->
                decoder.decode(
                    ((Sequence) e.offset()).value(),
                    e.persistenceId(),
                    e.sequenceNr(),
                    e.timestamp(),
                    e.event()))
        .filter(Optional::isPresent)
        .map(Optional::get);
  }
}
