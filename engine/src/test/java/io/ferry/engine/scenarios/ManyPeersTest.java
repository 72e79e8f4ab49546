package io.ferry.engine.scenarios;

import io.ferry.engine.testing.TestNetwork;
import io.ferry.transport.local.BatchPolicy;

/** Ten peers on the in-JVM network (three worker threads, batches of 16 blocks). */
class ManyPeersTest extends ManyPeersContract {
  @Override
  TestNetwork network() {
    return TestNetwork.local(new BatchPolicy(16, 4 << 20), 3);
  }
}
