package io.ferry.server.retention;

import io.ferry.channels.ChannelId;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.persistence.journal.GroupCommitJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.Persistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops, once, the tag copies of the channels purged before the embedded journal dropped them
 * itself ({@link GroupCommitJournal}): Pekko's LevelDB journal left every purged event's copy under
 * the channel tag, and a node upgraded from such a version still holds them. The first start that
 * finds no marker ({@value #MARKER} under the home directory) asks the journal to drop the copies
 * of every channel in {@link PurgedChannels}, in one pass, and writes the marker once that is done;
 * a start interrupted before that asks again.
 */
public final class PurgedTagCopies {
  /** The marker's name under the home directory. */
  public static final String MARKER = "purged-channels.tag-copies-dropped";

  private static final Logger log = LoggerFactory.getLogger(PurgedTagCopies.class);

  private PurgedTagCopies() {}

  /** Drops the copies unless the marker says it was done; completes when it is. */
  public static CompletionStage<Void> dropOnce(
      ActorSystem<?> system, PurgedChannels purged, Path home) {
    Path marker = home.resolve(MARKER);
    if (Files.exists(marker)) {
      return CompletableFuture.completedFuture(null);
    }
    Set<String> ids =
        purged.ids().stream()
            .map(id -> ChannelEntity.persistenceId(ChannelId.parse(id)).id())
            .collect(Collectors.toUnmodifiableSet());
    CompletionStage<Object> dropped =
        ids.isEmpty()
            ? CompletableFuture.completedFuture(0L)
            : Patterns.ask(
                Persistence.get(Adapter.toClassic(system))
                    .journalFor("", com.typesafe.config.ConfigFactory.empty()),
                new GroupCommitJournal.DropTagCopiesOf(ids),
                Duration.ofMinutes(30));
    return dropped
        .thenAccept(
            n -> {
              try {
                Files.writeString(marker, n + " tag copies of " + ids.size() + " channels\n");
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              if (!ids.isEmpty()) {
                log.info(
                    "dropped {} tag copies of {} channels purged by earlier versions",
                    n,
                    ids.size());
              }
            })
        .exceptionally(
            e -> {
              log.warn("could not drop the tag copies of purged channels: {}", e.toString());
              return null;
            });
  }
}
