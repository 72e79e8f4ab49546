package io.ferry.engine.scenarios;

import io.ferry.engine.testing.TestNetwork;

/** Passivation on the in-JVM network. */
class PassivationTest extends PassivationContract {
  @Override
  TestNetwork network() {
    return TestNetwork.local();
  }
}
