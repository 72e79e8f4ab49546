package io.ferry.server.payments;

import io.ferry.engine.testing.TestNetwork;

/**
 * Paid pulls over the real TCP transport (TLS 1.3 on 127.0.0.1): the same payments, to the unit, as
 * on the in-JVM network; the client that stops between two payments is a FerryNode whose
 * transport's actor system is terminated and started again on a new port.
 */
class PaidPullOverTcpTest extends PaidPullContract {
  @Override
  TestNetwork network() {
    return TestNetwork.tcp();
  }
}
