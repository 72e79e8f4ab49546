package io.ferry.engine.scenarios;

import io.ferry.engine.testing.TestNetwork;

/**
 * Recovery over the real TCP transport (TLS 1.3 on 127.0.0.1): the scripted peer is a bare
 * TcpTransport; alice's transport actor system stops with her and starts again on a new port.
 */
class RecoveryOverTcpTest extends RecoveryContract {
  @Override
  TestNetwork network() {
    return TestNetwork.tcp();
  }
}
