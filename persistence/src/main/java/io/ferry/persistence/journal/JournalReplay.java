package io.ferry.persistence.journal;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.leveldb.LeveldbJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;

/**
 * What a read of the LevelDB journal replays, in the journal actor's own protocol: one tag's events
 * (Pekko's LevelDB tag index, offsets are the tag's sequence numbers) or one persistence id's
 * events (offsets are its sequence numbers). Each asks for the events after an offset and turns the
 * journal's replies into envelopes.
 */
sealed interface JournalReplay {

  /** The request for at most {@code max} events after {@code after}, up to {@code upTo}. */
  Object request(long after, long upTo, long max, ActorRef replyTo);

  /** The subscription that makes the journal tell when new events arrive, or null for none. */
  Object subscription();

  /** The envelope a reply carries, or null when the reply is not an event. */
  EventEnvelope envelope(Object reply);

  /** A stream's name, for logs. */
  String describe();

  /** The events tagged {@code tag}. */
  record ByTag(String tag) implements JournalReplay {
    @Override
    public Object request(long after, long upTo, long max, ActorRef replyTo) {
      // Pekko's tagged replay starts after fromSequenceNr (exclusive).
      return new LeveldbJournal.ReplayTaggedMessages(after, upTo, max, tag, replyTo);
    }

    @Override
    public Object subscription() {
      return new LeveldbJournal.SubscribeTag(tag);
    }

    @Override
    public EventEnvelope envelope(Object reply) {
      if (reply instanceof LeveldbJournal.ReplayedTaggedMessage m) {
        return toEnvelope(m.persistent(), m.offset());
      }
      return null;
    }

    @Override
    public String describe() {
      return "eventsByTag-" + tag;
    }
  }

  /** The events of one persistent actor. */
  record ByPersistenceId(String persistenceId) implements JournalReplay {
    @Override
    public Object request(long after, long upTo, long max, ActorRef replyTo) {
      return new JournalProtocol.ReplayMessages(after + 1, upTo, max, persistenceId, replyTo);
    }

    @Override
    public Object subscription() {
      return null;
    }

    @Override
    public EventEnvelope envelope(Object reply) {
      if (reply instanceof JournalProtocol.ReplayedMessage m) {
        return toEnvelope(m.persistent(), m.persistent().sequenceNr());
      }
      return null;
    }

    @Override
    public String describe() {
      return "eventsByPersistenceId-" + persistenceId;
    }
  }

  private static EventEnvelope toEnvelope(PersistentRepr p, long offset) {
    return EventEnvelope.apply(
        Offset.sequence(offset), p.persistenceId(), p.sequenceNr(), p.payload(), p.timestamp());
  }
}
