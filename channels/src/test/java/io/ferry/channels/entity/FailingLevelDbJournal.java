package io.ferry.channels.entity;

import com.typesafe.config.Config;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.journal.leveldb.LeveldbJournal;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;
import scala.concurrent.Future$;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * Pekko's LevelDB journal (leveldbjni, as a node has it), failing the next write of one channel
 * when a test asks ({@link #failNext}): before it writes, or after, as a circuit breaker that timed
 * a write out reports it failed while LevelDB still makes it.
 */
public final class FailingLevelDbJournal extends LeveldbJournal {
  /** The next write to fail: the channel's persistence id, and whether it is made first. */
  record Failure(String persistenceId, boolean made) {}

  private static final AtomicReference<Failure> next = new AtomicReference<>();

  /** Instantiated by Pekko for the plugin that names this class. */
  public FailingLevelDbJournal(Config config) {
    super(config);
  }

  /** Fails the next write of {@code persistenceId}, having made it if {@code made}. */
  static void failNext(String persistenceId, boolean made) {
    next.set(new Failure(persistenceId, made));
  }

  @Override
  public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
    Failure failure = next.get();
    if (failure != null
        && CollectionConverters.asJava(messages).stream()
            .anyMatch(w -> w.persistenceId().equals(failure.persistenceId()))
        && next.compareAndSet(failure, null)) {
      if (failure.made()) {
        // LevelDB writes synchronously: the events are in the journal when this returns.
        super.asyncWriteMessages(messages);
      }
      return Future$.MODULE$.failed(new IOException("the test journal failed this write"));
    }
    return super.asyncWriteMessages(messages);
  }
}
