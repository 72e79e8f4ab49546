package io.ferry.server.http;

import static io.ferry.server.http.ApiTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.channels.ChannelId;
import io.ferry.channels.Status;
import io.ferry.channels.testing.TestDags;
import io.ferry.engine.EmbeddedNode;
import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.store.ForwardingBlockStore;
import io.ferry.server.retention.PurgedChannels;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/channels} on a real node restarted with ended channels: the listing comes from the
 * channel read model alone; it reads no block (no root block decoded for the DAG's size) and wakes
 * no channel actor, however many channels it lists. Showing one channel still tells its DAG's size.
 */
class ChannelListTest {
  private static final TimeUnit SECONDS = TimeUnit.SECONDS;
  private static final int CHANNELS = 4;
  @TempDir Path dir;

  @Test
  void listingEndedChannelsReadsNoBlockAndWakesNoChannelActor() throws Exception {
    Path clientHome = dir.resolve("client");
    Set<ChannelId> ids = new HashSet<>();
    try (EmbeddedNode provider = EmbeddedNode.start(dir.resolve("provider"), 1);
        EmbeddedNode client = EmbeddedNode.start(clientHome, 2)) {
      client.meet(provider);
      for (int i = 0; i < CHANNELS; i++) {
        ids.add(completedPull(client, provider, i));
      }
    }

    try (EmbeddedNode client = EmbeddedNode.start(clientHome, 2)) {
      CountingStore store = new CountingStore(client.store());
      FerryNodeBackend backend =
          new FerryNodeBackend(
              client.node(),
              client.transport(),
              store,
              new PeerTracker(),
              PurgedChannels.open(clientHome),
              Optional.empty(),
              new ImportAllowlist(clientHome, List.of()),
              Optional.empty());
      ApiToken token = ApiToken.loadOrCreate(dir.resolve("api.token"));
      ApiServer server =
          LoopbackApi.start(
              client.system(), backend, dir, token, Duration.ofSeconds(30), Duration.ofSeconds(15));
      try {
        ApiTestClient api = new ApiTestClient(server.address().baseUrl(), token.header());

        HttpResponse<String> listed = api.get("/v1/channels");
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        List<String> listedIds = new ArrayList<>();
        for (JsonNode c : json(listed)) {
          listedIds.add(c.get("id").asText());
          assertThat(c.get("status").asText()).isEqualTo("Completed");
        }
        assertThat(listedIds)
            .containsExactlyInAnyOrderElementsOf(
                ids.stream().map(ChannelId::toString).collect(Collectors.toList()));
        assertThat(store.reads.get()).as("blocks read to list %d channels", CHANNELS).isZero();
        assertThat(client.awakeChannels())
            .as("channel actors running after the listing")
            .doesNotContainAnyElementsOf(listedIds);

        HttpResponse<String> shown = api.get("/v1/channels/" + listedIds.get(0));
        assertThat(json(shown).get("expectedBytes").asLong())
            .as("the DAG's size, as a channel's own view tells it from its root block")
            .isEqualTo(json(shown).get("receivedBytes").asLong());
        assertThat(store.reads.get())
            .as("blocks read to show one channel (its root, and its DAG checked as stored)")
            .isPositive();
      } finally {
        server.close();
      }
    }
  }

  /** A pull of a new DAG, once it completed. */
  private static ChannelId completedPull(EmbeddedNode client, EmbeddedNode provider, int seed)
      throws Exception {
    Cid root = TestDags.file(provider.store(), 40_000, 16_384, 100 + seed).root();
    Set<ChannelId> ended = ConcurrentHashMap.newKeySet();
    CompletableFuture<Void> done = new CompletableFuture<>();
    ChannelId[] opened = new ChannelId[1];
    client
        .node()
        .subscribeToEvents(
            (event, state) -> {
              if (state.status() == Status.Completed) {
                ended.add(state.channelId());
                synchronized (opened) {
                  if (state.channelId().equals(opened[0])) {
                    done.complete(null);
                  }
                }
              }
            });
    ChannelId id =
        client
            .node()
            .openPullDataChannel(provider.node().peerId(), null, root, Selectors.all())
            .toCompletableFuture()
            .get(30, SECONDS);
    synchronized (opened) {
      opened[0] = id;
      if (ended.contains(id)) {
        done.complete(null);
      }
    }
    done.get(60, SECONDS);
    return id;
  }

  /** The node's real store, counting the blocks read from it. */
  private static final class CountingStore extends ForwardingBlockStore {
    final AtomicInteger reads = new AtomicInteger();
    private final BlockStore store;

    CountingStore(BlockStore store) {
      this.store = store;
    }

    @Override
    protected BlockStore delegate() {
      return store;
    }

    @Override
    public Optional<Block> get(Cid cid) {
      reads.incrementAndGet();
      return store.get(cid);
    }
  }
}
