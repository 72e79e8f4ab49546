package io.ferry.engine.scenarios;

import io.ferry.engine.testing.TestNetwork;

/** Passivation over the real TCP transport (TLS 1.3 on 127.0.0.1). */
class PassivationOverTcpTest extends PassivationContract {
  @Override
  TestNetwork network() {
    return TestNetwork.tcp();
  }
}
