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
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.Persistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link PurgedChannels} told of the tag copies the embedded journal ({@link
 * GroupCommitJournal}) drops, and at start asks it to drop those of every channel the set still
 * lists: channels purged just before a crash (the journal drops copies two seconds after a purge),
 * and every channel purged by versions whose journal never dropped them.
 */
public final class PurgedTagCopies {
  /** What versions that dropped the copies once, at their first start, left; no longer used. */
  static final String OLD_MARKER = "purged-channels.tag-copies-dropped";

  private static final Logger log = LoggerFactory.getLogger(PurgedTagCopies.class);

  private PurgedTagCopies() {}

  /**
   * Tells {@code purged} of every pass the journal makes from now on, then asks it to drop the
   * copies of the channels {@code purged} lists; completes when that pass is done (or failed, which
   * is logged: the next start asks again).
   */
  public static CompletionStage<Void> follow(
      ActorSystem<?> system, PurgedChannels purged, Path home) {
    org.apache.pekko.actor.ActorSystem classic = Adapter.toClassic(system);
    ActorRef listener =
        ((org.apache.pekko.actor.ExtendedActorSystem) classic)
            .systemActorOf(
                Props.create(Listener.class, () -> new Listener(purged)), "purged-tag-copies");
    // Subscribed before the pass below, synchronously: the classic event stream registers now.
    classic.eventStream().subscribe(listener, GroupCommitJournal.TagCopiesDropped.class);
    try {
      Files.deleteIfExists(home.resolve(OLD_MARKER));
    } catch (IOException e) {
      log.debug("cannot delete {}: {}", home.resolve(OLD_MARKER), e.toString());
    }
    Set<String> ids =
        purged.ids().stream()
            .map(id -> ChannelEntity.persistenceId(ChannelId.parse(id)).id())
            .collect(Collectors.toUnmodifiableSet());
    if (ids.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return Patterns.ask(
            Persistence.get(classic).journalFor("", com.typesafe.config.ConfigFactory.empty()),
            new GroupCommitJournal.DropTagCopiesOf(ids),
            Duration.ofMinutes(30))
        .<Void>thenApply(
            n -> {
              log.info("dropped {} tag copies of {} purged channels at start", n, ids.size());
              return null;
            })
        .exceptionally(
            e -> {
              log.warn("could not drop the tag copies of purged channels: {}", e.toString());
              return null;
            });
  }

  /** Hands each pass's channels to the set. */
  static final class Listener extends AbstractActor {
    private final PurgedChannels purged;

    Listener(PurgedChannels purged) {
      this.purged = purged;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(
              GroupCommitJournal.TagCopiesDropped.class,
              dropped -> purged.copiesDropped(dropped.persistenceIds()))
          .build();
    }
  }
}
