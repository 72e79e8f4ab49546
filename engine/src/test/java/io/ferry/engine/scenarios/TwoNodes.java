package io.ferry.engine.scenarios;

import io.ferry.channels.entity.ChannelSettings;
import io.ferry.channels.spi.RequestValidator;
import io.ferry.engine.testing.TestNetwork;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two-node setup the engine contracts share: alice (seed 1) and bob (seed 2) on one {@link
 * TestNetwork}, each in its own directory, both taking the test's tickets; closed after each test.
 * One subclass per contract, one sub-subclass per transport.
 */
abstract class TwoNodes {
  @TempDir Path dir;
  final TestNetwork network = network();
  TestNode alice;
  TestNode bob;

  /** How the two nodes reach each other. */
  abstract TestNetwork network();

  /** Creates both nodes (not started): alice accepts every ticket, bob asks {@code bobs}. */
  void create(RequestValidator<Tickets.Ticket> bobs) {
    alice = ticketed(1, "alice", Tickets.acceptAll());
    bob = ticketed(2, "bob", bobs);
  }

  /** Creates both nodes, each accepting every ticket, and starts them. */
  void startAcceptingAll() throws Exception {
    create(Tickets.acceptAll());
    TestNode.startAll(alice, bob);
  }

  private TestNode ticketed(int seed, String name, RequestValidator<Tickets.Ticket> validator) {
    return TestNode.create(
        network,
        seed,
        dir.resolve(name),
        ChannelSettings.defaults(),
        n -> n.registerVoucherType(Tickets.TICKET, validator));
  }

  @AfterEach
  void stop() throws Exception {
    for (TestNode node : new TestNode[] {alice, bob}) {
      if (node != null) { // null when the test failed before creating it
        node.close();
      }
    }
    network.close();
  }
}
