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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
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
      ChannelReadModel model = ChannelReadModel.start(client.system(), purged::contains);
      List<ChannelState> listed = model.channels().toCompletableFuture().get(30, SECONDS);

      assertThat(listed).containsExactlyInAnyOrderElementsOf(before.values());
      assertThat(awake(client.system()))
          .as("channel actors running after the listing")
          .doesNotContainAnyElementsOf(ids(before.keySet()));
      assertThat(model.counts().toCompletableFuture().get(30, SECONDS))
          .isEqualTo(Map.of(Status.Completed, 3));

      ChannelId gone = new ArrayList<>(before.keySet()).get(0);
      purged.add(gone);
      assertThat(model.channels().toCompletableFuture().get(30, SECONDS))
          .extracting(ChannelState::channelId)
          .hasSize(2)
          .doesNotContain(gone);
      assertThat(model.counts().toCompletableFuture().get(30, SECONDS))
          .isEqualTo(Map.of(Status.Completed, 2));

      // The probe sees a woken actor: asking the channel itself, as listings used to, wakes it.
      ChannelId asked = new ArrayList<>(before.keySet()).get(1);
      client.node().channelState(asked).toCompletableFuture().get(30, SECONDS);
      assertThat(awake(client.system())).contains(asked.toString());
      model.close();
    }
  }

  private static final TimeUnit SECONDS = TimeUnit.SECONDS;

  private static Set<String> ids(Set<ChannelId> ids) {
    return ids.stream().map(ChannelId::toString).collect(Collectors.toSet());
  }

  /** The ids of the channel entities running on this member. */
  private static Set<String> awake(ActorSystem<?> system) throws Exception {
    CurrentShardRegionState state =
        AskPattern.<ClusterShardingQuery, CurrentShardRegionState>ask(
                ClusterSharding.get(system).shardState(),
                replyTo -> new GetShardRegionState(ChannelEntity.TYPE_KEY, replyTo),
                Duration.ofSeconds(10),
                system.scheduler())
            .toCompletableFuture()
            .get(30, SECONDS);
    return state.getShards().stream()
        .flatMap(s -> s.getEntityIds().stream())
        .collect(Collectors.toSet());
  }
}
