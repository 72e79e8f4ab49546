package io.ferry.validators.paid;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.ValidationResult.Decision;
import io.ferry.ipld.selector.Selectors;
import io.ferry.validators.MutableClock;
import io.ferry.validators.TestPeer;
import io.ferry.validators.VoucherCodec;
import io.ferry.validators.paid.RetrievalPayment.PaymentClaim;
import io.ferry.validators.paid.RetrievalResult.Kind;
import io.ferry.validators.signed.VoucherRefusal.Reason;
import io.ferry.validators.signed.VoucherSigner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PaidRetrievalValidatorTest {
  private static final PaidRetrievalTerms ASKING = new PaidRetrievalTerms(2, 1000, 1000, 0);

  private final TestPeer client = TestPeer.generate();
  private final TestPeer provider = TestPeer.generate();
  private final ChannelId channel = client.channelTo(provider, 1);
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final VoucherSigner clientSigner =
      VoucherSigner.of(client.context(null, Map.of()), clock, Duration.ofMinutes(1));

  @TempDir Path dir;
  private ResponderLedger ledger;
  private PaidRetrievalValidator validator;

  @BeforeEach
  void open() {
    reopen();
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  private void reopen() {
    if (ledger != null) {
      ledger.close();
    }
    ledger = ResponderLedger.open(dir);
    validator = new PaidRetrievalValidator(provider.peerId(), Optional.of(ASKING), ledger, clock);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private ValidationResult pull(ChannelId ch, PaidRetrievalTerms terms, boolean restart)
      throws Exception {
    return await(
        validator.validatePull(
            new ValidationRequest<>(
                restart,
                ch,
                ch.initiator(),
                new RetrievalProposal(terms),
                ClientChannelStates.ROOT,
                Selectors.all())));
  }

  private RetrievalPayment payment(long nonce, long cumulative) {
    return new RetrievalPayment(
        clientSigner.sign(
            RetrievalPayment.KIND,
            channel,
            nonce,
            VoucherCodec.standard().encode(new PaymentClaim(cumulative))));
  }

  private ValidationResult sent(long bytes) throws Exception {
    return await(validator.onPullDataSent(channel, bytes)).orElseThrow();
  }

  private static RetrievalResult result(ValidationResult r) {
    return (RetrievalResult) r.voucherResult();
  }

  @Test
  void aProposalAtTheAskingTermsIsAcceptedWithTheFirstIntervalAsDataLimit() throws Exception {
    ValidationResult r = pull(channel, ASKING, false);

    assertThat(r.decision()).isEqualTo(Decision.ACCEPT);
    assertThat(r.dataLimit()).isEqualTo(1000);
    assertThat(result(r).kind()).isEqualTo(Kind.ACCEPTED);
  }

  @Test
  void aProposalBelowTheAskingTermsIsRejectedSayingWhy() throws Exception {
    ValidationResult r = pull(channel, new PaidRetrievalTerms(1, 5000, 1000, 0), false);

    assertThat(r.decision()).isEqualTo(Decision.REJECT);
    assertThat(r.reason())
        .contains("price per byte 1 is below the asking 2")
        .contains("payment interval 5000 is longer than the asking 1000");
    assertThat(result(r).kind()).isEqualTo(Kind.REFUSED);
    assertThat(ledger.channel(channel)).isEmpty();
  }

  @Test
  void aPushIsRejectedBecausePaidRetrievalServesPullsOnly() throws Exception {
    ValidationResult r =
        await(
            validator.validatePush(
                new ValidationRequest<>(
                    false,
                    channel,
                    client.peerId(),
                    new RetrievalProposal(ASKING),
                    ClientChannelStates.ROOT,
                    Selectors.all())));

    assertThat(r.decision()).isEqualTo(Decision.REJECT);
    assertThat(r.reason()).contains("pulls only");
  }

  @Test
  void aNodeWithoutAPriceSellsNothing() throws Exception {
    validator = new PaidRetrievalValidator(provider.peerId(), Optional.empty(), ledger, clock);

    ValidationResult r = pull(channel, ASKING, false);

    assertThat(r.decision()).isEqualTo(Decision.REJECT);
    assertThat(r.reason()).contains("does not sell");
  }

  @Test
  void anUnsealPriceMakesThePullStartPausedAskingForIt() throws Exception {
    ValidationResult r = pull(channel, new PaidRetrievalTerms(2, 1000, 1000, 500), false);

    assertThat(r.decision()).isEqualTo(Decision.PAUSE);
    assertThat(r.dataLimit()).isEqualTo(1000);
    assertThat(result(r).kind()).isEqualTo(Kind.PAYMENT_DUE);
    assertThat(result(r).owed()).isEqualTo(500);

    ValidationResult paid = await(validator.revalidate(channel, payment(1, 500)));
    assertThat(paid.decision()).isEqualTo(Decision.RESUME);
    assertThat(paid.dataLimit()).isEqualTo(1000);
  }

  @Test
  void reachingTheLimitPausesAskingForTheCumulativeAmountOwed() throws Exception {
    pull(channel, ASKING, false);

    assertThat(sent(600).decision()).isEqualTo(Decision.ACCEPT);
    ValidationResult atLimit = sent(500);

    assertThat(atLimit.decision()).isEqualTo(Decision.PAUSE);
    assertThat(result(atLimit).kind()).isEqualTo(Kind.PAYMENT_DUE);
    assertThat(result(atLimit).owed()).isEqualTo(2 * 1100);
    assertThat(result(atLimit).received()).isZero();
  }

  @Test
  void aPaymentCoveringWhatIsOwedResumesWithTheNextLongerInterval() throws Exception {
    pull(channel, ASKING, false);
    sent(1000);

    ValidationResult first = await(validator.revalidate(channel, payment(1, 2000)));
    sent(2000);
    ValidationResult second = await(validator.revalidate(channel, payment(2, 6000)));

    assertThat(first.decision()).isEqualTo(Decision.RESUME);
    assertThat(first.dataLimit()).isEqualTo(3000);
    assertThat(result(first).kind()).isEqualTo(Kind.PAYMENT_ACCEPTED);
    assertThat(second.dataLimit()).isEqualTo(6000);
    assertThat(ledger.channel(channel).orElseThrow().received()).isEqualTo(6000);
  }

  @Test
  void aPaymentBeforeTheLimitIsCreditedWithoutPausingAndGrantsTheNextIntervalAhead()
      throws Exception {
    pull(channel, ASKING, false);
    sent(800);

    ValidationResult early = await(validator.revalidate(channel, payment(1, 2 * 600)));

    assertThat(early.decision()).isEqualTo(Decision.ACCEPT);
    assertThat(result(early).kind()).isEqualTo(Kind.PAYMENT_ACCEPTED);
    assertThat(early.dataLimit()).as("600 of 1000 paid: past the middle").isEqualTo(3000);
    assertThat(sent(1000).decision()).as("1800 sent of 3000").isEqualTo(Decision.ACCEPT);
  }

  @Test
  void aPaymentBeforeTheMiddleOfTheIntervalLeavesTheLimitWhereItIs() throws Exception {
    pull(channel, ASKING, false);
    sent(800);

    ValidationResult early = await(validator.revalidate(channel, payment(1, 2 * 400)));

    assertThat(early.decision()).isEqualTo(Decision.ACCEPT);
    assertThat(early.dataLimit()).isEqualTo(1000);
  }

  @Test
  void aFreeChannelIsGrantedAheadBeforeItsSenderReachesTheLimit() throws Exception {
    PaidRetrievalTerms free = new PaidRetrievalTerms(0, 1000, 1000, 0);
    validator = new PaidRetrievalValidator(provider.peerId(), Optional.of(free), ledger, clock);
    pull(channel, free, false);

    assertThat(sent(400).dataLimit()).isEqualTo(ValidationResult.NO_CHANGE);
    ValidationResult pastMiddle = sent(200);

    assertThat(pastMiddle.decision()).isEqualTo(Decision.ACCEPT);
    assertThat(pastMiddle.dataLimit()).isEqualTo(3000);
  }

  @Test
  void underpaymentKeepsTheChannelPausedSayingOwedVersusPaid() throws Exception {
    pull(channel, ASKING, false);
    sent(1000);

    ValidationResult short1 = await(validator.revalidate(channel, payment(1, 1500)));

    assertThat(short1.decision()).isEqualTo(Decision.PAUSE);
    assertThat(short1.dataLimit()).isEqualTo(ValidationResult.NO_CHANGE);
    assertThat(short1.reason()).isEqualTo("underpaid: owed 2000, paid 1500");
    assertThat(result(short1).kind()).isEqualTo(Kind.UNDERPAID);
    ValidationResult topUp = await(validator.revalidate(channel, payment(2, 2000)));
    assertThat(topUp.decision()).isEqualTo(Decision.RESUME);
    assertThat(topUp.dataLimit()).isEqualTo(3000);
  }

  @Test
  void aForgedPaymentIsRejectedWithAResultSayingWhy() throws Exception {
    pull(channel, ASKING, false);
    sent(1000);
    TestPeer mallory = TestPeer.generate();
    VoucherSigner forger =
        new VoucherSigner(client.peerId(), mallory::sign, clock, Duration.ofMinutes(1));
    var forged =
        new RetrievalPayment(
            forger.sign(
                RetrievalPayment.KIND,
                channel,
                1,
                VoucherCodec.standard().encode(new PaymentClaim(2000))));

    ValidationResult r = await(validator.revalidate(channel, forged));

    assertThat(r.decision()).isEqualTo(Decision.REJECT);
    assertThat(result(r).kind()).isEqualTo(Kind.REFUSED);
    assertThat(result(r).refusal().reason()).isEqualTo(Reason.BAD_SIGNATURE);
    assertThat(ledger.channel(channel).orElseThrow().received()).isZero();
  }

  @Test
  void aPaymentSignedForAnotherChannelIsRejected() throws Exception {
    pull(channel, ASKING, false);
    sent(1000);
    ChannelId other = client.channelTo(provider, 2);
    var forOther =
        new RetrievalPayment(
            clientSigner.sign(
                RetrievalPayment.KIND,
                other,
                1,
                VoucherCodec.standard().encode(new PaymentClaim(2000))));

    ValidationResult r = await(validator.revalidate(channel, forOther));

    assertThat(result(r).refusal().reason()).isEqualTo(Reason.OTHER_CHANNEL);
  }

  @Test
  void anExpiredPaymentIsRejected() throws Exception {
    pull(channel, ASKING, false);
    sent(1000);
    RetrievalPayment payment = payment(1, 2000);
    clock.advance(Duration.ofMinutes(2));

    ValidationResult r = await(validator.revalidate(channel, payment));

    assertThat(r.decision()).isEqualTo(Decision.REJECT);
    assertThat(result(r).refusal().reason()).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void aPaymentSentAgainIsAnsweredAgainAndCountedOnce() throws Exception {
    // After a crash of either side the payer sends its last voucher again (issue 19, 3): it is
    // answered as the first time, never refused as a replay, and counts once.
    pull(channel, ASKING, false);
    sent(1000);
    RetrievalPayment payment = payment(1, 2000);
    ValidationResult first = await(validator.revalidate(channel, payment));

    ValidationResult again = await(validator.revalidate(channel, payment));

    assertThat(again.decision()).isEqualTo(first.decision()).isEqualTo(Decision.RESUME);
    assertThat(again.dataLimit()).isEqualTo(first.dataLimit());
    assertThat(ledger.channel(channel).orElseThrow().payments()).isEqualTo(1);
    assertThat(ledger.channel(channel).orElseThrow().received()).isEqualTo(2000);
  }

  @Test
  void anOldPaymentSentAgainAfterMoreDataIsUnderpaidAndCountedOnce() throws Exception {
    pull(channel, ASKING, false);
    sent(1000);
    RetrievalPayment payment = payment(1, 2000);
    await(validator.revalidate(channel, payment));
    sent(2000);

    ValidationResult again = await(validator.revalidate(channel, payment));

    assertThat(again.decision()).isNotEqualTo(Decision.RESUME);
    assertThat(ledger.channel(channel).orElseThrow().payments()).isEqualTo(1);
    assertThat(ledger.channel(channel).orElseThrow().received()).isEqualTo(2000);
  }

  @Test
  void aFinalPaymentSentAgainAfterACrashCompletesOnceAndCountsOnce() throws Exception {
    pull(channel, ASKING, false);
    sent(400);
    await(validator.onComplete(channel));
    RetrievalPayment last = payment(1, 800);
    await(validator.revalidate(channel, last));

    reopen();
    ValidationResult again = await(validator.revalidate(channel, last));

    assertThat(again.decision()).isEqualTo(Decision.RESUME);
    assertThat(await(validator.onComplete(channel)).orElseThrow().decision())
        .isEqualTo(Decision.ACCEPT);
    assertThat(ledger.channel(channel).orElseThrow().received()).isEqualTo(800);
    assertThat(ledger.channel(channel).orElseThrow().payments()).isEqualTo(1);
  }

  @Test
  void completingWithSomethingOwedAsksForAFinalPaymentAndThenSettles() throws Exception {
    pull(channel, ASKING, false);
    sent(400);

    ValidationResult complete = await(validator.onComplete(channel)).orElseThrow();

    assertThat(complete.decision()).isEqualTo(Decision.PAUSE);
    assertThat(complete.requiresFinalization()).isTrue();
    assertThat(result(complete).owed()).isEqualTo(800);
    assertThat(await(validator.revalidate(channel, payment(1, 800))).decision())
        .isEqualTo(Decision.RESUME);
    assertThat(await(validator.onComplete(channel)).orElseThrow().decision())
        .isEqualTo(Decision.ACCEPT);
    assertThat(ledger.channel(channel).orElseThrow().settled()).isTrue();
  }

  @Test
  void aRestartWhileTheFinalPaymentIsDueAsksForItAgainAfterTheLedgerReopens() throws Exception {
    // The last bytes went out below the limit: only the finalization asked for their payment.
    // That request (or the voucher answering it) can be lost with the connection; the restart
    // must ask again, or the client never learns that something is owed.
    pull(channel, ASKING, false);
    sent(400);
    await(validator.onComplete(channel));

    reopen();
    ValidationResult restarted = pull(channel, ASKING, true);

    assertThat(restarted.decision()).isEqualTo(Decision.PAUSE);
    assertThat(restarted.requiresFinalization()).isTrue();
    assertThat(result(restarted).kind()).isEqualTo(Kind.PAYMENT_DUE);
    assertThat(result(restarted).owed()).isEqualTo(800);
    assertThat(await(validator.revalidate(channel, payment(1, 800))).decision())
        .isEqualTo(Decision.RESUME);
    assertThat(pull(channel, ASKING, true).decision()).isEqualTo(Decision.ACCEPT);
  }

  @Test
  void aRestartAsksForTheBytesTheChannelSentThatTheLedgerNeverCounted() throws Exception {
    // The provider died after its channel's journal recorded 1500 bytes queued and before this
    // ledger heard of them: back up, it saw nothing owed and never asked, while the channel waited
    // at its limit for a payment (bench/chaos, issue 19, 3).
    pull(channel, ASKING, false);
    reopen();

    ValidationResult restarted =
        await(
            validator.validatePull(
                new ValidationRequest<>(
                    true,
                    channel,
                    channel.initiator(),
                    new RetrievalProposal(ASKING),
                    ClientChannelStates.ROOT,
                    Selectors.all(),
                    1500)));

    assertThat(restarted.decision()).isEqualTo(Decision.PAUSE);
    assertThat(result(restarted).kind()).isEqualTo(Kind.PAYMENT_DUE);
    assertThat(result(restarted).owed()).isEqualTo(3000);
    assertThat(ledger.channel(channel).orElseThrow().bytesSent()).isEqualTo(1500);
    assertThat(await(validator.revalidate(channel, payment(1, 3000))).decision())
        .isEqualTo(Decision.RESUME);
  }

  @Test
  void aRestartMidIntervalWithBytesNotYetDueContinuesWithoutAskingForPayment() throws Exception {
    pull(channel, ASKING, false);
    sent(400);

    ValidationResult restarted = pull(channel, ASKING, true);

    assertThat(restarted.decision()).isEqualTo(Decision.ACCEPT);
    assertThat(result(restarted).kind()).isEqualTo(Kind.ACCEPTED);
  }

  @Test
  void channelsThatAreNotPaidRetrievalsAreLeftToOtherRevalidators() throws Exception {
    ChannelId other = client.channelTo(provider, 99);

    assertThat(await(validator.onPullDataSent(other, 10))).isEmpty();
    assertThat(await(validator.onComplete(other))).isEmpty();
    assertThat(await(validator.onPushDataReceived(other, 10))).isEmpty();
  }

  @Test
  void theLedgerReopenedAfterARestartCountsNothingTwice() throws Exception {
    pull(channel, ASKING, false);
    sent(1000);
    RetrievalPayment first = payment(1, 2000);
    await(validator.revalidate(channel, first));
    sent(2000);

    reopen();

    PaidChannel account = ledger.channel(channel).orElseThrow();
    assertThat(account.received()).isEqualTo(2000);
    assertThat(account.bytesSent()).isEqualTo(3000);
    assertThat(account.dataLimit()).isEqualTo(3000);
    assertThat(account.payments()).isEqualTo(1);
    ValidationResult restarted = pull(channel, ASKING, true);
    assertThat(restarted.decision()).isEqualTo(Decision.PAUSE);
    assertThat(result(restarted).owed()).isEqualTo(6000);
    // The old voucher again: answered (still owed), never counted a second time.
    assertThat(await(validator.revalidate(channel, first)).decision()).isEqualTo(Decision.PAUSE);
    assertThat(ledger.channel(channel).orElseThrow().received()).isEqualTo(2000);
    assertThat(await(validator.revalidate(channel, payment(2, 6000))).dataLimit()).isEqualTo(6000);
    reopen();
    assertThat(ledger.channel(channel).orElseThrow().received()).isEqualTo(6000);
    assertThat(ledger.channel(channel).orElseThrow().payments()).isEqualTo(2);
  }

  @Test
  void anOpenAskedAgainBeforeAnythingMovedIsAcceptedAgain() throws Exception {
    // The provider died after its ledger noted the channel and before the channel itself was
    // written; the client's request comes again as a new one (bench/chaos).
    pull(channel, ASKING, false);
    reopen();

    ValidationResult again = pull(channel, ASKING, false);

    assertThat(again.decision()).isNotEqualTo(Decision.REJECT);
    assertThat(ledger.channel(channel).orElseThrow().bytesSent()).isZero();
  }

  @Test
  void aSecondOpenOfTheSameChannelThatIsNotARestartIsRejected() throws Exception {
    pull(channel, ASKING, false);
    sent(100);

    ValidationResult again = pull(channel, ASKING, false);

    assertThat(again.decision()).isEqualTo(Decision.REJECT);
    assertThat(again.reason()).contains("already open");
  }
}
