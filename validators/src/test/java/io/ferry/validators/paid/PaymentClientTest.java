package io.ferry.validators.paid;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.Status;
import io.ferry.validators.MutableClock;
import io.ferry.validators.TestPeer;
import io.ferry.validators.VoucherCodec;
import io.ferry.validators.paid.RetrievalPayment.PaymentClaim;
import io.ferry.validators.paid.RetrievalResult.Kind;
import io.ferry.validators.signed.VoucherVerifier;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PaymentClientTest {
  private static final PaidRetrievalTerms TERMS = new PaidRetrievalTerms(2, 1000, 1000, 0);

  private final TestPeer client = TestPeer.generate();
  private final TestPeer provider = TestPeer.generate();
  private final ChannelId channel = client.channelTo(provider, 1);
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final List<RetrievalPayment> sent = new CopyOnWriteArrayList<>();
  private final List<PaymentOutcome> outcomes = new CopyOnWriteArrayList<>();

  @TempDir Path dir;
  private PaymentClient payer;

  @BeforeEach
  void open() {
    reopen();
    payer.depositUpTo(10_000);
  }

  @AfterEach
  void close() {
    payer.close();
  }

  private void reopen() {
    if (payer != null) {
      payer.close();
    }
    payer =
        PaymentClient.open(
            dir,
            client.context(dir, Map.of()),
            (ch, voucher) -> {
              sent.add((RetrievalPayment) voucher);
              return CompletableFuture.completedFuture(null);
            },
            clock,
            outcomes::add);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static RetrievalResult due(long owed, long received) {
    return new RetrievalResult(Kind.PAYMENT_DUE, owed, received, 0, "", null);
  }

  private static RetrievalResult accepted(long owed, long received) {
    return new RetrievalResult(Kind.PAYMENT_ACCEPTED, owed, received, 0, "", null);
  }

  private PaymentOutcome ask(long owed, long received, long bytesReceived) throws Exception {
    return await(
        payer.onVoucherResult(
            channel, due(owed, received), ClientChannelStates.receiving(channel, bytesReceived)));
  }

  private static long claimOf(RetrievalPayment payment) {
    return VoucherCodec.standard()
        .decode(payment.voucher().terms(), PaymentClaim.class)
        .cumulativeAmount();
  }

  @Test
  void beginReservesTheExpectedCostFromTheBudget() {
    PaymentOutcome outcome = payer.begin(channel, TERMS, 3000);

    assertThat(outcome).isEqualTo(new PaymentOutcome.Reserved(channel, 6000));
    assertThat(payer.balance()).isEqualTo(new Balance(10_000, 6000, 0, 4000));
  }

  @Test
  void beginningAChannelTheBudgetCannotCoverIsInsufficientFunds() {
    PaymentOutcome outcome = payer.begin(channel, TERMS, 6000);

    assertThat(outcome).isInstanceOf(PaymentOutcome.InsufficientFunds.class);
    assertThat(((PaymentOutcome.InsufficientFunds) outcome).message())
        .contains("owed 12000")
        .contains("only 10000 more available");
    assertThat(payer.account(channel)).isEmpty();
  }

  @Test
  void aPaymentRequestIsPaidWithAVoucherTheResponderCanVerify() throws Exception {
    payer.begin(channel, TERMS, 0);

    PaymentOutcome outcome = ask(2000, 0, 1000);

    assertThat(outcome).isEqualTo(new PaymentOutcome.Paid(channel, 1, 2000, 2000));
    assertThat(sent).hasSize(1);
    assertThat(claimOf(sent.get(0))).isEqualTo(2000);
    assertThat(
            new VoucherVerifier(provider.peerId(), clock)
                .verify(sent.get(0).voucher(), RetrievalPayment.KIND, channel, (c, n) -> false))
        .isEmpty();
  }

  @Test
  void moneyCountsAsSpentOnlyOnceTheResponderAcknowledgesIt() throws Exception {
    payer.begin(channel, TERMS, 0);
    ask(2000, 0, 1000);
    assertThat(payer.balance().spent()).isZero();
    assertThat(payer.balance().reserved()).isEqualTo(2000);

    await(
        payer.onVoucherResult(
            channel, accepted(2000, 2000), ClientChannelStates.receiving(channel, 1000)));

    assertThat(payer.balance()).isEqualTo(new Balance(10_000, 0, 2000, 8000));
  }

  @Test
  void aRequestForMoreThanTheDataReceivedWaitsForTheData() throws Exception {
    payer.begin(channel, TERMS, 0);

    PaymentOutcome early = ask(2000, 0, 600);
    PaymentOutcome stillEarly =
        await(payer.onDataReceived(channel, ClientChannelStates.receiving(channel, 900)));
    PaymentOutcome paid =
        await(payer.onDataReceived(channel, ClientChannelStates.receiving(channel, 1000)));

    assertThat(early).isEqualTo(new PaymentOutcome.AwaitingData(channel, 2000, 1200));
    assertThat(stillEarly).isInstanceOf(PaymentOutcome.AwaitingData.class);
    assertThat(paid).isEqualTo(new PaymentOutcome.Paid(channel, 1, 2000, 2000));
    assertThat(sent).hasSize(1);
  }

  @Test
  void whenTheBudgetRunsOutTheClientStopsWithInsufficientFunds() throws Exception {
    payer.begin(channel, TERMS, 0);
    ask(2000, 0, 1000);
    ask(6000, 2000, 3000);

    PaymentOutcome outcome = ask(12_000, 6000, 6000);

    assertThat(outcome)
        .isEqualTo(new PaymentOutcome.InsufficientFunds(channel, 12_000, 6000, 4000));
    assertThat(outcomes).contains(outcome);
    assertThat(sent).hasSize(2);
    assertThat(payer.account(channel).orElseThrow().issued()).isEqualTo(6000);
  }

  @Test
  void cancellingReleasesWhatTheChannelDidNotUse() throws Exception {
    payer.begin(channel, TERMS, 4000);
    ask(2000, 0, 1000);
    await(
        payer.onVoucherResult(
            channel, accepted(2000, 2000), ClientChannelStates.receiving(channel, 1000)));

    PaymentOutcome settled = payer.onChannelEnded(channel, Status.Cancelled);

    assertThat(settled)
        .isEqualTo(new PaymentOutcome.Settled(channel, Status.Cancelled, 2000, 6000));
    assertThat(payer.balance()).isEqualTo(new Balance(10_000, 0, 2000, 8000));
    assertThat(payer.onChannelEnded(channel, Status.Cancelled))
        .isInstanceOf(PaymentOutcome.Ignored.class);
  }

  @Test
  void aVoucherSentButNeverAcknowledgedStaysSpentWhenTheChannelFails() throws Exception {
    payer.begin(channel, TERMS, 4000);
    ask(2000, 0, 1000);

    PaymentOutcome settled = payer.onChannelEnded(channel, Status.Failed);

    assertThat(settled).isEqualTo(new PaymentOutcome.Settled(channel, Status.Failed, 2000, 6000));
    assertThat(payer.balance().available()).isEqualTo(8000);
  }

  @Test
  void aRequestThatArrivesBeforeBeginIsPaidOnBegin() throws Exception {
    PaymentOutcome early = ask(2000, 0, 1000);

    payer.begin(channel, TERMS, 0);

    assertThat(early).isInstanceOf(PaymentOutcome.Ignored.class);
    assertThat(sent).hasSize(1);
    assertThat(outcomes).contains(new PaymentOutcome.Paid(channel, 1, 2000, 2000));
  }

  @Test
  void theLedgerReopenedAfterARestartCountsNothingTwiceAndNeverReusesANonce() throws Exception {
    payer.begin(channel, TERMS, 0);
    ask(2000, 0, 1000);
    await(
        payer.onVoucherResult(
            channel, accepted(2000, 2000), ClientChannelStates.receiving(channel, 1000)));
    Balance before = payer.balance();

    reopen();
    payer.depositUpTo(10_000);
    await(
        payer.onVoucherResult(
            channel, accepted(2000, 2000), ClientChannelStates.receiving(channel, 1000)));

    assertThat(payer.balance()).isEqualTo(before);
    assertThat(payer.account(channel).orElseThrow().vouchers()).isEqualTo(1);
    PaymentOutcome next = ask(6000, 2000, 3000);
    assertThat(next).isEqualTo(new PaymentOutcome.Paid(channel, 2, 6000, 4000));
    assertThat(sent).extracting(p -> p.voucher().nonce()).containsExactly(1L, 2L);
  }

  @Test
  void aResponderClaimingMoreReceivedThanWasSignedIsAcknowledgedOnlyUpToWhatWasSigned()
      throws Exception {
    payer.begin(channel, TERMS, 0);
    ask(2000, 0, 1000);

    await(
        payer.onVoucherResult(
            channel, accepted(9000, 9000), ClientChannelStates.receiving(channel, 1000)));

    assertThat(payer.account(channel).orElseThrow().acknowledged()).isEqualTo(2000);
  }

  @Test
  void runningChannelsListsChannelsThatBeganAndNotEndedAcrossARestart() {
    ChannelId other = client.channelTo(provider, 2);
    payer.begin(channel, TERMS, 0);
    payer.begin(other, TERMS, 0);
    payer.onChannelEnded(other, Status.Cancelled);

    reopen();

    assertThat(payer.runningChannels()).containsExactly(channel);
  }

  @Test
  void askingAgainForAnAmountOnItsWayIsResignedUnderAFreshNonceOnlyAfterARestartAtNoCost()
      throws Exception {
    payer.begin(channel, TERMS, 0);
    ask(2000, 0, 1000);

    PaymentOutcome again = ask(2000, 0, 1000);

    assertThat(again).isInstanceOf(PaymentOutcome.Ignored.class);
    assertThat(sent).hasSize(1);
    await(payer.onVoucherMayBeLost(channel, ClientChannelStates.receiving(channel, 1000)));
    assertThat(sent).hasSize(2);
    assertThat(claimOf(sent.get(1))).isEqualTo(2000);
    assertThat(sent.get(1).voucher().nonce()).isGreaterThan(sent.get(0).voucher().nonce());
    assertThat(payer.account(channel).orElseThrow().issued()).isEqualTo(2000);
    assertThat(payer.balance().available()).as("re-signing costs nothing").isEqualTo(8000);
  }

  @Test
  void afterARestartDataLostInFlightIsPaidForWhenTheShortfallFitsTheIntervalInProgress()
      throws Exception {
    payer.begin(channel, TERMS, 0);
    ask(2000, 0, 1000);
    // The responder sent bytes 1000..3000 (interval 1 is 2000 bytes) and asks for them; the
    // restart lost the last 1000 in flight, and a responder paused for payment does not resend.
    PaymentOutcome waiting = ask(6000, 2000, 2000);

    PaymentOutcome afterRestart =
        await(payer.onRestart(channel, ClientChannelStates.receiving(channel, 2000)));

    assertThat(waiting).isEqualTo(new PaymentOutcome.AwaitingData(channel, 6000, 4000));
    assertThat(afterRestart).isEqualTo(new PaymentOutcome.Paid(channel, 2, 6000, 4000));
    assertThat(sent).hasSize(2);
    assertThat(claimOf(sent.get(1))).isEqualTo(6000);
  }

  @Test
  void aRestartDoesNotExcuseAShortfallLargerThanTheIntervalInProgress() throws Exception {
    payer.begin(channel, TERMS, 0);
    ask(2000, 0, 1000);
    ask(12_000, 2000, 1000); // 5000 bytes more than received: more than interval 1 (2000 bytes)

    PaymentOutcome afterRestart =
        await(payer.onRestart(channel, ClientChannelStates.receiving(channel, 1000)));

    assertThat(afterRestart).isEqualTo(new PaymentOutcome.AwaitingData(channel, 12_000, 2000));
    assertThat(sent).hasSize(1);
  }

  @Test
  void oneRestartExcusesOneShortfallAndAPaymentWithoutOneEndsTheExcuse() throws Exception {
    payer.depositUpTo(100_000);
    payer.begin(channel, TERMS, 0);
    ask(2000, 0, 1000);
    await(payer.onRestart(channel, ClientChannelStates.receiving(channel, 1000)));
    ask(6000, 2000, 1500); // excused: 1500 bytes short, interval 1 is 2000 bytes

    PaymentOutcome next = ask(12_000, 6000, 3500); // 2500 bytes short, no restart since

    assertThat(sent).hasSize(2);
    assertThat(next).isEqualTo(new PaymentOutcome.AwaitingData(channel, 12_000, 7000));
    await(payer.onRestart(channel, ClientChannelStates.receiving(channel, 3500)));
    assertThat(sent).as("a second restart excuses the next shortfall").hasSize(3);
    payer.onChannelEnded(channel, Status.Completed);
  }

  @Test
  void aRestartWithNothingLostLeavesNoExcuseForLaterRequests() throws Exception {
    payer.begin(channel, TERMS, 0);
    await(payer.onRestart(channel, ClientChannelStates.receiving(channel, 0)));
    ask(2000, 0, 1000); // paid in full: the restart lost nothing

    PaymentOutcome next = ask(6000, 2000, 2500);

    assertThat(next).isEqualTo(new PaymentOutcome.AwaitingData(channel, 6000, 5000));
    assertThat(sent).hasSize(1);
  }
}
