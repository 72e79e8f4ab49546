package io.ferry.engine.scenarios;

import static io.ferry.channels.EventCode.*;
import static io.ferry.engine.scenarios.Expect.received;
import static io.ferry.engine.scenarios.Expect.sent;
import static io.ferry.engine.scenarios.Expect.seq;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelSettings;
import io.ferry.channels.testing.TestDags;
import io.ferry.engine.testing.TestNetwork;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node moves data with ten peers at once: five pull from it, it pushes to five. One subclass
 * per transport.
 */
abstract class ManyPeersContract {
  @TempDir Path dir;
  private final TestNetwork network = network();
  private final List<TestNode> nodes = new ArrayList<>();

  /** How the nodes reach each other. */
  abstract TestNetwork network();

  @AfterEach
  void stop() throws Exception {
    for (TestNode n : nodes) {
      n.close();
    }
    network.close();
  }

  @Test
  void oneNodeServesTenPeersConcurrentlyAndEveryChannelCompletes() throws Exception {
    ChannelSettings channels = ChannelSettings.defaults();
    TestNode hub =
        TestNode.create(
            network,
            50,
            dir.resolve("hub"),
            channels,
            n -> n.registerVoucherType(Tickets.TICKET, Tickets.acceptAll()));
    nodes.add(hub);
    List<TestNode> peers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      TestNode p =
          TestNode.create(
              network,
              60 + i,
              dir.resolve("peer" + i),
              channels,
              n -> n.registerVoucherType(Tickets.TICKET, Tickets.acceptAll()));
      peers.add(p);
      nodes.add(p);
    }
    TestNode.startAll(nodes.toArray(new TestNode[0]));

    List<ImportResult> dags = new ArrayList<>();
    List<CompletableFuture<ChannelId>> opened = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      TestNode peer = peers.get(i);
      ImportResult dag = TestDags.file(hub.store, 150_000 + 10_000 * i, 8192, 500 + i);
      dags.add(dag);
      Tickets.Ticket ticket = new Tickets.Ticket("peer " + i);
      opened.add(
          (i < 5
                  ? peer.node.openPullDataChannel(hub.id, ticket, dag.root(), Selectors.all())
                  : hub.node.openPushDataChannel(peer.id, ticket, dag.root(), Selectors.all()))
              .toCompletableFuture());
    }
    CompletableFuture.allOf(opened.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);

    for (int i = 0; i < 10; i++) {
      ChannelId id = opened.get(i).join();
      TestNode peer = peers.get(i);
      ImportResult dag = dags.get(i);
      int batches = Expect.batches(network, dag.blocks());
      ChannelState atHub = hub.await(id, Status.Completed);
      ChannelState atPeer = peer.await(id, Status.Completed);
      boolean pulled = i < 5;
      TestNode initiator = pulled ? peer : hub;
      TestNode responder = pulled ? hub : peer;
      Expect.assertEvents(
          network,
          "initiator " + initiator.id,
          initiator.codes(id),
          seq(
              Open,
              TransferInitiated,
              Accept,
              pulled ? received(batches) : sent(batches),
              FinishTransfer,
              ResponderCompletes,
              CleanupComplete));
      Expect.assertEvents(
          network,
          "responder " + responder.id,
          responder.codes(id),
          seq(
              Open,
              Accept,
              TransferInitiated,
              pulled ? sent(batches) : received(batches),
              Complete,
              CleanupComplete));
      assertThat(atHub.sent()).isEqualTo(atPeer.received()).isEqualTo(dag.dagSize());
      RoundTripContract.assertAllBlocksArrived(dag, hub, peer);
    }
  }
}
