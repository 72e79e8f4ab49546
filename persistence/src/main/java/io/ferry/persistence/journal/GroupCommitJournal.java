package io.ferry.persistence.journal;

import com.typesafe.config.Config;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.japi.pf.ReceiveBuilder;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.journal.leveldb.LeveldbJournal;
import scala.PartialFunction;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;
import scala.runtime.BoxedUnit;
import scala.util.Try;

/**
 * Pekko's LevelDB journal with group commit: each batch of events is written to LevelDB without a
 * sync (so the journal actor goes on to the next batch at once), and acknowledged to its writer
 * only once a {@link LogSyncer} forced the log to disk, one force for every batch written while the
 * previous force ran. Pekko's journal synced every batch itself ({@code fsync = on}), one after the
 * other: about 1.7 ms each on this project's machines, so a node running many small channels (each
 * persists 5-9 events) spent most of its journal's time waiting on the disk, 430 syncs a second at
 * 47 one-block channels a second (issue 17). A writer still hears of its events only once they are
 * on disk; what changes is that a query (eventsByTag) may see an event a moment before it is.
 *
 * <p>Selected by {@link LevelDbJournalSettings}: {@code class} is this, {@code fsync} is off and
 * {@code group-commit} on (with {@code group-commit = off} it is Pekko's journal as configured).
 */
public final class GroupCommitJournal extends LeveldbJournal {
  /** Asks the journal how many batches it acknowledged and how many forces that took. */
  public enum GetSyncs {
    INSTANCE
  }

  /**
   * What {@link GetSyncs} answers.
   *
   * @param batches batches written and acknowledged after a force
   * @param forces forces of the log that covered them
   */
  public record Syncs(long batches, long forces) {}

  private final boolean groupCommit;
  private LogSyncer syncer;

  public GroupCommitJournal(Config config) {
    super(config);
    this.groupCommit = config.hasPath("group-commit") && config.getBoolean("group-commit");
  }

  @Override
  public void preStart() {
    super.preStart();
    if (groupCommit) {
      syncer = new LogSyncer(leveldbDir().toPath());
    }
  }

  @Override
  public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
    Future<Seq<Try<BoxedUnit>>> written = super.asyncWriteMessages(messages);
    if (syncer == null) {
      return written;
    }
    LogSyncer logs = syncer;
    CompletableFuture<Seq<Try<BoxedUnit>>> synced =
        FutureConverters.asJava(written)
            .toCompletableFuture()
            .thenCompose(results -> logs.sync().thenApply(ok -> results));
    return FutureConverters.asScala(synced);
  }

  @Override
  public PartialFunction<Object, BoxedUnit> receivePluginInternal() {
    return ReceiveBuilder.create()
        .match(
            GetSyncs.class,
            ask ->
                sender()
                    .tell(
                        syncer == null
                            ? new Syncs(0, 0)
                            : new Syncs(syncer.asks(), syncer.forces()),
                        self()))
        .build()
        .onMessage()
        .orElse(super.receivePluginInternal());
  }

  @Override
  public void postStop() {
    if (syncer != null) {
      syncer.close();
    }
    super.postStop();
  }
}
