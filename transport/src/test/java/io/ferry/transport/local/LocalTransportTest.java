package io.ferry.transport.local;

import io.ferry.channels.testing.Peers;
import io.ferry.ipld.store.BlockStore;
import io.ferry.transport.DataTransportContract;

/** The in-JVM transport, held to the transport contract (small batches, so DAGs span many). */
class LocalTransportTest extends DataTransportContract {
  private LocalNetwork network;

  @Override
  protected Pair connect(BlockStore storeA, BlockStore storeB) {
    network = new LocalNetwork(new BatchPolicy(8, 1 << 20), 2);
    return new Pair(network.join(Peers.ALICE, storeA), network.join(Peers.BOB, storeB));
  }

  @Override
  protected void dropConnection() {
    network.disconnect(Peers.BOB);
  }

  @Override
  protected void disconnectAll() {
    if (network != null) {
      network.close();
    }
  }
}
