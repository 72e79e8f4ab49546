package io.ferry.node.payments;

/** Paid pulls over the in-JVM network. */
class PaidPullTest extends PaidPullContract {
  @Override
  TestNetwork network() {
    return TestNetwork.local();
  }
}
