package io.ferry.persistence.journal;

import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;

/**
 * What the embedded journal ({@link GroupCommitJournal}) tells its actor system's event stream each
 * time a group of writes is on disk: the tagged events it wrote, as the envelopes a tag query would
 * have read back, with their tag offsets. A projection of the node's own journal (the channel read
 * model) so follows the tag without reading every event back from LevelDB and deserializing it a
 * second time, which was the largest single item of a provider's CPU with 1,000 one-block channels
 * (docs/benchmarks.md, session 18's profile).
 *
 * <p>Events arrive in tag order, each tag's offsets one after the other. A group whose write failed
 * in part is not told: a reader that sees the next group start beyond the offset it reached reads
 * the missing ones with a tag query. Only the embedded journal publishes ({@link #published}); a
 * shared PostgreSQL journal, written by every member, is followed with the tag query itself.
 *
 * @param tag the tag
 * @param envelopes the events written with it, in offset order (offsets are the tag's sequence
 *     numbers, as {@link LevelDbReadJournal}'s queries give them)
 */
public record WrittenEvents(String tag, List<EventEnvelope> envelopes) {
  public WrittenEvents {
    envelopes = List.copyOf(envelopes);
  }

  /** Whether {@code system}'s journal tells its event stream of its writes. */
  public static boolean published(ActorSystem<?> system) {
    com.typesafe.config.Config config = system.settings().config();
    String plugin = config.getString("pekko.persistence.journal.plugin");
    String classPath = plugin + ".class";
    return !plugin.isEmpty()
        && config.hasPath(classPath)
        && config.getString(classPath).equals(GroupCommitJournal.class.getName());
  }

  /** The offset of the first envelope (the tag's sequence number it was written at). */
  public long firstOffset() {
    return offsetOf(envelopes.get(0));
  }

  /** The tag sequence number {@code envelope} was written at. */
  public static long offsetOf(EventEnvelope envelope) {
    return ((org.apache.pekko.persistence.query.Sequence) envelope.offset()).value();
  }
}
