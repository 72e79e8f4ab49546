package io.ferry.engine.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.TestDags;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;

/**
 * Channel actors leave memory: terminal ones at once, idle ones after the idle timeout. One
 * subclass per transport.
 */
abstract class PassivationContract extends TwoNodes {
  private final Policy policy = new Policy();

  @Test
  void terminalChannelsStopAndIdleOnesPassivateYetAnswerWhenAskedAgain() throws Exception {
    create(policy.validator());
    bob.tune = s -> s.withPassivateIdleAfter(Duration.ofSeconds(2));
    TestNode.startAll(alice, bob);
    ImportResult dag = TestDags.file(bob.store, 30_000, 8192, 5);

    ChannelId done = pull(dag);
    bob.await(done, Status.Completed);
    policy.onRequest = r -> ValidationResult.pause("waiting a while");
    ChannelId idle = pull(dag);
    bob.awaitEvent(idle, EventCode.PauseResponder, 1);

    Poll.until(
        TestNode.WAIT,
        "bob's completed channel stops and his paused one passivates",
        () -> entities(bob).isEmpty());
    assertThat(bob.state(idle).status()).isEqualTo(Status.Queued); // recovered on demand
    assertThat(bob.state(done).status()).isEqualTo(Status.Completed);
    assertThat(entities(alice)).contains(idle.toString()); // alice keeps the default 15 minutes
  }

  private ChannelId pull(ImportResult dag) throws Exception {
    return alice
        .node
        .openPullDataChannel(bob.id, new Tickets.Ticket("p"), dag.root(), Selectors.all())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private static Set<String> entities(TestNode node) {
    var system = node.node.system();
    TestProbe<CurrentShardRegionState> probe = TestProbe.create(system);
    ClusterSharding.get(system)
        .shardState()
        .tell(new GetShardRegionState(ChannelEntity.TYPE_KEY, probe.getRef()));
    CurrentShardRegionState state = probe.receiveMessage(Duration.ofSeconds(10));
    return scala.jdk.javaapi.CollectionConverters.asJava(state.shards()).stream()
        .flatMap(s -> scala.jdk.javaapi.CollectionConverters.asJava(s.entityIds()).stream())
        .collect(Collectors.toSet());
  }
}
