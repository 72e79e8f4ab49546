package io.ferry.engine;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.transport.tcp.TcpSettings;
import io.ferry.transport.tcp.TcpTransport;
import io.ferry.validators.VoucherRegistry;
import io.ferry.validators.free.FreePolicy;
import io.ferry.validators.free.FreeValidator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * A node as an embedder starts one: its own actor system, created with {@link
 * FerryNode#systemConfig}, the TCP transport on 127.0.0.1 on that system, a LevelDB block store
 * under {@code home}, free pulls served, and a {@link FerryNode} on that system. The same home and
 * seed start the same node again.
 */
public record EmbeddedNode(
    ActorSystem<Void> system, LevelDbBlockStore store, TcpTransport transport, FerryNode node)
    implements AutoCloseable {

  public static EmbeddedNode start(Path home, int seed) throws Exception {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) seed);
    NodeIdentity identity = NodeIdentity.fromSeed(key);
    NodeSettings settings =
        NodeSettings.forHome(home).withExtra(ConfigFactory.parseString("pekko.loglevel = WARNING"));
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "embedder",
            FerryNode.systemConfig(settings).withFallback(TcpTransport.recommendedConfig()));
    LevelDbBlockStore store = LevelDbBlockStore.open(home.resolve("blocks"));
    try {
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
      node.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
      return new EmbeddedNode(system, store, transport, node);
    } catch (Exception e) {
      system.terminate();
      store.close();
      throw e;
    }
  }

  /** Lets this node and {@code other} dial each other. */
  public void meet(EmbeddedNode other) {
    transport.addPeer(other.transport.listenAddress().orElseThrow());
    other.transport.addPeer(transport.listenAddress().orElseThrow());
  }

  /** The ids of the channel entities awake (running) on this node now. */
  public Set<String> awakeChannels() throws Exception {
    CurrentShardRegionState state =
        AskPattern.<ClusterShardingQuery, CurrentShardRegionState>ask(
                ClusterSharding.get(system).shardState(),
                replyTo -> new GetShardRegionState(ChannelEntity.TYPE_KEY, replyTo),
                Duration.ofSeconds(10),
                system.scheduler())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    return state.getShards().stream()
        .flatMap(s -> s.getEntityIds().stream())
        .collect(Collectors.toSet());
  }

  /** Stops the node (which terminates its system) and closes the block store. */
  @Override
  public void close() throws Exception {
    try {
      node.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      store.close();
    }
  }
}
