package io.ferry.server.http;

import io.ferry.engine.wiring.ChannelReadModel;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.persistence.query.javadsl.ReadJournal;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Channel events read back from the journal with Pekko Persistence Query: every event the channel
 * entity tagged with the channel-event tag, in tag order, from a given offset on. With the LevelDB
 * journal the offset is the per-tag sequence number (1, 2, 3 ...); with the JDBC journal it is the
 * journal's ordering column. Both are stable across restarts and only grow, which is what makes SSE
 * resumption exact.
 */
public final class JournalEvents {

  /** Turns one journal envelope into a channel event; empty for events to leave out. */
  @FunctionalInterface
  public interface Decoder {
    Optional<NodeBackend.JournalEvent> decode(
        long offset, String persistenceId, long sequenceNr, long timestamp, Object event);
  }

  /** The read journal of Pekko's LevelDB journal. */
  public static final String LEVELDB = ChannelReadModel.LEVELDB;

  /** The read journal of pekko-persistence-jdbc (the PostgreSQL journal). */
  public static final String JDBC = ChannelReadModel.JDBC;

  private final ReadJournal journal;
  private final String tag;
  private final Decoder decoder;

  /**
   * Reads the journal of {@code system}.
   *
   * @param tag the tag the channel entity puts on its events
   * @param decoder turns the entity's events into channel events
   */
  public JournalEvents(ActorSystem<?> system, String tag, Decoder decoder) {
    this.journal = readJournal(system);
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
        live
            ? ((EventsByTagQuery) journal).eventsByTag(tag, from)
            : ((CurrentEventsByTagQuery) journal).currentEventsByTag(tag, from);
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

  /**
   * The read journal that goes with the write journal {@code system} uses: JDBC's when the journal
   * plugin is pekko-persistence-jdbc, LevelDB's otherwise.
   */
  public static ReadJournal readJournal(ActorSystem<?> system) {
    return ChannelReadModel.readJournal(system);
  }
}
