package io.ferry.server.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.TestDags;
import io.ferry.engine.testing.TestNetwork;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.validators.paid.Balance;
import io.ferry.validators.paid.ClientAccount;
import io.ferry.validators.paid.ClientLedger;
import io.ferry.validators.paid.PaidChannel;
import io.ferry.validators.paid.PaidRetrievalTerms;
import io.ferry.validators.paid.ResponderLedger;
import io.ferry.validators.paid.RetrievalResult.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paid pulls between two real nodes: the responder sells with the built-in paid-retrieval plug-in
 * (found by ServiceLoader), the client pays with its {@link AutoPayer}. Both ledgers are read back
 * from disk at the end. One subclass per transport.
 */
abstract class PaidPullContract {
  /** 2 per byte, 1 MiB before the first payment, each interval 1 MiB longer, 1000 to unseal. */
  static final PaidRetrievalTerms TERMS = new PaidRetrievalTerms(2, 1 << 20, 1 << 20, 1000);

  static final int CHUNK = 256 << 10;
  static final long BUDGET = 100_000_000;

  @TempDir Path dir;
  private final TestNetwork network = network();
  PaidNode responder;
  PaidNode client;

  /** How the two nodes reach each other. */
  abstract TestNetwork network();

  PaidNode responder() throws Exception {
    responder =
        new PaidNode(network, "responder", 21, dir.resolve("responder"), PaidPulls.seller(TERMS))
            .start();
    return responder;
  }

  PaidNode client(long budget) {
    client = new PaidNode(network, "client", 22, dir.resolve("client"), PaidPulls.buyer(budget));
    return client;
  }

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

  private ChannelId pull(ImportResult dag) throws Exception {
    return client
        .payer
        .openPaidPull(responder.id(), TERMS, dag.root(), Selectors.all(), 0)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  @Test
  void aSixMebibytePullPaysEveryRoundTheTermsAskForAndBothLedgersAgreeToTheUnit() throws Exception {
    responder();
    client(BUDGET).start();
    int size = 6 << 20;
    ImportResult dag = TestDags.file(responder.store, size, CHUNK, 61);
    List<Long> expected = PaidPulls.expectedPayments(responder.store, dag.root(), TERMS);
    long total = TERMS.owedFor(dag.dagSize());
    long root = dag.dagSize() - size;
    // the unseal price, then the leaves below the limits of 1 MiB, 3 MiB and 6 MiB (each with the
    // root block before them: the leaf that would cross a limit waits for the payment), then the
    // final payment for the last leaf
    assertThat(expected)
        .containsExactly(
            1000L,
            TERMS.owedFor(3L * CHUNK + root),
            TERMS.owedFor(11L * CHUNK + root),
            TERMS.owedFor(23L * CHUNK + root),
            total);
    assertThat(expected.get(expected.size() - 1)).isEqualTo(total);

    ChannelId id = pull(dag);

    ChannelState c = client.await(id, Status.Completed);
    ChannelState r = responder.await(id, Status.Completed);
    assertThat(PaidPulls.paymentsIn(client.vouchers(id))).containsExactlyElementsOf(expected);
    assertThat(PaidPulls.paymentsIn(responder.vouchers(id))).containsExactlyElementsOf(expected);
    assertThat(PaidPulls.paymentsOn(c)).containsExactly(total);
    assertThat(c.vouchers()).hasSize(2);
    assertThat(c.voucherCount()).isEqualTo(1 + expected.size());
    assertThat(PaidPulls.lastResult(c).kind()).isEqualTo(Kind.PAYMENT_ACCEPTED);
    assertThat(PaidPulls.lastResult(c).received()).isEqualTo(total);
    assertThat(c.received()).isEqualTo(dag.dagSize()).isEqualTo(r.queued());
    assertThat(PaidPulls.export(client.store, dag.root())).isEqualTo(TestDags.content(size, 61));
    Balance balance = client.payer.balance();
    assertThat(balance.spent()).isEqualTo(total);
    assertThat(balance.reserved()).isZero();
    assertThat(balance.available()).isEqualTo(BUDGET - total);

    client.stop();
    responder.stop();
    try (ClientLedger ledger = ClientLedger.open(clientLedgerDir())) {
      ClientAccount account = ledger.account(id).orElseThrow();
      assertThat(account.vouchers()).isEqualTo(expected.size());
      assertThat(account.issued()).isEqualTo(total).isEqualTo(account.spent());
      assertThat(account.endedAs()).isEqualTo(Status.Completed);
      assertThat(ledger.balance().spent()).isEqualTo(total);
    }
    try (ResponderLedger ledger = ResponderLedger.open(responderLedgerDir())) {
      PaidChannel account = ledger.channel(id).orElseThrow();
      assertThat(account.payments()).isEqualTo(expected.size());
      assertThat(account.received()).isEqualTo(total);
      assertThat(account.bytesSent()).isEqualTo(dag.dagSize());
      assertThat(account.outstanding()).isZero();
    }
  }

  /**
   * The block that would cross a limit is not sent until paid (issue 19, 1), also when the payment
   * intervals are smaller than a block: at no moment has the provider queued more than the limit
   * its validator set from what was paid and the credit it extends, and once the bytes sent are
   * paid for, the limit rises to cover the next whole block.
   */
  @Test
  void theProviderNeverSendsPastWhatWasPaidAndExtendedEvenWithIntervalsSmallerThanABlock()
      throws Exception {
    PaidRetrievalTerms small = new PaidRetrievalTerms(2, 64 << 10, 64 << 10, 0);
    responder =
        new PaidNode(network, "responder", 21, dir.resolve("responder"), PaidPulls.seller(small))
            .start();
    client(BUDGET).start();
    int size = 2 << 20;
    ImportResult dag = TestDags.file(responder.store, size, CHUNK, 64);
    List<Long> expected = PaidPulls.expectedPayments(responder.store, dag.root(), small);
    long total = small.owedFor(dag.dagSize());

    ChannelId id =
        client
            .payer
            .openPaidPull(responder.id(), small, dag.root(), Selectors.all(), 0)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);

    client.await(id, Status.Completed);
    ChannelState r = responder.await(id, Status.Completed);
    List<ChannelState> provider =
        responder.seen.stream()
            .map(PaidNode.Seen::state)
            .filter(s -> s.channelId().equals(id))
            .toList();
    assertThat(provider)
        .as("the provider's count never beyond its data limit")
        .allSatisfy(s -> assertThat(s.queued()).isLessThanOrEqualTo(s.dataLimit()));
    assertThat(provider)
        .as("a limit never beyond what was paid for and the credit extended to the peer (16 MiB)")
        .allSatisfy(
            s -> {
              long paid =
                  PaidPulls.paymentsOn(s).stream().mapToLong(Long::longValue).max().orElse(0);
              assertThat(s.dataLimit() - paid / small.pricePerByte()).isLessThanOrEqualTo(16 << 20);
            });
    assertThat(PaidPulls.paymentsIn(responder.vouchers(id))).containsExactlyElementsOf(expected);
    assertThat(r.queued()).isEqualTo(dag.dagSize());
    assertThat(PaidPulls.export(client.store, dag.root())).isEqualTo(TestDags.content(size, 64));
    responder.stop();
    try (ResponderLedger ledger = ResponderLedger.open(responderLedgerDir())) {
      PaidChannel account = ledger.channel(id).orElseThrow();
      assertThat(account.bytesSent()).isEqualTo(dag.dagSize());
      assertThat(account.received()).isEqualTo(total);
      assertThat(account.dataLimit()).isGreaterThanOrEqualTo(account.bytesSent());
    }
  }

  @Test
  void aClientStoppedBetweenTwoPaymentsFinishesAfterItsRestartAndNothingIsPaidTwice()
      throws Exception {
    responder();
    int size = (7 << 20) / 2;
    ImportResult dag = TestDags.file(responder.store, size, CHUNK, 62);
    List<Long> expected = PaidPulls.expectedPayments(responder.store, dag.root(), TERMS);
    long total = TERMS.owedFor(dag.dagSize());
    assertThat(expected).hasSize(4); // unseal, below 1 MiB, below 3 MiB, and the final 3.5 MiB
    // The third voucher (for 3 MiB) is signed and recorded, then the node "crashes" before it
    // leaves: the sender drops it and the test stops the node.
    CompletableFuture<Long> dropped = new CompletableFuture<>();
    AtomicInteger sends = new AtomicInteger();
    client(BUDGET)
        .withSenderWrapper(
            real ->
                (channel, voucher) -> {
                  if (sends.incrementAndGet() == 3) {
                    dropped.complete((long) sends.get());
                    return CompletableFuture.failedFuture(
                        new IllegalStateException("the node stopped before sending"));
                  }
                  return real.sendVoucher(channel, voucher);
                })
        .start();

    ChannelId id = pull(dag);
    dropped.get(60, TimeUnit.SECONDS);
    ChannelState paused =
        responder.awaitState(
            id,
            "paused for the 3 MiB payment",
            s -> s.responderPaused() && PaidPulls.lastResult(s).kind() == Kind.PAYMENT_DUE);
    assertThat(PaidPulls.lastResult(paused).owed()).isEqualTo(expected.get(2));
    assertThat(client.payer.account(id).orElseThrow().issued()).isEqualTo(expected.get(2));
    client.stop();
    client.withSenderWrapper(real -> real).start();

    ChannelState c = client.await(id, Status.Completed);
    ChannelState r = responder.await(id, Status.Completed);
    assertThat(PaidPulls.paymentsIn(responder.vouchers(id))).containsExactlyElementsOf(expected);
    assertThat(c.received()).isEqualTo(dag.dagSize());
    assertThat(PaidPulls.export(client.store, dag.root())).isEqualTo(TestDags.content(size, 62));
    ClientAccount account = client.payer.account(id).orElseThrow();
    assertThat(account.vouchers()).as("the dropped voucher re-signed").isEqualTo(5);
    assertThat(account.issued()).isEqualTo(total);
    assertThat(client.payer.balance().spent()).isEqualTo(total);
    assertThat(client.payer.balance().reserved()).isZero();
    responder.stop();
    try (ResponderLedger ledger = ResponderLedger.open(responderLedgerDir())) {
      PaidChannel paid = ledger.channel(id).orElseThrow();
      assertThat(paid.received()).isEqualTo(total);
      assertThat(paid.payments()).isEqualTo(expected.size());
    }
  }

  @Test
  void aBudgetThatRunsOutCancelsThePullSayingWhatWasOwedAndReleasesTheRest() throws Exception {
    responder();
    int size = (7 << 20) / 2;
    ImportResult dag = TestDags.file(responder.store, size, CHUNK, 63);
    List<Long> expected = PaidPulls.expectedPayments(responder.store, dag.root(), TERMS);
    long paidBeforeRunningOut = expected.get(1);
    long budget = paidBeforeRunningOut + 1_000_000; // far less than the 3 MiB round
    client(budget).start();

    ChannelId id = pull(dag);

    ChannelState c = client.await(id, Status.Cancelled);
    responder.await(id, Status.Cancelled);
    long owed = expected.get(2) - paidBeforeRunningOut;
    assertThat(c.message())
        .startsWith("insufficient funds: owed " + owed + ", budget left " + 1_000_000);
    assertThat(PaidPulls.paymentsIn(client.vouchers(id)))
        .containsExactly(expected.get(0), expected.get(1));
    long root = dag.dagSize() - size;
    assertThat(c.received())
        .as("no data beyond the 3 MiB limit")
        .isLessThanOrEqualTo((3 << 20) + root);
    // The payer hears of the end after the channel's state has it (seen at load 38): wait for it.
    ClientAccount account =
        Poll.until(
            Duration.ofSeconds(30),
            "the payer's account of the cancelled pull ended",
            () -> client.payer.account(id).orElseThrow(),
            a -> a.endedAs() != null);
    assertThat(account.endedAs()).isEqualTo(Status.Cancelled);
    assertThat(account.spent()).isEqualTo(paidBeforeRunningOut);
    Balance balance = client.payer.balance();
    assertThat(balance.reserved()).isZero();
    assertThat(balance.spent()).isEqualTo(paidBeforeRunningOut);
    assertThat(balance.available()).isEqualTo(1_000_000);
  }

  private Path clientLedgerDir() {
    return dir.resolve("client").resolve("validators").resolve("paid-retrieval");
  }

  private Path responderLedgerDir() {
    return dir.resolve("responder").resolve("validators").resolve("paid-retrieval");
  }
}
