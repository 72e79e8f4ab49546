package io.ferry.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.Status;
import io.ferry.channels.testing.TestDags;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine as a library: an embedder creates its own actor system, starts the TCP transport on it
 * and hands both to a {@link FerryNode}, with no server module, HTTP API or CLI in sight.
 */
class EmbeddedNodeTest {
  @TempDir Path dir;

  @Test
  void aManagerOnTheEmbeddersOwnActorSystemPullsADagOverTcpWithoutTheServer() throws Exception {
    try (EmbeddedNode provider = EmbeddedNode.start(dir.resolve("provider"), 1);
        EmbeddedNode client = EmbeddedNode.start(dir.resolve("client"), 2)) {
      client.meet(provider);
      ImportResult dag = TestDags.file(provider.store(), 300_000, 16_384, 5);

      Manager manager = client.node();
      CompletableFuture<Status> ended = new CompletableFuture<>();
      manager.subscribeToEvents(
          (event, state) -> {
            if (state.status().isTerminal()) {
              ended.complete(state.status());
            }
          });
      ChannelId id =
          manager
              .openPullDataChannel(provider.node().peerId(), null, dag.root(), Selectors.all())
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);

      assertThat(ended.get(60, TimeUnit.SECONDS)).as("channel %s", id).isEqualTo(Status.Completed);
      assertThat(client.store().has(dag.root())).isTrue();
      assertThat(client.node().system())
          .as("the node runs on the system it was given, beside its transport")
          .isSameAs(client.system());
      assertThat(provider.node().system()).isSameAs(provider.system());
    }
  }
}
