package io.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelNotFoundException;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelCommand;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.TestDags;
import io.ferry.engine.EmbeddedNode;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.server.retention.PurgedChannels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/channels/{id}} on a real node: a channel whose actor does not run (it ended, or it
 * went idle unfinished) is read from the channel read model, so showing it does not wake its actor;
 * a purged one is not found.
 */
class ChannelShowTest {
  private static final TimeUnit SECONDS = TimeUnit.SECONDS;
  @TempDir Path dir;

  @Test
  void showingAChannelThatEndedReadsTheReadModelAndLeavesItsActorAsleep() throws Exception {
    Path clientHome = dir.resolve("client");
    ChannelState completed;
    try (EmbeddedNode provider = EmbeddedNode.start(dir.resolve("provider"), 1);
        EmbeddedNode client = EmbeddedNode.start(clientHome, 2)) {
      client.meet(provider);
      completed = pull(client, provider);
    }

    try (EmbeddedNode client = EmbeddedNode.start(clientHome, 2)) {
      FerryNodeBackend backend =
          new FerryNodeBackend(
              client.node(),
              client.transport(),
              client.store(),
              new PeerTracker(),
              PurgedChannels.open(clientHome));
      ChannelId id = completed.channelId();
      // The checkpoint saved at the stop may predate the channel's last events; until the model
      // has read them back, an unfinished-looking channel rightly answers itself (waking it).
      client.node().channelReadModel().ready().toCompletableFuture().get(30, SECONDS);

      assertThat(backend.channel(id).toCompletableFuture().get(30, SECONDS)).isEqualTo(completed);
      assertThat(client.awakeChannels())
          .as("channel actors running after the channel was shown")
          .doesNotContain(id.toString());

      long replays = replays(client);
      backend.purge(id).toCompletableFuture().get(30, SECONDS);
      assertThat(replays(client))
          .as("recoveries the journal answered while the ended channel was purged")
          .isEqualTo(replays);
      assertThat(
              ((org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery)
                      io.ferry.engine.wiring.ChannelReadModel.readJournal(client.system()))
                  .currentEventsByPersistenceId(
                      ChannelEntity.persistenceId(id).id(), 0, Long.MAX_VALUE)
                  .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), client.system())
                  .toCompletableFuture()
                  .get(30, SECONDS))
          .as("the purged channel's events")
          .isEmpty();
      assertThatThrownBy(() -> backend.channel(id).toCompletableFuture().get(30, SECONDS))
          .hasCauseInstanceOf(ChannelNotFoundException.class);
    }
  }

  @Test
  void showingAnUnfinishedChannelWhoseActorWentIdleReadsTheReadModelAndLeavesItAsleep()
      throws Exception {
    try (EmbeddedNode client = EmbeddedNode.start(dir.resolve("client"), 2)) {
      // A pull whose provider is gone: it waits (stalled) and stays unfinished.
      ChannelId id;
      try (EmbeddedNode provider = EmbeddedNode.start(dir.resolve("provider"), 1)) {
        client.meet(provider);
        ImportResult dag = TestDags.file(provider.store(), 50_000, 16_384, 7);
        provider.close();
        id =
            client
                .node()
                .openPullDataChannel(provider.node().peerId(), null, dag.root(), Selectors.all())
                .toCompletableFuture()
                .get(30, SECONDS);
      }
      ChannelState waiting =
          Poll.until(
              Duration.ofSeconds(30),
              "the pull stalled",
              () -> client.node().channelState(id).toCompletableFuture().join(),
              ChannelState::stalled);
      FerryNodeBackend backend =
          new FerryNodeBackend(
              client.node(),
              client.transport(),
              client.store(),
              new PeerTracker(),
              PurgedChannels.open(dir.resolve("client")));

      ClusterSharding.get(client.system())
          .entityRefFor(ChannelEntity.TYPE_KEY, id.toString())
          .tell(new ChannelCommand.Passivate());
      Poll.until(
          Duration.ofSeconds(30),
          "the channel's actor passivated",
          () -> !awakeNow(client).contains(id.toString()));

      ChannelState shown = backend.channel(id).toCompletableFuture().get(30, SECONDS);
      assertThat(shown.status()).isEqualTo(waiting.status()).matches(s -> !s.isTerminal());
      assertThat(shown.stalled()).isTrue();
      assertThat(client.awakeChannels())
          .as("channel actors running after the unfinished channel was shown")
          .doesNotContain(id.toString());

      // Purging needs the channel's own word that it ended: asleep and unfinished, it is asked.
      assertThatThrownBy(() -> backend.purge(id).toCompletableFuture().get(30, SECONDS))
          .hasRootCauseInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not terminal");
    }
  }

  /** How many recoveries that read events the node's journal answered. */
  private static long replays(EmbeddedNode node) throws Exception {
    return (Long)
        org.apache.pekko.pattern.Patterns.ask(
                org.apache.pekko.persistence.Persistence.get(
                        org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(node.system()))
                    .journalFor("", com.typesafe.config.ConfigFactory.empty()),
                io.ferry.persistence.journal.GroupCommitJournal.GetReplays.INSTANCE,
                Duration.ofSeconds(30))
            .toCompletableFuture()
            .get(30, SECONDS);
  }

  /** A pull of a new DAG, once it completed: its final state. */
  private static ChannelState pull(EmbeddedNode client, EmbeddedNode provider) throws Exception {
    ImportResult dag = TestDags.file(provider.store(), 150_000, 16_384, 5);
    AtomicReference<ChannelId> opened = new AtomicReference<>();
    CompletableFuture<Status> ended = new CompletableFuture<>();
    client
        .node()
        .subscribeToEvents(
            (event, state) -> {
              if (state.status().isTerminal() && state.channelId().equals(opened.get())) {
                ended.complete(state.status());
              }
            });
    ChannelId id =
        client
            .node()
            .openPullDataChannel(provider.node().peerId(), null, dag.root(), Selectors.all())
            .toCompletableFuture()
            .get(30, SECONDS);
    opened.set(id);
    if (!client
        .node()
        .channelState(id)
        .toCompletableFuture()
        .get(30, SECONDS)
        .status()
        .isTerminal()) {
      assertThat(ended.get(60, SECONDS)).isEqualTo(Status.Completed);
    }
    return client.node().channelState(id).toCompletableFuture().get(30, SECONDS);
  }

  private static Set<String> awakeNow(EmbeddedNode node) {
    try {
      return node.awakeChannels();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
