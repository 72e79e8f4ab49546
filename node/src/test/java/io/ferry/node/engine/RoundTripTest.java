package io.ferry.node.engine;

import io.ferry.node.testing.TestNetwork;

/** Round trips on the in-JVM network, whose batches of 16 blocks make data events exact. */
class RoundTripTest extends RoundTripContract {
  @Override
  TestNetwork network() {
    return TestNetwork.local();
  }
}
