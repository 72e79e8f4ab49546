package io.ferry.engine.testing;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataTransport;
import io.ferry.ipld.store.BlockStore;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.transport.tcp.TcpSettings;
import io.ferry.transport.tcp.TcpTransport;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Nodes connected by the real TCP transport on 127.0.0.1, each transport on an actor system of its
 * own beside the node's ({@code ferry node run} and {@code EmbeddedNodeTest} share one system).
 * Every node learns the others' listen addresses; a node that starts again gets a new port, and the
 * others learn it.
 */
public final class TcpTestNetwork implements TestNetwork {
  private final Map<PeerId, ActorSystem<Void>> systems = new ConcurrentHashMap<>();
  private final Map<PeerId, TcpTransport> transports = new ConcurrentHashMap<>();
  private final UnaryOperator<TcpSettings> settings;

  TcpTestNetwork(UnaryOperator<TcpSettings> settings) {
    this.settings = settings;
  }

  @Override
  public DataTransport join(NodeIdentity identity, BlockStore store) throws Exception {
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "ferry-tcp-test",
            ConfigFactory.parseString("pekko.loglevel = WARNING")
                .withFallback(TcpTransport.recommendedConfig())
                .withFallback(ConfigFactory.load()));
    TcpTransport transport =
        TcpTransport.start(
                system,
                identity,
                store,
                settings.apply(TcpSettings.defaults(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    Multiaddr address = transport.listenAddress().orElseThrow();
    for (TcpTransport other : transports.values()) {
      other.addPeer(address);
      transport.addPeer(other.listenAddress().orElseThrow());
    }
    systems.put(identity.peerId(), system);
    transports.put(identity.peerId(), transport);
    return transport;
  }

  @Override
  public void left(PeerId peer) throws Exception {
    transports.remove(peer);
    ActorSystem<Void> system = systems.remove(peer);
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return "TCP on 127.0.0.1";
  }

  @Override
  public void close() {
    for (PeerId peer : Map.copyOf(systems).keySet()) {
      try {
        left(peer);
      } catch (Exception e) {
        throw new IllegalStateException("cannot stop the transport of " + peer, e);
      }
    }
  }
}
