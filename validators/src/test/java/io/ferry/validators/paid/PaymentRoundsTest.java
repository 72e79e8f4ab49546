package io.ferry.validators.paid;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.Status;
import io.ferry.validators.MutableClock;
import io.ferry.validators.TestPeer;
import io.ferry.validators.VoucherRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole paid pulls, both validators talking through encoded vouchers (see SimulatedPaidPull). */
class PaymentRoundsTest {
  private final TestPeer client = TestPeer.generate();
  private final TestPeer provider = TestPeer.generate();
  private final ChannelId channel = client.channelTo(provider, 5);
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final List<PaymentOutcome> outcomes = new CopyOnWriteArrayList<>();

  @TempDir Path dir;
  private ResponderLedger ledger;
  private PaymentClient payer;
  private SimulatedPaidPull pull;

  @AfterEach
  void tearDown() {
    ledger.close();
    payer.close();
  }

  /** Starts (or restarts) both nodes' paid-retrieval parts on their directories. */
  private void start(PaidRetrievalTerms asking, long budget) {
    if (ledger != null) {
      ledger.close();
      payer.close();
    }
    ledger = ResponderLedger.open(dir.resolve("provider"));
    VoucherRegistry responder = new VoucherRegistry();
    var validator =
        new PaidRetrievalValidator(provider.peerId(), Optional.of(asking), ledger, clock);
    responder.registerVoucherType(PaidRetrievalTypes.PROPOSAL, validator);
    responder.registerRevalidator(PaidRetrievalTypes.PAYMENT, validator);
    responder.registerVoucherResultType(PaidRetrievalTypes.RESULT);
    VoucherRegistry clientTypes = new VoucherRegistry();
    new PaidRetrievalProvider()
        .register(clientTypes, client.context(dir.resolve("client-plugin"), Map.of()));
    SimulatedPaidPull previous = pull;
    pull = new SimulatedPaidPull(channel, responder, clientTypes);
    if (previous != null) {
      pull.sent = previous.sent;
      pull.payments.addAll(previous.payments);
    }
    payer =
        PaymentClient.open(
            dir.resolve("client"),
            client.context(dir, Map.of()),
            pull.sender(),
            clock,
            outcomes::add);
    payer.depositUpTo(budget);
    pull.usePayer(payer);
  }

  private static final PaidRetrievalTerms TWO_PER_BYTE = new PaidRetrievalTerms(2, 1000, 1000, 0);

  private void run(PaidRetrievalTerms terms, long fileSize, long blockSize) throws Exception {
    payer.begin(channel, terms, 0);
    pull.open(terms, false);
    pull.transfer(fileSize, blockSize);
  }

  @Test
  void anElevenThousandByteFilePaysFourIntervalsAndAFinalPayment() throws Exception {
    start(TWO_PER_BYTE, 1_000_000);
    run(new PaidRetrievalTerms(2, 1000, 1000, 0), 11_000, 1000);

    assertThat(pull.rejection).isNull();
    assertThat(pull.completed).isTrue();
    assertThat(pull.payments).containsExactly(2000L, 6000L, 12_000L, 20_000L, 22_000L);
    assertThat(ledger.channel(channel).orElseThrow().received()).isEqualTo(22_000);
    assertThat(pull.verdicts.get(pull.verdicts.size() - 2).requiresFinalization()).isTrue();
    assertThat(payer.account(channel).orElseThrow().acknowledged()).isEqualTo(22_000);
  }

  @Test
  void aFileEndingExactlyOnAnIntervalNeedsNoFinalPayment() throws Exception {
    start(TWO_PER_BYTE, 1_000_000);
    run(new PaidRetrievalTerms(2, 1000, 1000, 0), 10_000, 1000);

    assertThat(pull.completed).isTrue();
    assertThat(pull.payments).containsExactly(2000L, 6000L, 12_000L, 20_000L);
    assertThat(ledger.channel(channel).orElseThrow().settled()).isTrue();
  }

  @Test
  void anUnsealPriceIsPaidUpFrontAndIncludedInEveryCumulativeAmount() throws Exception {
    start(new PaidRetrievalTerms(2, 1000, 1000, 500), 1_000_000);

    run(new PaidRetrievalTerms(2, 1000, 1000, 500), 11_000, 1000);

    assertThat(pull.completed).isTrue();
    assertThat(pull.payments).containsExactly(500L, 2500L, 6500L, 12_500L, 20_500L, 22_500L);
  }

  @Test
  void aBlockThatWouldCrossTheLimitWaitsUntilWhatWasSentIsPaid() throws Exception {
    // 700-byte blocks, a first limit of 1000: the block that would cross it is held, the limit
    // comes down to the 700 bytes sent, the client pays for them, and the next interval (2000)
    // then counts from there: 2700, then 2100 + 3000 = 5100.
    start(TWO_PER_BYTE, 1_000_000);
    run(new PaidRetrievalTerms(2, 1000, 1000, 0), 5000, 700);

    assertThat(pull.completed).isTrue();
    assertThat(pull.payments).containsExactly(1400L, 4200L, 10_000L);
    assertThat(pull.holds).isEqualTo(2);
    assertThat(pull.limit).isEqualTo(5100);
  }

  @Test
  void intervalsSmallerThanABlockAreRaisedToCoverTheWholeBlockOnceTheRestIsPaid() throws Exception {
    // Intervals of 100 bytes (growing by 100), blocks of 1000: the first block goes on credit (the
    // limit rises over the intervals to cover it), and each later one only once the blocks before
    // it are paid for: the client never holds more than one block unpaid.
    start(TWO_PER_BYTE, 1_000_000);
    run(new PaidRetrievalTerms(2, 100, 100, 0), 5000, 1000);

    assertThat(pull.completed).isTrue();
    assertThat(pull.payments).containsExactly(2000L, 4000L, 6000L, 8000L, 10_000L);
    assertThat(pull.holds).isEqualTo(5);
    assertThat(ledger.channel(channel).orElseThrow().received()).isEqualTo(10_000L);
  }

  @Test
  void aBudgetThatRunsOutMidTransferStopsPaymentsAndCancellingReleasesTheRest() throws Exception {
    start(new PaidRetrievalTerms(2, 1000, 1000, 0), 10_000);

    run(new PaidRetrievalTerms(2, 1000, 1000, 0), 11_000, 1000);

    assertThat(pull.completed).isFalse();
    assertThat(pull.sent).isEqualTo(6000);
    assertThat(pull.payments).containsExactly(2000L, 6000L);
    assertThat(outcomes)
        .contains(new PaymentOutcome.InsufficientFunds(channel, 12_000, 6000, 4000));
    PaymentOutcome settled = payer.onChannelEnded(channel, Status.Cancelled);
    assertThat(settled).isEqualTo(new PaymentOutcome.Settled(channel, Status.Cancelled, 6000, 0));
    assertThat(payer.balance()).isEqualTo(new Balance(10_000, 0, 6000, 4000));
  }

  @Test
  void restartingBothNodesMidTransferChangesNeitherTheNumberNorTheAmountOfPayments()
      throws Exception {
    PaidRetrievalTerms terms = TWO_PER_BYTE;
    start(terms, 1_000_000);
    payer.begin(channel, terms, 0);
    pull.open(terms, false);
    pull.transferUpTo(11_000, 1000, 4000);
    assertThat(pull.payments).containsExactly(2000L, 6000L);

    start(terms, 1_000_000);
    pull.open(terms, true);
    pull.transfer(11_000, 1000);

    assertThat(pull.completed).isTrue();
    assertThat(pull.payments).containsExactly(2000L, 6000L, 12_000L, 20_000L, 22_000L);
    assertThat(ledger.channel(channel).orElseThrow().received()).isEqualTo(22_000);
    assertThat(ledger.channel(channel).orElseThrow().payments()).isEqualTo(5);
    assertThat(payer.account(channel).orElseThrow().vouchers()).isEqualTo(5);
    assertThat(payer.balance().spent()).isEqualTo(22_000);
  }
}
