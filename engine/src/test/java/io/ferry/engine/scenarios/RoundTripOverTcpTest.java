package io.ferry.engine.scenarios;

import io.ferry.engine.testing.TestNetwork;

/** Round trips over the real TCP transport (TLS 1.3 on 127.0.0.1). */
class RoundTripOverTcpTest extends RoundTripContract {
  @Override
  TestNetwork network() {
    return TestNetwork.tcp();
  }
}
