package io.ferry.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.channels.testing.TestDags;
import io.ferry.engine.wiring.ChannelReadModel;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The channel read model, projected from the journal's tagged events: after a restart it lists
 * every channel as its actor last knew it, without waking that actor.
 */
class ChannelReadModelTest {
  @TempDir Path dir;

  @Test
  void afterARestartTheListingShowsEveryChannelWithoutWakingItsActorAndLeavesPurgedOnesOut()
      throws Exception {
    Path clientHome = dir.resolve("client");
    Map<ChannelId, ChannelState> before = new ConcurrentHashMap<>();
    try (EmbeddedNode provider = EmbeddedNode.start(dir.resolve("provider"), 1)) {
      try (EmbeddedNode client = EmbeddedNode.start(clientHome, 2)) {
        client.meet(provider);
        Map<ChannelId, CompletableFuture<Status>> ended = new ConcurrentHashMap<>();
        client
            .node()
            .subscribeToEvents(
                (event, state) -> {
                  if (state.status().isTerminal()) {
                    ended
                        .computeIfAbsent(state.channelId(), id -> new CompletableFuture<>())
                        .complete(state.status());
                  }
                });
        for (int i = 0; i < 3; i++) {
          ImportResult dag = TestDags.file(provider.store(), 100_000 + i, 16_384, 20 + i);
          ChannelId id =
              client
                  .node()
                  .openPullDataChannel(provider.node().peerId(), null, dag.root(), Selectors.all())
                  .toCompletableFuture()
                  .get(30, TimeUnit.SECONDS);
          assertThat(
                  ended
                      .computeIfAbsent(id, x -> new CompletableFuture<>())
                      .get(60, TimeUnit.SECONDS))
              .isEqualTo(Status.Completed);
          before.put(id, client.node().channelState(id).toCompletableFuture().get(30, SECONDS));
        }
      }
    }

    try (EmbeddedNode client = EmbeddedNode.start(clientHome, 2)) {
      Set<ChannelId> purged = ConcurrentHashMap.newKeySet();
      ChannelReadModel model = client.node().channelReadModel();
      List<ChannelState> listed =
          model.channels(purged::contains).toCompletableFuture().get(30, SECONDS);

      assertThat(listed).containsExactlyInAnyOrderElementsOf(before.values());
      assertThat(client.awakeChannels())
          .as("channel actors running after the listing")
          .doesNotContainAnyElementsOf(ids(before.keySet()));
      assertThat(model.counts(purged::contains).toCompletableFuture().get(30, SECONDS))
          .isEqualTo(Map.of(Status.Completed, 3));

      ChannelId gone = new ArrayList<>(before.keySet()).get(0);
      purged.add(gone);
      assertThat(model.channels(purged::contains).toCompletableFuture().get(30, SECONDS))
          .extracting(ChannelState::channelId)
          .hasSize(2)
          .doesNotContain(gone);
      assertThat(model.counts(purged::contains).toCompletableFuture().get(30, SECONDS))
          .isEqualTo(Map.of(Status.Completed, 2));

      // The probe sees a woken actor: asking the channel itself, as listings used to, wakes it.
      ChannelId asked = new ArrayList<>(before.keySet()).get(1);
      client.node().channelState(asked).toCompletableFuture().get(30, SECONDS);
      assertThat(client.awakeChannels()).contains(asked.toString());

      // The read model is the one record of which channels exist: the journal holds the
      // channels' own events and nothing else (no index written beside them; LevelDB's own
      // copies of tagged events sit under "$$$<tag>").
      assertThat(persistenceIds(client.system()))
          .containsExactlyInAnyOrderElementsOf(
              before.keySet().stream()
                  .map(id -> ChannelEntity.persistenceId(id).id())
                  .collect(Collectors.toSet()));
    }
  }

  private static List<String> persistenceIds(ActorSystem<?> system) throws Exception {
    return ((org.apache.pekko.persistence.query.javadsl.CurrentPersistenceIdsQuery)
            ChannelReadModel.readJournal(system))
        .currentPersistenceIds()
        .filter(id -> !id.startsWith("$$$"))
        .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), system)
        .toCompletableFuture()
        .get(30, SECONDS);
  }

  @Test
  void aRestartedNodeResumesTheTagFromItsCheckpointAndStillListsEveryChannel() throws Exception {
    Path clientHome = dir.resolve("client");
    Map<ChannelId, ChannelState> before = pullThree(clientHome);

    long fromCheckpoint;
    try (EmbeddedNode client = EmbeddedNode.start(clientHome, 2)) {
      ChannelReadModel model = client.node().channelReadModel();
      List<ChannelState> listed = model.channels().toCompletableFuture().get(30, SECONDS);

      assertThat(listed).containsExactlyInAnyOrderElementsOf(before.values());
      assertThat(model.resumedFrom()).as("the tag offset the start resumed from").isPositive();
      // The checkpoint written at the stop holds what the model had folded by then: the last
      // events of the last pull may still have been on their way through the live query (they
      // are replayed, once), but never the whole tag.
      fromCheckpoint = model.replayedAtStart();
    }

    // Without the checkpoint the same start replays the whole tag and lists the same channels.
    java.nio.file.Files.delete(clientHome.resolve(FerryNode.READ_MODEL_FILE));
    try (EmbeddedNode client = EmbeddedNode.start(clientHome, 2)) {
      ChannelReadModel model = client.node().channelReadModel();
      assertThat(model.channels().toCompletableFuture().get(30, SECONDS))
          .containsExactlyInAnyOrderElementsOf(before.values());
      assertThat(model.resumedFrom()).isZero();
      assertThat(model.replayedAtStart()).isGreaterThanOrEqualTo(3 * 5);
      assertThat(fromCheckpoint)
          .as(
              "channel events the start from the checkpoint replayed, of %s in all",
              model.replayedAtStart())
          .isLessThan(model.replayedAtStart() - 5);
    }
  }

  /**
   * A purged channel is forgotten: the model drops it and saves a checkpoint without it, so neither
   * its heap nor a later start holds every channel the node ever ran (the channel's events are
   * still in this test's journal: only the checkpoint's offset, past them, keeps it out).
   */
  @Test
  void aForgottenChannelLeavesTheModelAndTheCheckpointSavedAfter() throws Exception {
    Path clientHome = dir.resolve("client");
    Map<ChannelId, ChannelState> before = pullThree(clientHome);
    ChannelId gone = new ArrayList<>(before.keySet()).get(1);
    try (EmbeddedNode client = EmbeddedNode.start(clientHome, 2)) {
      ChannelReadModel model = client.node().channelReadModel();
      model.ready().toCompletableFuture().get(30, SECONDS);

      model.forget(List.of(gone)).toCompletableFuture().get(30, SECONDS);

      assertThat(model.channel(gone)).isEmpty();
      assertThat(model.channels().toCompletableFuture().get(30, SECONDS))
          .extracting(ChannelState::channelId)
          .hasSize(2)
          .doesNotContain(gone);
      assertThat(
              io.ferry.engine.wiring.ReadModelCheckpoints.in(
                      clientHome.resolve(FerryNode.READ_MODEL_FILE), client.system())
                  .load())
          .as("the checkpoint saved when forget completed")
          .satisfies(
              saved ->
                  assertThat(saved.channels())
                      .extracting(ChannelState::channelId)
                      .hasSize(2)
                      .doesNotContain(gone));
    }
    try (EmbeddedNode client = EmbeddedNode.start(clientHome, 2)) {
      assertThat(client.node().channelReadModel().channels().toCompletableFuture().get(30, SECONDS))
          .extracting(ChannelState::channelId)
          .hasSize(2)
          .doesNotContain(gone);
    }
  }

  @Test
  void aChannelThatEndedAfterTheLastCheckpointIsReplayedFromTheOffsetOn() throws Exception {
    Path clientHome = dir.resolve("client");
    Map<ChannelId, ChannelState> before = pullThree(clientHome);
    Path checkpoint = clientHome.resolve(FerryNode.READ_MODEL_FILE);
    // Keep the checkpoint as it was after the first start only: the third start must replay
    // what the second one added after it, from the first one's offset on.
    byte[] afterTwo = java.nio.file.Files.readAllBytes(checkpoint);
    Map<ChannelId, ChannelState> more = new java.util.HashMap<>(before);
    try (EmbeddedNode provider = EmbeddedNode.start(dir.resolve("provider"), 1)) {
      try (EmbeddedNode client = EmbeddedNode.start(clientHome, 2)) {
        client.meet(provider);
        ChannelState added = pull(client, provider, 200_000);
        more.put(added.channelId(), added);
      }
    }
    java.nio.file.Files.write(checkpoint, afterTwo);

    long replayed;
    try (EmbeddedNode client = EmbeddedNode.start(clientHome, 2)) {
      ChannelReadModel model = client.node().channelReadModel();
      assertThat(model.channels().toCompletableFuture().get(30, SECONDS))
          .containsExactlyInAnyOrderElementsOf(more.values());
      assertThat(model.resumedFrom()).isPositive();
      replayed = model.replayedAtStart();
    }
    java.nio.file.Files.delete(checkpoint);
    try (EmbeddedNode client = EmbeddedNode.start(clientHome, 2)) {
      ChannelReadModel model = client.node().channelReadModel();
      assertThat(model.channels().toCompletableFuture().get(30, SECONDS))
          .containsExactlyInAnyOrderElementsOf(more.values());
      assertThat(replayed)
          .as("events replayed from the old checkpoint: the fourth channel's, not the others'")
          .isPositive()
          .isLessThan(model.replayedAtStart());
    }
  }

  /**
   * Once caught up, the model follows the journal's writes, not a tag query: pulls that run then
   * make the journal answer no tag read, and a start from the checkpoint the model saved lists them
   * as they ended (what the model folded came from the writes alone).
   */
  @Test
  void channelsRunningLiveAreFoldedFromTheJournalsWritesWithoutATagRead() throws Exception {
    Path clientHome = dir.resolve("client");
    Map<ChannelId, ChannelState> ended = new java.util.HashMap<>();
    try (EmbeddedNode provider = EmbeddedNode.start(dir.resolve("provider"), 1)) {
      try (EmbeddedNode client = EmbeddedNode.start(clientHome, 2)) {
        client.meet(provider);
        client.node().channelReadModel().ready().toCompletableFuture().get(30, SECONDS);
        long readsBefore = tagReads(client.system());
        for (int i = 0; i < 3; i++) {
          ChannelState state = pull(client, provider, 300_000 + i);
          ended.put(state.channelId(), state);
        }
        assertThat(tagReads(client.system()))
            .as("tag reads the journal answered while three pulls ran")
            .isEqualTo(readsBefore);
      }
    }

    try (EmbeddedNode client = EmbeddedNode.start(clientHome, 2)) {
      ChannelReadModel model = client.node().channelReadModel();
      assertThat(model.channels().toCompletableFuture().get(30, SECONDS))
          .containsExactlyInAnyOrderElementsOf(ended.values());
      assertThat(model.resumedFrom()).isPositive();
      assertThat(model.replayedAtStart()).as("events replayed past the checkpoint").isZero();
    }
  }

  private static long tagReads(ActorSystem<?> system) throws Exception {
    return (Long)
        org.apache.pekko.pattern.Patterns.ask(
                org.apache.pekko.persistence.Persistence.get(
                        org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system))
                    .journalFor(
                        "pekko.persistence.journal.leveldb",
                        com.typesafe.config.ConfigFactory.empty()),
                io.ferry.persistence.journal.GroupCommitJournal.GetTagReads.INSTANCE,
                java.time.Duration.ofSeconds(30))
            .toCompletableFuture()
            .get(30, SECONDS);
  }

  /** Three completed pulls by a client living in {@code clientHome}; their final states. */
  private Map<ChannelId, ChannelState> pullThree(Path clientHome) throws Exception {
    Map<ChannelId, ChannelState> before = new ConcurrentHashMap<>();
    try (EmbeddedNode provider = EmbeddedNode.start(dir.resolve("provider"), 1)) {
      try (EmbeddedNode client = EmbeddedNode.start(clientHome, 2)) {
        client.meet(provider);
        for (int i = 0; i < 3; i++) {
          ChannelState state = pull(client, provider, 100_000 + i);
          before.put(state.channelId(), state);
        }
      }
    }
    return before;
  }

  /** A pull of a new DAG of {@code size} bytes, once it completed. */
  private static ChannelState pull(EmbeddedNode client, EmbeddedNode provider, int size)
      throws Exception {
    CompletableFuture<Status> ended = new CompletableFuture<>();
    ImportResult dag = TestDags.file(provider.store(), size, 16_384, size % 97);
    java.util.concurrent.atomic.AtomicReference<ChannelId> opened =
        new java.util.concurrent.atomic.AtomicReference<>();
    var unsubscribe =
        client
            .node()
            .subscribeToEvents(
                (event, state) -> {
                  if (state.status().isTerminal() && state.channelId().equals(opened.get())) {
                    ended.complete(state.status());
                  }
                });
    try {
      ChannelId id =
          client
              .node()
              .openPullDataChannel(provider.node().peerId(), null, dag.root(), Selectors.all())
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      opened.set(id);
      Status status =
          client.node().channelState(id).toCompletableFuture().get(30, SECONDS).status();
      if (!status.isTerminal()) {
        status = ended.get(60, TimeUnit.SECONDS);
      }
      assertThat(status).isEqualTo(Status.Completed);
      return client.node().channelState(id).toCompletableFuture().get(30, SECONDS);
    } finally {
      unsubscribe.unsubscribe();
    }
  }

  private static final TimeUnit SECONDS = TimeUnit.SECONDS;

  private static Set<String> ids(Set<ChannelId> ids) {
    return ids.stream().map(ChannelId::toString).collect(Collectors.toSet());
  }
}
