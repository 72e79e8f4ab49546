package io.ferry.engine.scenarios;

import io.ferry.engine.testing.TestNetwork;
import io.ferry.transport.local.BatchPolicy;

/** go-data-transfer's scenarios on the in-JVM network (batches of 8 blocks). */
class ChannelScenariosTest extends ChannelScenariosContract {
  @Override
  TestNetwork network() {
    return TestNetwork.local(new BatchPolicy(8, 4 << 20), 2);
  }
}
