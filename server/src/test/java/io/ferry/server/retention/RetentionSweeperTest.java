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
