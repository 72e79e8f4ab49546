package io.ferry.persistence.journal;

import com.typesafe.config.Config;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ClassicActorSystemProvider;

/**
 * Where a node journals its channels: the embedded default {@link LevelDbJournalSettings} (one
 * node, files under its data directory) or {@link PostgresJournalSettings} (a journal that several
 * cluster members share). Either renders the Pekko settings that select it; the node layers them
 * under its own.
 */
public sealed interface JournalSettings permits LevelDbJournalSettings, PostgresJournalSettings {

  /** The Pekko settings that select and configure the journal and snapshot store. */
  Config toConfig();

  /** The plugin id to read this journal with ({@code PersistenceQuery.getReadJournalFor}). */
  String readJournalPluginId();

  /** Whether several actor systems (cluster members) may write to this journal at once. */
  boolean shared();

  /**
   * Makes the journal ready before any persistent actor starts on {@code system} (creates missing
   * tables, for instance). Completes at once when there is nothing to do.
   */
  default CompletionStage<Void> prepare(ClassicActorSystemProvider system) {
    return CompletableFuture.completedFuture(null);
  }

  /** A short description for logs and errors, without secrets. */
  String describe();
}
