package io.ferry.engine.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.Status;
import io.ferry.channels.testing.TestDags;
import io.ferry.engine.testing.TestNetwork;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.junit.jupiter.api.Test;

/** Round trips over the real TCP transport (TLS 1.3 on 127.0.0.1). */
class RoundTripOverTcpTest extends RoundTripContract {
  @Override
  TestNetwork network() {
    return TestNetwork.tcp();
  }

  @Test
  void eachNodeRunsItsTransportOnItsOwnActorSystemAsTheProductDoes() throws Exception {
    ImportResult dag = TestDags.file(bob.store, 50_000, 16_384, 14);
    ChannelId id =
        alice
            .node
            .openPullDataChannel(bob.id, new Tickets.Ticket("pull"), dag.root(), Selectors.all())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    alice.await(id, Status.Completed);
    bob.await(id, Status.Completed);

    // Found in the node's own system: with a system of its own, the transport's sessions live
    // elsewhere and the lookup fails (ActorNotFound).
    for (TestNode node : new TestNode[] {alice, bob}) {
      ActorRef session =
          node.node
              .system()
              .classicSystem()
              .actorSelection("/system/ferry-peer-*")
              .resolveOne(Duration.ofSeconds(10))
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      assertThat(session.path().name())
          .as("a peer session of " + node.id + "'s transport")
          .startsWith("ferry-peer-");
    }
  }
}
