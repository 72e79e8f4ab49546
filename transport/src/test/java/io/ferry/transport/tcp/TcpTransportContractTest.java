package io.ferry.transport.tcp;

import io.ferry.ipld.store.BlockStore;
import io.ferry.transport.DataTransportContract;
import io.ferry.transport.identity.NodeIdentity;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The TCP transport, over real sockets on 127.0.0.1 between two actor systems, held to the
 * contract.
 */
class TcpTransportContractTest extends DataTransportContract {
  private TcpNode a;
  private TcpNode b;

  @Override
  protected Pair connect(BlockStore storeA, BlockStore storeB) throws Exception {
    a = new TcpNode("a", NodeIdentity.generate(), storeA, TcpTransportContractTest::quick);
    b = new TcpNode("b", NodeIdentity.generate(), storeB, TcpTransportContractTest::quick);
    a.transport.connect(b.address()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new Pair(a.transport, b.transport);
  }

  private static TcpSettings quick(TcpSettings s) {
    return s.withLiveness(Duration.ofSeconds(2), Duration.ofSeconds(6), Duration.ofMillis(100));
  }

  @Override
  protected void dropConnection() {
    a.transport.stopListening();
    b.transport.stopListening();
    a.transport.disconnect(b.identity.peerId());
  }

  @Override
  protected void disconnectAll() throws Exception {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }
}
