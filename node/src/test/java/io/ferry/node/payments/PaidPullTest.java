package io.ferry.node.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.Status;
import io.ferry.channels.testing.TestDags;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.node.testing.TestNetwork;
import io.ferry.validators.paid.ClientAccount;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Paid pulls over the in-JVM network, and what only needs one transport to show. */
class PaidPullTest extends PaidPullContract {
  @Override
  TestNetwork network() {
    return TestNetwork.local();
  }

  @Test
  void aPaidChannelThatEndedWhileThePayerWasNotListeningIsSettledOnTheNextStart() throws Exception {
    responder();
    client(BUDGET).start();
    int size = 2 << 20;
    ImportResult dag = TestDags.file(responder.store, size, CHUNK, 64);
    long expectedCost = TERMS.owedFor(dag.dagSize());
    ChannelId id =
        client
            .payer
            .openPaidPull(responder.id(), TERMS, dag.root(), Selectors.all(), dag.dagSize())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    client.awaitState(id, "the unseal price paid", s -> PaidPulls.paymentsOn(s).size() >= 1);
    assertThat(client.payer.balance().reserved()).isPositive();
    // The payer stops listening (as if the node died between the channel's end and the ledger's).
    client.payer.close();
    client.node.closeDataTransferChannel(id).toCompletableFuture().get(30, TimeUnit.SECONDS);
    client.await(id, Status.Cancelled);
    client.stop();

    client.start();

    ClientAccount account = client.payer.account(id).orElseThrow();
    assertThat(account.endedAs()).isEqualTo(Status.Cancelled);
    assertThat(account.reserved()).as("the whole file was reserved").isEqualTo(expectedCost);
    assertThat(client.payer.balance().reserved()).isZero();
    assertThat(client.payer.balance().spent()).isEqualTo(account.issued());
    assertThat(client.payer.balance().available()).isEqualTo(BUDGET - account.issued());
  }
}
