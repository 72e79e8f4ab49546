package io.ferry.node.payments;

import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataTransport;
import io.ferry.ipld.store.BlockStore;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.transport.local.BatchPolicy;
import io.ferry.transport.local.LocalNetwork;

/** How the payment tests' nodes reach each other: the in-JVM network, or TCP on 127.0.0.1. */
interface TestNetwork extends AutoCloseable {
  /** A transport for a node that starts (again) with {@code identity} and {@code store}. */
  DataTransport join(NodeIdentity identity, BlockStore store) throws Exception;

  /** The node stopped; its transport was closed by the node. */
  default void left(PeerId peer) throws Exception {}

  @Override
  void close();

  /** The in-JVM {@link LocalNetwork}. */
  static TestNetwork local() {
    LocalNetwork network = new LocalNetwork(new BatchPolicy(16, 4 << 20), 2);
    return new TestNetwork() {
      @Override
      public DataTransport join(NodeIdentity identity, BlockStore store) {
        return network.join(identity.peerId(), store);
      }

      @Override
      public void close() {
        network.close();
      }
    };
  }
}
