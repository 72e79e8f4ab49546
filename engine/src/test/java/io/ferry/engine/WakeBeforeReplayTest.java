package io.ferry.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelSettings;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.TestDags;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selectors;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restarted node wakes the unfinished channels its read model's checkpoint holds at once, before
 * the replay of the journal after the checkpoint ends, and the ones that replay adds once it did;
 * none twice, none missed (issue 17). The replay is held (a {@link HeldReplayJournal}) while the
 * provider is down, so nothing but the start itself can wake the client's channels.
 */
class WakeBeforeReplayTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private final Set<ChannelId> completed = ConcurrentHashMap.newKeySet();

  /** Quick, patient restarts: a channel whose provider is down keeps trying while the test runs. */
  private static NodeSettings patient(NodeSettings settings) {
    return settings.withChannels(
        settings
            .channels()
            .withRestarts(
                new ChannelSettings.Restarts(
                    Duration.ofMillis(200), Duration.ofSeconds(1), 10_000)));
  }

  private static UnaryOperator<NodeSettings> held(String hold) {
    return settings ->
        patient(settings).withExtra(HeldReplayJournal.config(hold).withFallback(settings.extra()));
  }

  /** The provider's identity, the root it serves and where it last listened; it is stopped. */
  private record Provider(PeerId peer, Cid root) {}

  private Provider providerThatStopped() throws Exception {
    try (EmbeddedNode provider = EmbeddedNode.start(dir.resolve("provider"), 1)) {
      Cid root = TestDags.file(provider.store(), 200_000, 16_384, 7).root();
      return new Provider(provider.node().peerId(), root);
    }
  }

  private ChannelId pull(EmbeddedNode client, Provider provider) throws Exception {
    ChannelId id =
        client
            .node()
            .openPullDataChannel(provider.peer(), null, provider.root(), Selectors.all())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    Poll.until(
        WAIT,
        "the read model to know " + id,
        () -> client.node().channelReadModel().channel(id).isPresent());
    return id;
  }

  private EmbeddedNode client(UnaryOperator<NodeSettings> settings) throws Exception {
    EmbeddedNode client = EmbeddedNode.start(dir.resolve("client"), 2, settings);
    client
        .node()
        .subscribeToEvents(
            (event, state) -> {
              if (state.status() == Status.Completed) {
                completed.add(state.channelId());
              }
            });
    return client;
  }

  private static boolean awake(EmbeddedNode node, ChannelId id) {
    try {
      return node.awakeChannels().contains(id.toString());
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void aCleanlyStoppedNodeResumesItsChannelsBeforeItsReadModelCaughtUp() throws Exception {
    Provider provider = providerThatStopped();
    ChannelId id;
    try (EmbeddedNode client = client(WakeBeforeReplayTest::patient)) {
      id = pull(client, provider);
    }
    String hold = UUID.randomUUID().toString();

    try (EmbeddedNode client = client(held(hold))) {
      Poll.until(WAIT, "the start to wake " + id, () -> awake(client, id));
      assertThat(client.node().channelReadModel().ready().toCompletableFuture())
          .as("the read model's replay is held")
          .isNotDone();

      try (EmbeddedNode again = EmbeddedNode.start(dir.resolve("provider"), 1)) {
        client.meet(again);
        Poll.until(WAIT, id + " to complete", () -> completed.contains(id));
        assertThat(client.node().channelReadModel().ready().toCompletableFuture())
            .as("the data moved while the read model was still held")
            .isNotDone();

        HeldReplayJournal.hold(hold).complete(null);
        client.node().channelReadModel().ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(client.node().wokenAtStart()).isEqualTo(Map.of(id, 1));
      }
    }
  }

  @Test
  void afterACrashTheCheckpointsChannelsWakeAtOnceAndTheReplaysOnesWhenItEnds() throws Exception {
    Provider provider = providerThatStopped();
    ChannelId known;
    ChannelId later;
    try (EmbeddedNode client = client(WakeBeforeReplayTest::patient)) {
      known = pull(client, provider);
    }
    EmbeddedNode first = client(WakeBeforeReplayTest::patient);
    try {
      first.node().channelReadModel().ready().toCompletableFuture().get(30, TimeUnit.SECONDS);
      later = pull(first, provider);
    } finally {
      first.crash();
    }
    String hold = UUID.randomUUID().toString();

    try (EmbeddedNode client = client(held(hold))) {
      Poll.until(WAIT, "the start to wake " + known, () -> awake(client, known));
      assertThat(client.node().channelReadModel().ready().toCompletableFuture()).isNotDone();

      try (EmbeddedNode again = EmbeddedNode.start(dir.resolve("provider"), 1)) {
        client.meet(again);
        Poll.until(WAIT, known + " to complete", () -> completed.contains(known));
        HeldReplayJournal.hold(hold).complete(null);
        Poll.until(WAIT, later + " to complete", () -> completed.contains(later));
        Poll.until(
            WAIT,
            "the start to have woken both channels",
            () -> client.node().wokenAtStart().keySet().equals(Set.of(known, later)));
        assertThat(client.node().wokenAtStart()).isEqualTo(Map.of(known, 1, later, 1));
      }
    }
  }
}
