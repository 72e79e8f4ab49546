package io.ferry.validators.paid;

import static io.ferry.validators.paid.PaidAnswers.limited;
import static io.ferry.validators.paid.PaidAnswers.paymentDue;
import static io.ferry.validators.paid.PaidAnswers.refuse;
import static io.ferry.validators.paid.PaidAnswers.result;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.spi.RequestValidator;
import io.ferry.channels.spi.Revalidator;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.ValidationUpdates;
import io.ferry.validators.paid.RetrievalResult.Kind;
import io.ferry.validators.signed.VoucherVerifier;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The responder's side of paid retrieval: validates {@link RetrievalProposal}s and revalidates
 * {@link RetrievalPayment}s against a {@link ResponderLedger}.
 *
 * <ul>
 *   <li>A pull whose proposed terms are at least the asking terms is accepted with a data limit of
 *       the first interval; when an unseal price is due it starts paused, asking for it.
 *   <li>When the bytes sent reach the limit, or the sender holds before a block that would cross it
 *       ({@link #onPullDataHeld}), the channel pauses with {@link Kind#PAYMENT_DUE} for the
 *       cumulative amount owed; paid up, the limit rises to cover the held block. A client that
 *       pays as its data arrives (pay as you go) never gets there: a payment before the limit is
 *       credited without pausing anything, and once the bytes sent and paid for reach past the
 *       middle of the last interval granted, the next one is granted ({@link
 *       PaidChannel#grantAhead}); a free channel (price 0) is granted ahead on the bytes sent
 *       alone.
 *   <li>A payment voucher must pass {@link VoucherVerifier} (signature by the initiator, this
 *       channel, this peer, not expired, fresh nonce) or the channel is rejected with {@link
 *       Kind#REFUSED}. A valid payment is credited; if it covers what is owed the channel resumes
 *       with the next interval's limit, else it stays paused with {@link Kind#UNDERPAID} (owed vs
 *       paid) so the client can top up: an honest client that raced the byte count is not failed.
 *   <li>On completion with anything still owed the channel asks for a final payment (pause and
 *       finalization).
 * </ul>
 *
 * Credit is per peer: how far a channel's limit may go is {@link CreditLimits}', which channel of a
 * peer gets credit that comes back, and the recheck that tells it, {@link CreditTurns}'. Payment
 * vouchers are checked by {@link PaymentVouchers}, channels opened again by {@link Reopenings}.
 *
 * <p>All answers are computed synchronously (the registry calls plug-ins off the engine's threads);
 * ledger writes are fsynced before the answer is returned.
 */
public final class PaidRetrievalValidator
    implements RequestValidator<RetrievalProposal>, Revalidator<RetrievalPayment> {
  private final PeerId self;
  private final Optional<PaidRetrievalTerms> asking;
  private final ResponderLedger ledger;
  private final PaymentVouchers vouchers;
  private final CreditLimits limits;
  private final CreditTurns turns;
  private final Reopenings reopened;

  /**
   * @param self this node
   * @param asking the terms this node sells at; empty when it sells nothing (every proposal is
   *     refused)
   * @param ledger where channel accounts and payments are kept
   * @param clock for voucher expiry
   */
  public PaidRetrievalValidator(
      PeerId self, Optional<PaidRetrievalTerms> asking, ResponderLedger ledger, Clock clock) {
    this(
        self,
        asking,
        PeerCredit.defaultFor(asking.map(PaidRetrievalTerms::paymentInterval).orElse(1L << 20)),
        ledger,
        clock);
  }

  /**
   * A validator whose channels waiting for credit are resumed only when one of their own calls (a
   * payment, a restart) finds credit: for tests that never wait for it.
   *
   * @param credit how much one peer may take unpaid across all its channels
   */
  public PaidRetrievalValidator(
      PeerId self,
      Optional<PaidRetrievalTerms> asking,
      PeerCredit credit,
      ResponderLedger ledger,
      Clock clock) {
    this(self, asking, credit, ledger, clock, channel -> {});
  }

  /**
   * @param credit how much one peer may take unpaid across all its channels
   * @param updates where a channel waiting for credit is said to be worth asking again, once its
   *     peer's credit comes back (the node's {@link
   *     io.ferry.channels.spi.ValidatorRegistrar#updates()})
   */
  public PaidRetrievalValidator(
      PeerId self,
      Optional<PaidRetrievalTerms> asking,
      PeerCredit credit,
      ResponderLedger ledger,
      Clock clock,
      ValidationUpdates updates) {
    this.self = self;
    this.asking = asking;
    this.ledger = ledger;
    this.vouchers = new PaymentVouchers(self, ledger, clock);
    CreditQueue waiting = new CreditQueue();
    this.limits = new CreditLimits(ledger, credit, waiting);
    this.turns = new CreditTurns(ledger, limits, waiting, updates);
    this.reopened = new Reopenings(ledger, limits, turns);
  }

  @Override
  public CompletionStage<ValidationResult> validatePush(
      ValidationRequest<RetrievalProposal> request) {
    return done(refuse("paid retrieval serves pulls only, not pushes"));
  }

  @Override
  public CompletionStage<ValidationResult> validatePull(
      ValidationRequest<RetrievalProposal> request) {
    ChannelId channel = request.channelId();
    if (!channel.responder().equals(self) || !channel.initiator().equals(request.counterparty())) {
      return done(refuse("channel " + channel + " is not a pull from its initiator to this node"));
    }
    synchronized (ledger) {
      Optional<PaidChannel> existing = ledger.channel(channel);
      if (existing.isPresent()) {
        return done(reopened.reopen(request, existing.get()));
      }
      if (asking.isEmpty()) {
        return done(refuse("this node does not sell paid retrievals (no price configured)"));
      }
      PaidRetrievalTerms terms = request.voucher().terms();
      Optional<String> shortfall = terms.shortfallAgainst(asking.get());
      if (shortfall.isPresent()) {
        return done(refuse("terms refused: " + shortfall.get()));
      }
      Optional<String> uncountable = terms.uncountable();
      if (uncountable.isPresent()) {
        return done(refuse("terms refused: " + uncountable.get()));
      }
      long others = limits.othersExposure(channel);
      long cap = limits.cap(PaidChannel.opened(terms), others);
      if (cap <= 0 && limits.cap(PaidChannel.opened(terms), limits.othersDebt(channel)) <= 0) {
        // What the peer's channels sent and it did not pay for uses its whole credit: it pays
        // first. Credit merely reserved by its running channels comes back as they go on.
        return done(refuse(limits.exhausted(channel, others)));
      }
      boolean wait = cap <= 0 || turns.anyWaiting(channel.initiator());
      PaidChannel opened = ledger.open(channel, terms, wait ? 0 : Math.min(terms.interval(0), cap));
      limits.runs(channel);
      if (opened.unsealDue()) {
        return done(
            limited(ValidationResult.pause("unseal price due"), opened)
                .withVoucherResult(
                    result(
                        Kind.PAYMENT_DUE, opened, "unseal price " + terms.unsealPrice() + " due")));
      }
      if (wait) {
        // Opened paused, sending nothing, behind the peer's channels that wait already.
        opened = turns.grantInTurn(channel);
        if (opened.atLimit()) {
          return done(turns.waitingForCredit(channel, opened));
        }
      }
      return done(
          ValidationResult.accept()
              .withDataLimit(opened.dataLimit())
              .withVoucherResult(result(Kind.ACCEPTED, opened, "accepted")));
    }
  }

  @Override
  public CompletionStage<ValidationResult> revalidate(
      ChannelId channelId, RetrievalPayment payment) {
    try {
      return credit(channelId, payment);
    } catch (ArithmeticException e) {
      return done(refuse(e.getMessage()));
    }
  }

  private CompletionStage<ValidationResult> credit(ChannelId channelId, RetrievalPayment payment) {
    Optional<PaidChannel> account = ledger.channel(channelId);
    if (account.isEmpty()) {
      return done(refuse("channel " + channelId + " is not a paid retrieval of this node"));
    }
    synchronized (ledger) {
      PaymentVouchers.Checked checked = vouchers.check(channelId, account.get(), payment);
      if (checked instanceof PaymentVouchers.Refused refused) {
        return done(refused.answer());
      }
      PaymentVouchers.Claim claim = (PaymentVouchers.Claim) checked;
      PaidChannel after;
      if (claim.repeat()) {
        after = ledger.channel(channelId).orElseThrow();
      } else {
        // Older channels of the peer waiting for credit get it first.
        boolean others = turns.othersWait(channelId);
        after =
            ledger.recordPayment(
                channelId,
                claim.nonce(),
                claim.cumulative(),
                a -> others ? a : limits.grantWithinCredit(channelId, a));
      }
      if ((after.atLimit() || limits.held(channelId, after))
          && after.outstanding() == 0
          && !after.finished()) {
        // Paid up to the limit or the block held back: the limit rises to cover it, within the
        // credit and in its turn.
        after = turns.grantInTurn(channelId);
      } else {
        turns.wake(channelId.initiator(), channelId); // the payment may free credit for the others
      }
      boolean blocked = after.atLimit() || limits.held(channelId, after);
      if (after.outstanding() > 0 && !blocked && !after.finished()) {
        // Paid as the data arrives, ahead of the limit: credited, and the limit moves on once the
        // payments reach past the middle of the interval.
        PaidChannel ahead = limits.grantAhead(channelId);
        return done(
            ValidationResult.accept()
                .withDataLimit(ahead.dataLimit())
                .withVoucherResult(
                    result(Kind.PAYMENT_ACCEPTED, ahead, "paid " + ahead.received())));
      }
      if (after.outstanding() > 0) {
        String why = "underpaid: owed " + after.owed() + ", paid " + after.received();
        return done(
            ValidationResult.pause(why).withVoucherResult(result(Kind.UNDERPAID, after, why)));
      }
      if (blocked && !after.finished()) {
        return done(turns.waitingForCredit(channelId, after));
      }
      PaidChannel ahead = limits.grantAhead(channelId);
      return done(
          ValidationResult.resume()
              .withDataLimit(ahead.dataLimit())
              .withVoucherResult(result(Kind.PAYMENT_ACCEPTED, ahead, "paid " + ahead.received())));
    }
  }

  @Override
  public CompletionStage<Optional<ValidationResult>> onPullDataSent(
      ChannelId channelId, long additionalBytesSent) {
    try {
      return dataSent(channelId, additionalBytesSent);
    } catch (ArithmeticException e) {
      return done(Optional.of(refuse(e.getMessage())));
    }
  }

  private CompletionStage<Optional<ValidationResult>> dataSent(
      ChannelId channelId, long additionalBytesSent) {
    synchronized (ledger) {
      Optional<PaidChannel> account = ledger.channel(channelId);
      if (account.isEmpty()) {
        return done(Optional.empty());
      }
      limits.moved(channelId);
      boolean reachesLimit =
          account.get().bytesSent() + additionalBytesSent >= account.get().dataLimit();
      PaidChannel after = ledger.recordSent(channelId, additionalBytesSent, reachesLimit);
      if (!after.atLimit()) {
        PaidChannel ahead = limits.grantAhead(channelId);
        return done(
            Optional.of(
                ahead.dataLimit() == after.dataLimit()
                    ? ValidationResult.accept()
                    : ValidationResult.accept().withDataLimit(ahead.dataLimit())));
      }
      if (after.outstanding() == 0) {
        PaidChannel raised = turns.grantInTurn(channelId);
        if (raised.atLimit()) {
          return done(Optional.of(turns.waitingForCredit(channelId, raised)));
        }
        raised = limits.grantAhead(channelId);
        return done(Optional.of(ValidationResult.accept().withDataLimit(raised.dataLimit())));
      }
      return done(Optional.of(paymentDue(after)));
    }
  }

  /**
   * The sender holds before a block of {@code nextBlockBytes} that would take the channel beyond
   * its limit: the block is not sent until paid. What was sent is paid for first (a payment request
   * for the bytes sent, which the client holds, the limit lowered to them); once it is, the limit
   * rises by the next intervals until it covers at least the whole block, however small the
   * intervals, as far as the peer's credit allows. A hold the limit covers already (raised after
   * the sender held, the answer on its way) changes nothing: the limit is never taken back from
   * under a sender that may be using it.
   */
  @Override
  public CompletionStage<Optional<ValidationResult>> onPullDataHeld(
      ChannelId channelId, long nextBlockBytes) {
    try {
      return dataHeld(channelId, nextBlockBytes);
    } catch (ArithmeticException e) {
      return done(Optional.of(refuse(e.getMessage())));
    }
  }

  private CompletionStage<Optional<ValidationResult>> dataHeld(ChannelId channelId, long block) {
    synchronized (ledger) {
      Optional<PaidChannel> account = ledger.channel(channelId);
      if (account.isEmpty()) {
        return done(Optional.empty());
      }
      if (Math.addExact(account.get().bytesSent(), block) <= account.get().dataLimit()) {
        // The sender held under an older limit; a higher one, answered since (granted ahead with
        // the bytes sent, a payment, credit come back), covers the block, and the sender may have
        // sent it already. That limit stands: lowered to the bytes sent here, the credit it leaves
        // went to the peer's other channels while this one sent beyond it (issue 19).
        return done(
            Optional.of(ValidationResult.accept().withDataLimit(account.get().dataLimit())));
      }
      limits.holdsBefore(channelId, block);
      if (account.get().outstanding() > 0) {
        // The limit comes down to the bytes sent: the channel is at its limit, durably (a restart
        // of either side asks for this payment again), and the unused rest of the interval goes
        // back to the peer's credit. Paid, the limit rises to cover the block.
        PaidChannel at =
            ledger.changeLimit(channelId, a -> a.withLimit(a.bytesSent(), a.intervals()));
        return done(Optional.of(paymentDue(at)));
      }
      PaidChannel raised = turns.grantInTurn(channelId);
      if (limits.held(channelId, raised)) {
        return done(Optional.of(turns.waitingForCredit(channelId, raised)));
      }
      return done(Optional.of(ValidationResult.accept().withDataLimit(raised.dataLimit())));
    }
  }

  @Override
  public CompletionStage<Optional<ValidationResult>> onComplete(ChannelId channelId) {
    try {
      return completed(channelId);
    } catch (ArithmeticException e) {
      return done(Optional.of(refuse(e.getMessage())));
    }
  }

  private CompletionStage<Optional<ValidationResult>> completed(ChannelId channelId) {
    synchronized (ledger) {
      Optional<PaidChannel> account = ledger.channel(channelId);
      if (account.isEmpty()) {
        return done(Optional.empty());
      }
      forget(channelId);
      if (account.get().outstanding() > 0) {
        PaidChannel finished = ledger.finish(channelId);
        turns.wake(channelId.initiator(), null);
        return done(Optional.of(paymentDue(finished).withFinalization()));
      }
      ledger.settle(channelId);
      turns.wake(channelId.initiator(), null);
      return done(Optional.of(ValidationResult.accept()));
    }
  }

  /**
   * A channel waiting for credit was said to be worth asking again ({@link CreditTurns#wake}): it
   * resumes if it is paid up and its limit now covers what it holds back, else it stays as it is.
   */
  @Override
  public CompletionStage<Optional<ValidationResult>> onRecheck(ChannelId channelId) {
    synchronized (ledger) {
      Optional<PaidChannel> found = ledger.channel(channelId);
      if (found.isEmpty() || turns.waits(channelId)) {
        return done(Optional.empty());
      }
      if (!limits.isRunning(channelId)) {
        // Not validated since this node started: its initiator repeated an open this node had
        // answered before it stopped, and the node answered again without a validation. Its
        // account resumes as a restart's does; one that waited for credit then waits in its
        // peer's queue again, or it would stay paused for good (bench/chaos, issue 19).
        return done(
            found.get().finished()
                ? Optional.empty()
                : Optional.of(reopened.resumeAccounting(channelId, found.get())));
      }
      PaidChannel account = found.get();
      if (account.finished()
          || account.outstanding() > 0
          || account.atLimit()
          || limits.held(channelId, account)) {
        return done(Optional.empty());
      }
      return done(
          Optional.of(
              ValidationResult.resume()
                  .withDataLimit(account.dataLimit())
                  .withVoucherResult(result(Kind.ACCEPTED, account, "credit available again"))));
    }
  }

  /** A channel failed or was cancelled (or completed): its credit goes to those that wait. */
  @Override
  public void onChannelEnded(ChannelId channelId) {
    synchronized (ledger) {
      if (ledger.channel(channelId).isPresent() && limits.isRunning(channelId)) {
        forget(channelId);
        turns.wake(channelId.initiator(), null);
      }
    }
  }

  private void forget(ChannelId channelId) {
    limits.forget(channelId);
    turns.forget(channelId);
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
