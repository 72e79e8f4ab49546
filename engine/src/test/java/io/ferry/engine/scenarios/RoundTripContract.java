package io.ferry.engine.scenarios;

import static io.ferry.channels.EventCode.*;
import static io.ferry.engine.scenarios.Expect.received;
import static io.ferry.engine.scenarios.Expect.sent;
import static io.ferry.engine.scenarios.Expect.seq;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.testing.TestDags;
import io.ferry.ipld.Block;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.traversal.Traversal;
import io.ferry.ipld.unixfs.ImportResult;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two real nodes move a real DAG through a channel, pushed and pulled. One subclass per transport.
 */
abstract class RoundTripContract extends TwoNodes {
  @BeforeEach
  void start() throws Exception {
    startAcceptingAll();
  }

  @Test
  void aPushMovesTheWholeDagAndBothSidesComplete() throws Exception {
    ImportResult dag = TestDags.file(alice.store, 600_000, 16_384, 11);
    int batches = Expect.batches(network, dag.blocks());

    ChannelId id =
        alice
            .node
            .openPushDataChannel(bob.id, new Tickets.Ticket("push"), dag.root(), Selectors.all())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);

    ChannelState a = alice.await(id, Status.Completed);
    ChannelState b = bob.await(id, Status.Completed);
    Expect.assertEvents(
        network,
        "alice",
        alice.codes(id),
        seq(
            Open,
            TransferInitiated,
            Accept,
            sent(batches),
            FinishTransfer,
            ResponderCompletes,
            CleanupComplete));
    Expect.assertEvents(
        network,
        "bob",
        bob.codes(id),
        seq(Open, Accept, TransferInitiated, received(batches), Complete, CleanupComplete));
    assertThat(a.sent()).isEqualTo(dag.dagSize()).isEqualTo(a.queued());
    assertThat(b.received()).isEqualTo(dag.dagSize());
    assertThat(b.receivedBlocks()).isEqualTo(a.sentBlocks()).isEqualTo(dag.blocks());
    assertAllBlocksArrived(dag, alice, bob);
  }

  @Test
  void aPullMovesTheWholeDagAndBothSidesComplete() throws Exception {
    ImportResult dag = TestDags.file(bob.store, 600_000, 16_384, 12);
    int batches = Expect.batches(network, dag.blocks());

    ChannelId id =
        alice
            .node
            .openPullDataChannel(bob.id, new Tickets.Ticket("pull"), dag.root(), Selectors.all())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);

    ChannelState a = alice.await(id, Status.Completed);
    ChannelState b = bob.await(id, Status.Completed);
    Expect.assertEvents(
        network,
        "alice",
        alice.codes(id),
        seq(
            Open,
            TransferInitiated,
            Accept,
            received(batches),
            FinishTransfer,
            ResponderCompletes,
            CleanupComplete));
    Expect.assertEvents(
        network,
        "bob",
        bob.codes(id),
        seq(Open, Accept, TransferInitiated, sent(batches), Complete, CleanupComplete));
    assertThat(a.received()).isEqualTo(dag.dagSize()).isEqualTo(b.sent());
    assertThat(a.isPull()).isTrue();
    assertAllBlocksArrived(dag, bob, alice);
  }

  static void assertAllBlocksArrived(ImportResult dag, TestNode from, TestNode to) {
    List<Block> blocks =
        Traversal.walk(from.store, dag.root(), Selectors.all()).collect(Collectors.toList());
    assertThat(blocks).hasSize((int) dag.blocks());
    for (Block b : blocks) {
      assertThat(to.store.get(b.cid()))
          .hasValueSatisfying(got -> assertThat(got.data()).isEqualTo(b.data()));
    }
  }
}
