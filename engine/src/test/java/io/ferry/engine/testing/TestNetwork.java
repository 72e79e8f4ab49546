package io.ferry.engine.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataTransport;
import io.ferry.ipld.store.BlockStore;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.transport.local.BatchPolicy;
import io.ferry.transport.local.LocalNetwork;
import io.ferry.transport.tcp.TcpSettings;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;
import org.apache.pekko.actor.typed.ActorSystem;

/** How the tests' nodes reach each other: the in-JVM network, or TCP on 127.0.0.1. */
public interface TestNetwork extends AutoCloseable {
  /**
   * A transport for a peer without a node (a scripted peer) that starts with {@code identity} and
   * {@code store}; a transport that needs an actor system gets one of its own.
   */
  DataTransport join(NodeIdentity identity, BlockStore store) throws Exception;

  /**
   * A transport for a node that starts (again) with {@code identity} and {@code store}, on the
   * node's own actor system {@code system} (created with {@link #systemConfig()} as a fallback), as
   * {@code ferry node run} runs it; the node's stop terminates that system.
   */
  default DataTransport join(ActorSystem<?> system, NodeIdentity identity, BlockStore store)
      throws Exception {
    return join(identity, store);
  }

  /** The settings this network's transport wants in the node's actor system. */
  default Config systemConfig() {
    return ConfigFactory.empty();
  }

  /** The node stopped; its transport was closed by the node. */
  default void left(PeerId peer) throws Exception {}

  /**
   * The number of blocks after which every progress report of this network falls, when that is
   * exact (the local network's batches); empty when reports also fall on timers (TCP), so tests can
   * count data events only on an exact network.
   */
  default OptionalInt blocksPerProgress() {
    return OptionalInt.empty();
  }

  @Override
  void close();

  /** The in-JVM {@link LocalNetwork}, 16 blocks or 4 MiB a batch, two threads. */
  static TestNetwork local() {
    return local(new BatchPolicy(16, 4 << 20), 2);
  }

  /** The in-JVM {@link LocalNetwork} with these batches and worker threads. */
  static TestNetwork local(BatchPolicy batches, int threads) {
    LocalNetwork network = new LocalNetwork(batches, threads);
    return new TestNetwork() {
      @Override
      public DataTransport join(NodeIdentity identity, BlockStore store) {
        return network.join(identity.peerId(), store);
      }

      @Override
      public OptionalInt blocksPerProgress() {
        return OptionalInt.of(batches.maxBlocks());
      }

      @Override
      public void close() {
        network.close();
      }

      @Override
      public String toString() {
        return "local network";
      }
    };
  }

  /** The real TCP transport on 127.0.0.1. */
  static TestNetwork tcp() {
    return new TcpTestNetwork(UnaryOperator.identity());
  }

  /** The real TCP transport on 127.0.0.1, each node's settings changed by {@code settings}. */
  static TestNetwork tcp(UnaryOperator<TcpSettings> settings) {
    return new TcpTestNetwork(settings);
  }

  /** The identity of a test node: the same for the same {@code seed} on every start. */
  static NodeIdentity identity(int seed) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) seed);
    return NodeIdentity.fromSeed(key);
  }
}
