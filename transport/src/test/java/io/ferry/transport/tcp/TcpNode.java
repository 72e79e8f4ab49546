package io.ferry.transport.tcp;

import com.typesafe.config.ConfigFactory;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.store.MemoryBlockStore;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.identity.NodeIdentity;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.ActorSystem;

/** A transport on its own actor system with an in-memory store, listening on 127.0.0.1. */
final class TcpNode implements AutoCloseable {
  final NodeIdentity identity;
  final ActorSystem system;
  final BlockStore store;
  final TcpTransport transport;
  final RecordingHandler handler = new RecordingHandler();

  TcpNode(String name, UnaryOperator<TcpSettings> settings) throws Exception {
    this(name, NodeIdentity.generate(), new MemoryBlockStore(), settings);
  }

  TcpNode(String name, NodeIdentity identity, BlockStore store, UnaryOperator<TcpSettings> settings)
      throws Exception {
    this(name, identity, store, settings, true);
  }

  /** A node whose engine has not bound its handler yet when {@code bound} is false. */
  TcpNode(
      String name,
      NodeIdentity identity,
      BlockStore store,
      UnaryOperator<TcpSettings> settings,
      boolean bound)
      throws Exception {
    this.identity = identity;
    this.store = store;
    this.system =
        ActorSystem.create(
            name,
            TcpTransport.recommendedConfig()
                .withFallback(ConfigFactory.parseString("pekko.loglevel = WARNING"))
                .withFallback(ConfigFactory.load()));
    this.transport =
        TcpTransport.start(
                system,
                identity,
                store,
                settings.apply(TcpSettings.defaults(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    if (bound) {
      transport.bind(handler);
    }
  }

  Multiaddr address() {
    return transport.listenAddress().orElseThrow();
  }

  @Override
  public void close() throws Exception {
    transport.close();
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
