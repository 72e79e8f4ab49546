package io.ferry.node.engine;

import io.ferry.node.testing.TestNetwork;

/** Passivation on the in-JVM network. */
class PassivationTest extends PassivationContract {
  @Override
  TestNetwork network() {
    return TestNetwork.local();
  }
}
