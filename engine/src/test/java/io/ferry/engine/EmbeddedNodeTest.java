package io.ferry.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.Status;
import io.ferry.channels.testing.TestDags;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.transport.tcp.TcpSettings;
import io.ferry.transport.tcp.TcpTransport;
import io.ferry.validators.VoucherRegistry;
import io.ferry.validators.free.FreePolicy;
import io.ferry.validators.free.FreeValidator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine as a library: an embedder creates its own actor system, starts the TCP transport on it
 * and hands both to a {@link FerryNode}, with no server module, HTTP API or CLI in sight.
 */
class EmbeddedNodeTest {
  @TempDir Path dir;

  private final List<AutoCloseable> open = new ArrayList<>();

  /** One embedded node: the embedder's system, store, transport and node. */
  private record Embedded(
      ActorSystem<Void> system, LevelDbBlockStore store, TcpTransport transport, FerryNode node) {}

  private Embedded embed(String name, int seed) throws Exception {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) seed);
    NodeIdentity identity = NodeIdentity.fromSeed(key);
    NodeSettings settings =
        NodeSettings.forHome(dir.resolve(name))
            .withExtra(ConfigFactory.parseString("pekko.loglevel = WARNING"));
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "embedder-" + name,
            FerryNode.systemConfig(settings).withFallback(TcpTransport.recommendedConfig()));
    open.add(
        () -> {
          system.terminate();
          system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        });
    LevelDbBlockStore store = LevelDbBlockStore.open(dir.resolve(name).resolve("blocks"));
    open.add(store);
    TcpTransport transport =
        TcpTransport.start(
                system,
                identity,
                store,
                TcpSettings.defaults(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    VoucherRegistry registry = new VoucherRegistry();
    FreeValidator.register(registry, FreePolicy.pulls(), registry::acceptedVoucherTypes);
    FerryNode node = new FerryNode(system, settings, transport, registry);
    open.add(() -> node.stop().toCompletableFuture().get(30, TimeUnit.SECONDS));
    node.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
    return new Embedded(system, store, transport, node);
  }

  @AfterEach
  void stopAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @Test
  void aManagerOnTheEmbeddersOwnActorSystemPullsADagOverTcpWithoutTheServer() throws Exception {
    Embedded provider = embed("provider", 1);
    Embedded client = embed("client", 2);
    client.transport().addPeer(provider.transport().listenAddress().orElseThrow());
    provider.transport().addPeer(client.transport().listenAddress().orElseThrow());
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
