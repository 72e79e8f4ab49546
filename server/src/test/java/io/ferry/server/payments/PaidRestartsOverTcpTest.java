package io.ferry.server.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.testing.TestDags;
import io.ferry.engine.testing.TestNetwork;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.traversal.Traversal;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.validators.paid.PaidChannel;
import io.ferry.validators.paid.PaidRetrievalTerms;
import io.ferry.validators.paid.ResponderLedger;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A paid pull over real TCP whose client restarts the channel again and again while data moves and
 * while the provider waits at its limit for payment: each restart drops the blocks in flight. The
 * provider resends what it had counted as repeats, counts nothing twice, and the pull completes
 * with the payments equal to the price of the DAG the client now holds, in both ledgers.
 */
class PaidRestartsOverTcpTest {
  /** 2 per byte, 512 KiB before the first payment, each interval 512 KiB longer, 1000 to unseal. */
  private static final PaidRetrievalTerms TERMS =
      new PaidRetrievalTerms(2, 512 << 10, 512 << 10, 1000);

  private static final int SIZE = 3 << 20;
  private static final int CHUNK = 64 << 10;
  private static final int RESTARTS = 8;

  @TempDir Path dir;

  /** Sends at 1 MiB/s, so that every restart point is reached while data still moves. */
  private final TestNetwork network = TestNetwork.tcp(s -> s.withRates(1 << 20, 0, 0, 0));

  private PaidNode responder;
  private PaidNode client;

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (responder != null) {
      responder.close();
    }
    network.close();
  }

  @Test
  void restartsDuringAPaidPullLoseNothingStallNothingAndChargeEachByteOnce() throws Exception {
    responder =
        new PaidNode(network, "responder", 31, dir.resolve("responder"), PaidPulls.seller(TERMS))
            .start();
    client =
        new PaidNode(
                network,
                "client",
                32,
                dir.resolve("client"),
                PaidPulls.buyer(PaidPullContract.BUDGET))
            .start();
    ImportResult dag = TestDags.file(responder.store, SIZE, CHUNK, 71);
    long total = TERMS.owedFor(dag.dagSize());
    ChannelId id =
        client
            .payer
            .openPaidPull(responder.id(), TERMS, dag.root(), Selectors.all(), 0)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);

    // Restart at evenly spaced points of the transfer, the last ones close to its end, and each
    // time the provider is found paused at its limit.
    long blocks = Traversal.walk(responder.store, dag.root(), Selectors.all()).count();
    int restarts = 0;
    for (int i = 1; i <= RESTARTS; i++) {
      long mark = blocks * i / (RESTARTS + 1);
      ChannelState seen =
          client.awaitState(
              id,
              "at least " + mark + " blocks received",
              s -> s.receivedBlocks() >= mark || s.status().isEnding());
      if (seen.status().isEnding() || seen.receivedBlocks() >= blocks) {
        break;
      }
      client.node.restartDataTransferChannel(id).toCompletableFuture().get(30, TimeUnit.SECONDS);
      restarts++;
      ChannelState r = responder.state(id);
      if (r.responderPaused() && !r.status().isEnding()) {
        client.node.restartDataTransferChannel(id).toCompletableFuture().get(30, TimeUnit.SECONDS);
        restarts++;
      }
    }

    ChannelState c = client.await(id, Status.Completed);
    ChannelState r = responder.await(id, Status.Completed);
    assertThat(restarts).isGreaterThan(1);
    String counts =
        "client received "
            + c.received()
            + " in "
            + c.receivedBlocks()
            + " blocks, provider queued "
            + r.queued()
            + " in "
            + r.queuedBlocks()
            + ", sent "
            + r.sent()
            + ", client spent "
            + client.payer.balance().spent()
            + " of "
            + total
            + ", "
            + restarts
            + " restarts";
    assertThat(c.receivedBlocks()).as(counts).isEqualTo(r.queuedBlocks());
    assertThat(r.queued()).as("bytes counted toward the limit").isEqualTo(dag.dagSize());
    assertThat(PaidPulls.export(client.store, dag.root())).isEqualTo(TestDags.content(SIZE, 71));
    assertThat(client.payer.balance().spent()).isEqualTo(total);
    assertThat(client.payer.balance().reserved()).isZero();
    responder.stop();
    Path ledgerDir = dir.resolve("responder").resolve("validators").resolve("paid-retrieval");
    try (ResponderLedger ledger = ResponderLedger.open(ledgerDir)) {
      PaidChannel account = ledger.channel(id).orElseThrow();
      assertThat(account.bytesSent()).isEqualTo(dag.dagSize());
      assertThat(account.received()).isEqualTo(total);
      assertThat(account.outstanding()).isZero();
    }
  }
}
