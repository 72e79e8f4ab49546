package io.ferry.engine.scenarios;

import io.ferry.engine.testing.TestNetwork;
import io.ferry.transport.local.BatchPolicy;

/** Recovery on the in-JVM network (batches of 4 blocks). */
class RecoveryTest extends RecoveryContract {
  @Override
  TestNetwork network() {
    return TestNetwork.local(new BatchPolicy(4, 1 << 20), 2);
  }
}
