package io.ferry.engine.wiring;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;

import io.ferry.channels.ChannelId;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.channels.entity.JournalEvent;
import io.ferry.channels.testing.Peers;
import io.ferry.channels.testing.StubValidation;
import io.ferry.ipld.selector.Selectors;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.stream.javadsl.Source;

/** Channel events as a journal's queries give them, for the read model's tests. */
final class TaggedEvents {
  private TaggedEvents() {}

  /** Alice's pull {@code id} from Bob, opened at {@code at}. */
  static JournalEvent.Opened opened(ChannelId id, Instant at) {
    return new JournalEvent.Opened(
        id, ALICE, BOB, ALICE, Peers.cid("root"), Selectors.all(), StubValidation.voucher("v"), at);
  }

  /** {@code event} as channel {@code id}'s event {@code n}, at tag offset {@code n}. */
  static EventEnvelope envelope(ChannelId id, long n, JournalEvent event) {
    return EventEnvelope.apply(
        Offset.sequence(n), ChannelEntity.TYPE_KEY.name() + "|" + id, n, event, 0L);
  }

  /** What {@code currentEventsByPersistenceId} gives of {@code events}. */
  static Source<EventEnvelope, NotUsed> ofChannel(
      List<EventEnvelope> events, String persistenceId, long fromSequenceNr, long toSequenceNr) {
    return Source.from(
        events.stream()
            .filter(
                e ->
                    e.persistenceId().equals(persistenceId)
                        && e.sequenceNr() >= fromSequenceNr
                        && e.sequenceNr() <= toSequenceNr)
            .toList());
  }
}
