package io.ferry.engine.testing;

import com.typesafe.config.Config;
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
 * Nodes connected by the real TCP transport on 127.0.0.1, each transport on its node's own actor
 * system, as {@code ferry node run} runs them (a scripted peer without a node gets a system of its
 * own). Every node learns the others' listen addresses; a node that starts again gets a new port,
 * and the others learn it.
 */
public final class TcpTestNetwork implements TestNetwork {
  private final Map<PeerId, ActorSystem<Void>> ownSystems = new ConcurrentHashMap<>();
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
            "ferry-tcp-script",
            ConfigFactory.parseString("pekko.loglevel = WARNING")
                .withFallback(systemConfig())
                .withFallback(ConfigFactory.load()));
    ownSystems.put(identity.peerId(), system);
    return join(system, identity, store);
  }

  @Override
  public DataTransport join(ActorSystem<?> system, NodeIdentity identity, BlockStore store)
      throws Exception {
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
    transports.put(identity.peerId(), transport);
    return transport;
  }

  @Override
  public Config systemConfig() {
    return TcpTransport.recommendedConfig();
  }

  /** A node's transport was closed by its node, which terminated its system. */
  @Override
  public void left(PeerId peer) throws Exception {
    TcpTransport transport = transports.remove(peer);
    ActorSystem<Void> system = ownSystems.remove(peer);
    if (system != null) {
      transport.close();
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
    for (PeerId peer : Map.copyOf(transports).keySet()) {
      try {
        left(peer);
      } catch (Exception e) {
        throw new IllegalStateException("cannot stop the transport of " + peer, e);
      }
    }
  }
}
