package io.ferry.engine.scenarios;

import io.ferry.engine.testing.TestNetwork;

/** go-data-transfer's scenarios over the real TCP transport (TLS 1.3 on 127.0.0.1). */
class ChannelScenariosOverTcpTest extends ChannelScenariosContract {
  @Override
  TestNetwork network() {
    return TestNetwork.tcp();
  }
}
