package io.ferry.engine.scenarios;

import io.ferry.engine.testing.TestNetwork;

/**
 * Ten peers over the real TCP transport (TLS 1.3 on 127.0.0.1): eleven nodes, each with its own
 * transport actor system and one connection to each peer it moves data with.
 */
class ManyPeersOverTcpTest extends ManyPeersContract {
  @Override
  TestNetwork network() {
    return TestNetwork.tcp();
  }
}
