package io.ferry.server.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.testing.TestDags;
import io.ferry.engine.testing.TestNetwork;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.validators.paid.PaidChannel;
import io.ferry.validators.paid.PaidRetrievalTerms;
import io.ferry.validators.paid.ResponderLedger;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes while the last voucher is under way (issue 19, 3), over TCP with real engines and
 * ledgers: the final payment is neither lost nor counted twice, and neither side stays waiting.
 * Before the fix the provider sat in Finalizing and the client in
 * ResponderFinalizingTransferFinished until the 10-minute finalization timeout failed the channel
 * unpaid.
 */
class FinalizationCrashOverTcpTest {
  /** 2 per byte, 1 MiB before the first payment, each interval 1 MiB longer. */
  static final PaidRetrievalTerms TERMS = new PaidRetrievalTerms(2, 1 << 20, 1 << 20, 0);

  static final int SIZE = (3 << 20) / 2;
  static final int CHUNK = 128 << 10;

  @TempDir Path dir;
  final TestNetwork network = TestNetwork.tcp();
  PaidNode provider;
  PaidNode client;

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (provider != null) {
      provider.close();
    }
    network.close();
  }

  @Test
  void aFinalVoucherLostWithTheProvidersCrashIsAskedForAgainAndCountedOnce() throws Exception {
    provider =
        new PaidNode(network, "provider", 61, dir.resolve("provider"), PaidPulls.seller(TERMS))
            .start();
    ImportResult dag = TestDags.file(provider.store, SIZE, CHUNK, 61);
    List<Long> expected = PaidPulls.expectedPayments(provider.store, dag.root(), TERMS);
    long total = TERMS.owedFor(dag.dagSize());
    assertThat(expected).hasSize(2); // 1 MiB, then the final payment for the rest
    // The final voucher leaves the client and is lost: the provider dies before it reads it.
    AtomicInteger sends = new AtomicInteger();
    CompletableFuture<Void> lost = new CompletableFuture<>();
    client =
        new PaidNode(network, "client", 62, dir.resolve("client"), PaidPulls.buyer(100_000_000L))
            .withSenderWrapper(
                real ->
                    (channel, voucher) -> {
                      if (sends.incrementAndGet() == expected.size()) {
                        lost.complete(null);
                        return CompletableFuture.completedFuture(null);
                      }
                      return real.sendVoucher(channel, voucher);
                    })
            .start();
    ChannelId id =
        client
            .payer
            .openPaidPull(provider.id(), TERMS, dag.root(), Selectors.all(), 0)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    lost.get(60, TimeUnit.SECONDS);
    provider.await(id, Status.Finalizing);

    provider.stop();
    provider.start();

    ChannelState r = provider.await(id, Status.Completed);
    ChannelState c = client.await(id, Status.Completed);
    assertThat(c.received()).isEqualTo(dag.dagSize());
    assertThat(PaidPulls.paymentsOn(r)).last().isEqualTo(total);
    assertThat(client.payer.balance().spent()).isEqualTo(total);
    assertThat(client.payer.balance().reserved()).isZero();
    provider.stop();
    Path ledgerDir = dir.resolve("provider").resolve("validators").resolve("paid-retrieval");
    try (ResponderLedger ledger = ResponderLedger.open(ledgerDir)) {
      PaidChannel account = ledger.channel(id).orElseThrow();
      assertThat(account.received()).isEqualTo(total);
      assertThat(account.outstanding()).isZero();
    }
  }
}
