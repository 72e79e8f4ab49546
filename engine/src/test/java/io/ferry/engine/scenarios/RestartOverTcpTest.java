package io.ferry.engine.scenarios;

import io.ferry.engine.testing.TestNetwork;

/**
 * Restarts over the real TCP transport (TLS 1.3 on 127.0.0.1): the stopped node's transport actor
 * system is terminated, so its peer sees the connection drop, and it starts again on a new port.
 */
class RestartOverTcpTest extends RestartContract {
  @Override
  TestNetwork network() {
    return TestNetwork.tcp();
  }
}
