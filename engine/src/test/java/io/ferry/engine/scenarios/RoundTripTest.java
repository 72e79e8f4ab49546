package io.ferry.engine.scenarios;

import io.ferry.engine.testing.TestNetwork;

/** Round trips on the in-JVM network, whose batches of 16 blocks make data events exact. */
class RoundTripTest extends RoundTripContract {
  @Override
  TestNetwork network() {
    return TestNetwork.local();
  }
}
