package io.ferry.server.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.ipld.selector.Selectors;
import io.ferry.server.http.FakeNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RetentionSweeperTest {
  private static ChannelId open(FakeNode node) throws Exception {
    return node.openPullDataChannel(FakeNode.OTHER, null, FakeNode.cid("r"), Selectors.all())
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void aSweepPurgesTheTerminalChannelsThePolicyPicksAndTellsWhoWasPurged() throws Exception {
    FakeNode node = new FakeNode();
    ChannelId done1 = open(node);
    ChannelId done2 = open(node);
    ChannelId running = open(node);
    node.completePull(done1, 10, 1);
    node.closeDataTransferChannel(done2).toCompletableFuture().get(5, TimeUnit.SECONDS);
    List<ChannelId> told = new CopyOnWriteArrayList<>();
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);

    RetentionSweeper sweeper =
        new RetentionSweeper(node, new RetentionPolicy(Duration.ofDays(1), 0), later, told::add);
    List<ChannelId> purged = sweeper.sweepNow().toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(purged).containsExactlyInAnyOrder(done1, done2);
    assertThat(told).containsExactlyInAnyOrder(done1, done2);
    assertThat(node.state(done1)).isEmpty();
    assertThat(node.state(done2)).isEmpty();
    assertThat(node.state(running)).isPresent();
  }

  /**
   * A sweep that has thousands to purge keeps several purges under way, never more than {@link
   * Purges#IN_FLIGHT}, and answers with every purged channel in the policy's order.
   */
  @Test
  void aLargeSweepKeepsSeveralPurgesUnderWayAndReportsThemInOrder() throws Exception {
    FakeNode node = new FakeNode();
    List<ChannelId> ended = new java.util.ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ChannelId id = open(node);
      node.completePull(id, 10, 1);
      ended.add(id);
    }
    java.util.concurrent.BlockingQueue<java.util.concurrent.CompletableFuture<Void>> waiting =
        new java.util.concurrent.LinkedBlockingQueue<>();
    java.util.concurrent.atomic.AtomicInteger underWay =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most =
        new java.util.concurrent.atomic.AtomicInteger();
    node.beforePurge =
        id -> {
          most.accumulateAndGet(underWay.incrementAndGet(), Math::max);
          java.util.concurrent.CompletableFuture<Void> gate =
              new java.util.concurrent.CompletableFuture<>();
          waiting.add(gate);
          return gate.thenRun(underWay::decrementAndGet);
        };
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);
    RetentionPolicy policy = new RetentionPolicy(Duration.ofDays(1), 0);
    List<ChannelId> inPolicyOrder =
        policy.toPurge(
            node.channels().toCompletableFuture().get(5, TimeUnit.SECONDS), later.instant());
    RetentionSweeper sweeper = new RetentionSweeper(node, policy, later, id -> {});

    java.util.concurrent.CompletableFuture<List<ChannelId>> sweep =
        sweeper.sweepNow().toCompletableFuture();
    for (int released = 0; released < ended.size(); released++) {
      waiting.poll(5, TimeUnit.SECONDS).complete(null);
    }
    List<ChannelId> purged = sweep.get(5, TimeUnit.SECONDS);

    assertThat(most.get()).isEqualTo(Purges.IN_FLIGHT);
    assertThat(inPolicyOrder).containsExactlyInAnyOrderElementsOf(ended);
    assertThat(purged).containsExactlyElementsOf(inPolicyOrder);
    assertThat(node.channels().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void aChannelTooYoungToPurgeStays() throws Exception {
    FakeNode node = new FakeNode();
    ChannelId done = open(node);
    node.completePull(done, 10, 1);

    RetentionSweeper sweeper =
        new RetentionSweeper(
            node, new RetentionPolicy(Duration.ofDays(1), 0), Clock.systemUTC(), id -> {});

    assertThat(sweeper.sweepNow().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEmpty();
    assertThat(node.state(done)).isPresent();
  }
}
