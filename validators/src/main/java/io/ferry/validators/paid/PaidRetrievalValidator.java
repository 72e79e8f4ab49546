package io.ferry.validators.paid;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.spi.RequestValidator;
import io.ferry.channels.spi.Revalidator;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.ValidationUpdates;
import io.ferry.validators.VoucherCodec;
import io.ferry.validators.paid.RetrievalPayment.PaymentClaim;
import io.ferry.validators.paid.RetrievalResult.Kind;
import io.ferry.validators.signed.SeenNonces;
import io.ferry.validators.signed.VoucherRefusal;
import io.ferry.validators.signed.VoucherVerifier;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

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
 * All answers are computed synchronously (the registry calls plug-ins off the engine's threads);
 * ledger writes are fsynced before the answer is returned.
 */
public final class PaidRetrievalValidator
    implements RequestValidator<RetrievalProposal>, Revalidator<RetrievalPayment> {
  private final PeerId self;
  private final Optional<PaidRetrievalTerms> asking;
  private final ResponderLedger ledger;
  private final VoucherVerifier verifier;
  private final VoucherCodec codec = VoucherCodec.standard();
  private final PeerCredit credit;
  private final ValidationUpdates updates;

  /** Paid-up channels waiting for their peer's credit (guarded by the ledger's lock). */
  private final CreditQueue waiting = new CreditQueue();

  /** Channels opened or restarted since this node started and not finished: they may send more. */
  private final Set<ChannelId> running = ConcurrentHashMap.newKeySet();

  /**
   * Channels whose sender holds before a block that would cross their limit, with that block's
   * size: their limit is raised to cover the block once what they sent is paid for (within the
   * peer's credit). Forgotten when data moves; after a restart the sender reports its hold again.
   */
  private final Map<ChannelId, Long> heldBefore = new ConcurrentHashMap<>();

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
    this.credit = credit;
    this.ledger = ledger;
    this.verifier = new VoucherVerifier(self, clock);
    this.updates = updates;
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
        // A new request for a channel the ledger knows but that has moved nothing and been paid
        // nothing: the node died between its ledger's write and the channel's (issue 19, 3), and
        // the initiator asks again. Opening it again resets nothing; anything else is refused.
        boolean untouched = existing.get().bytesSent() == 0 && existing.get().payments() == 0;
        if (!request.isRestart() && !untouched) {
          return done(refuse("channel " + channel + " is already open"));
        }
        if (!existing.get().terms().equals(request.voucher().terms())) {
          return done(refuse("a restart must keep the channel's terms"));
        }
        return done(resumeAccounting(channel, caughtUp(channel, existing.get(), request)));
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
      long others = othersExposure(channel);
      long cap = credit.limitCap(PaidChannel.opened(terms), others);
      if (cap <= 0 && credit.limitCap(PaidChannel.opened(terms), othersDebt(channel)) <= 0) {
        // What the peer's channels sent and it did not pay for uses its whole credit: it pays
        // first. Credit merely reserved by its running channels comes back as they go on.
        return done(refuse(creditExhausted(channel, others)));
      }
      boolean wait = cap <= 0 || waiting.anyOf(channel.initiator());
      PaidChannel opened = ledger.open(channel, terms, wait ? 0 : Math.min(terms.interval(0), cap));
      running.add(channel);
      if (opened.unsealDue()) {
        return done(
            limited(ValidationResult.pause("unseal price due"), opened)
                .withVoucherResult(
                    result(
                        Kind.PAYMENT_DUE, opened, "unseal price " + terms.unsealPrice() + " due")));
      }
      if (wait) {
        // Opened paused, sending nothing, behind the peer's channels that wait already.
        opened = grantInTurn(channel);
        if (opened.atLimit()) {
          return done(waitingForCredit(channel, opened));
        }
      }
      return done(
          ValidationResult.accept()
              .withDataLimit(opened.dataLimit())
              .withVoucherResult(result(Kind.ACCEPTED, opened, "accepted")));
    }
  }

  /**
   * What {@code channel}'s peer may hold unpaid on its other channels. A channel waiting for credit
   * sends nothing: it counts what it sent, without the margin of a block a sender keeps.
   */
  private long othersExposure(ChannelId channel) {
    return credit.exposureOf(
        ledger.unsettledOf(channel.initiator()),
        c -> running.contains(c) && !waiting.contains(c),
        channel);
  }

  /** What the other channels of {@code channel}'s peer sent and it has not paid for. */
  private long othersDebt(ChannelId channel) {
    return credit.exposureOf(ledger.unsettledOf(channel.initiator()), c -> false, channel);
  }

  private String creditExhausted(ChannelId channel, long others) {
    return "credit exhausted: peer "
        + channel.initiator()
        + " has "
        + others
        + " bytes unpaid or on credit across its other channels and this node extends at most "
        + credit.perPeer()
        + " bytes of credit to one peer; pay for those channels (or let them finish), then try"
        + " again";
  }

  /**
   * Grants ahead ({@link PaidChannel#grantAhead}) as far as the peer's credit allows, and not while
   * other channels of the peer wait for it.
   */
  private PaidChannel grantAhead(ChannelId channel) {
    PaidChannel account = ledger.channel(channel).orElseThrow();
    if (waiting.anyOf(channel.initiator())) {
      return account;
    }
    return ledger.grantAhead(channel, credit.limitCap(account, othersExposure(channel)));
  }

  /**
   * The account with its next intervals granted until the limit covers the block held back (or one
   * byte more), as far as the peer's credit allows: the limit never lies beyond what the other
   * channels of the peer leave (it stays where it is when they leave nothing).
   */
  private PaidChannel grantWithinCredit(ChannelId channel, PaidChannel account) {
    long block = heldBefore.getOrDefault(channel, 0L);
    PaidChannel next = account.grantUntil(Math.addExact(account.bytesSent(), Math.max(1, block)));
    long cap = credit.limitCap(account, othersExposure(channel));
    if (next.dataLimit() <= cap) {
      return next;
    }
    return next.withLimit(Math.max(cap, account.dataLimit()), next.intervals());
  }

  /**
   * The account of a restarted channel counting at least the bytes the channel's own journal says
   * it sent. Byte progress reaches this ledger after the channel's journal and is made durable only
   * with the next payment request, so a node killed in between came back with sent bytes the ledger
   * never charged: the channel waited at its limit for a payment nobody asked for (bench/chaos, a
   * provider killed while paid pulls moved; issue 19, 3). What the ledger counted beyond the
   * channel's figure stays (it is what left, and the channel's count may lag as well).
   */
  private PaidChannel caughtUp(
      ChannelId channel, PaidChannel account, ValidationRequest<RetrievalProposal> request) {
    long missing = request.bytesMoved() - account.bytesSent();
    if (!request.isRestart() || missing <= 0) {
      return account;
    }
    boolean reachesLimit = request.bytesMoved() >= account.dataLimit();
    return ledger.recordSent(channel, missing, reachesLimit);
  }

  /**
   * A restarted channel continues where its account stands: a payment due (the unseal price, at the
   * limit, or the final one after the last byte) is asked for again, since the request and a
   * voucher answering it may both have been lost with the connection.
   */
  private ValidationResult resumeAccounting(ChannelId channel, PaidChannel account) {
    if (account.finished() && account.outstanding() > 0) {
      return paymentDue(account).withFinalization();
    }
    long others = othersExposure(channel);
    long cap = credit.limitCap(account, others);
    if (!account.finished() && account.dataLimit() > cap) {
      long lowered = Math.max(cap, account.bytesSent());
      account = ledger.changeLimit(channel, a -> a.withLimit(lowered, a.intervals()));
    }
    running.add(channel);
    if (account.unsealDue() || account.paymentDue()) {
      return paymentDue(account);
    }
    if (!account.finished() && account.atLimit()) {
      // Paid up to its limit: it goes on when its peer's credit allows, in its turn.
      account = grantInTurn(channel);
      if (account.atLimit()) {
        return waitingForCredit(channel, account);
      }
      // Credit found at once; the channel may still be paused from before the restart (waiting
      // for credit then), which an accepted restart does not lift: the recheck, in the channel's
      // turn after this answer, resumes it.
      updates.recheck(channel);
    }
    return ValidationResult.accept()
        .withDataLimit(account.dataLimit())
        .withVoucherResult(result(Kind.ACCEPTED, account, "restarted"));
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
      // A voucher credited already is answered again, not refused as a replay: after a crash of
      // either side the payer sends its last voucher again, and it counts once (issue 19, 3).
      boolean repeat = ledger.isSeen(channelId, payment.voucher().nonce());
      SeenNonces seen = repeat ? (c, n) -> false : ledger;
      Optional<VoucherRefusal> refusal =
          verifier.verify(payment.voucher(), RetrievalPayment.KIND, channelId, seen);
      if (refusal.isPresent()) {
        return done(
            ValidationResult.reject("payment refused: " + refusal.get().message())
                .withVoucherResult(
                    new RetrievalResult(
                        Kind.REFUSED,
                        account.get().owed(),
                        account.get().received(),
                        account.get().dataLimit(),
                        refusal.get().message(),
                        refusal.get())));
      }
      PaymentClaim claim;
      try {
        claim = codec.decode(payment.voucher().terms(), PaymentClaim.class);
      } catch (IllegalArgumentException e) {
        return done(refuse("payment claim unreadable: " + e.getMessage()));
      }
      PaidChannel after;
      if (repeat) {
        after = ledger.channel(channelId).orElseThrow();
        if (claim.cumulativeAmount() > after.received()) {
          return done(
              refuse(
                  "payment refused: nonce "
                      + payment.voucher().nonce()
                      + " was used on this channel for a smaller amount"));
        }
      } else {
        // Older channels of the peer waiting for credit get it first.
        boolean others = waiting.anyOf(channelId.initiator()) && !waiting.contains(channelId);
        after =
            ledger.recordPayment(
                channelId,
                payment.voucher().nonce(),
                claim.cumulativeAmount(),
                a -> others ? a : grantWithinCredit(channelId, a));
      }
      if ((after.atLimit() || held(channelId, after))
          && after.outstanding() == 0
          && !after.finished()) {
        // Paid up to the limit or the block held back: the limit rises to cover it, within the
        // credit and in its turn.
        after = grantInTurn(channelId);
      } else {
        wake(channelId.initiator(), channelId); // the payment may free credit for the others
      }
      boolean blocked = after.atLimit() || held(channelId, after);
      if (after.outstanding() > 0 && !blocked && !after.finished()) {
        // Paid as the data arrives, ahead of the limit: credited, and the limit moves on once the
        // payments reach past the middle of the interval.
        PaidChannel ahead = grantAhead(channelId);
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
        return done(waitingForCredit(channelId, after));
      }
      PaidChannel ahead = grantAhead(channelId);
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
      heldBefore.remove(channelId);
      boolean reachesLimit =
          account.get().bytesSent() + additionalBytesSent >= account.get().dataLimit();
      PaidChannel after = ledger.recordSent(channelId, additionalBytesSent, reachesLimit);
      if (!after.atLimit()) {
        PaidChannel ahead = grantAhead(channelId);
        return done(
            Optional.of(
                ahead.dataLimit() == after.dataLimit()
                    ? ValidationResult.accept()
                    : ValidationResult.accept().withDataLimit(ahead.dataLimit())));
      }
      if (after.outstanding() == 0) {
        PaidChannel raised = grantInTurn(channelId);
        if (raised.atLimit()) {
          return done(Optional.of(waitingForCredit(channelId, raised)));
        }
        raised = grantAhead(channelId);
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
      heldBefore.put(channelId, block);
      if (account.get().outstanding() > 0) {
        // The limit comes down to the bytes sent: the channel is at its limit, durably (a restart
        // of either side asks for this payment again), and the unused rest of the interval goes
        // back to the peer's credit. Paid, the limit rises to cover the block.
        PaidChannel at =
            ledger.changeLimit(channelId, a -> a.withLimit(a.bytesSent(), a.intervals()));
        return done(Optional.of(paymentDue(at)));
      }
      PaidChannel raised = grantInTurn(channelId);
      if (held(channelId, raised)) {
        return done(Optional.of(waitingForCredit(channelId, raised)));
      }
      return done(Optional.of(ValidationResult.accept().withDataLimit(raised.dataLimit())));
    }
  }

  /** Whether {@code account}'s sender holds before a block its limit does not cover. */
  private boolean held(ChannelId channelId, PaidChannel account) {
    Long block = heldBefore.get(channelId);
    return block != null && account.bytesSent() + block > account.dataLimit();
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
        wake(channelId.initiator(), null);
        return done(Optional.of(paymentDue(finished).withFinalization()));
      }
      ledger.settle(channelId);
      wake(channelId.initiator(), null);
      return done(Optional.of(ValidationResult.accept()));
    }
  }

  /**
   * A channel waiting for credit was said to be worth asking again ({@link #wake}): it resumes if
   * it is paid up and its limit now covers what it holds back, else it stays as it is.
   */
  @Override
  public CompletionStage<Optional<ValidationResult>> onRecheck(ChannelId channelId) {
    synchronized (ledger) {
      Optional<PaidChannel> found = ledger.channel(channelId);
      if (found.isEmpty() || waiting.contains(channelId) || !running.contains(channelId)) {
        return done(Optional.empty());
      }
      PaidChannel account = found.get();
      if (account.finished()
          || account.outstanding() > 0
          || account.atLimit()
          || held(channelId, account)) {
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
      if (ledger.channel(channelId).isPresent() && running.contains(channelId)) {
        forget(channelId);
        wake(channelId.initiator(), null);
      }
    }
  }

  private void forget(ChannelId channelId) {
    running.remove(channelId);
    heldBefore.remove(channelId);
    waiting.remove(channelId);
  }

  /**
   * A paid-up channel needs more than its limit: it waits behind the peer's channels that waited
   * before it, and the peer's credit goes to them in order ({@link #wake}). Answers its account
   * after: with a higher limit when its turn came, else at its limit, waiting.
   */
  private PaidChannel grantInTurn(ChannelId channel) {
    // It asks, so it runs here: a channel whose data resumed without a new validation (after a
    // restart of this node) is not lost from the queue for want of one.
    running.add(channel);
    waiting.add(channel);
    wake(channel.initiator(), channel);
    return ledger.channel(channel).orElseThrow();
  }

  /**
   * Gives {@code peer}'s credit to its waiting channels, oldest first, as far as it goes: each gets
   * the intervals that cover what it holds back (not more, so the next can have the rest), and the
   * first that does not fit stops the round (a younger channel does not overtake it). Those granted
   * are asked again through the node ({@link ValidationUpdates#recheck}), except {@code asking},
   * the channel whose own call this is, which learns it from the answer.
   */
  private void wake(PeerId peer, ChannelId asking) {
    for (ChannelId channel : waiting.of(peer)) {
      Optional<PaidChannel> account = ledger.channel(channel);
      if (account.isEmpty()
          || account.get().finished()
          || account.get().outstanding() > 0
          || !running.contains(channel)) {
        waiting.remove(channel); // no longer waiting for credit: its own calls decide
        continue;
      }
      PaidChannel next = grantWithinCredit(channel, account.get());
      if (next.atLimit() || held(channel, next)) {
        return;
      }
      ledger.changeLimit(channel, a -> grantWithinCredit(channel, a));
      waiting.remove(channel);
      if (!channel.equals(asking)) {
        updates.recheck(channel);
      }
    }
  }

  /**
   * A paid-up channel at its limit whose peer has no credit left for it: it waits, paused, in the
   * peer's queue, and resumes when the credit comes back ({@link #wake}, {@link #onRecheck}).
   * Nothing is asked of the client: it has paid what it owes.
   */
  private ValidationResult waitingForCredit(ChannelId channel, PaidChannel account) {
    String why = creditExhausted(channel, othersExposure(channel));
    return limited(ValidationResult.pause(why), account)
        .withVoucherResult(result(Kind.WAITING_FOR_CREDIT, account, why));
  }

  private static ValidationResult paymentDue(PaidChannel account) {
    String why = "payment due: owed " + account.owed() + ", paid " + account.received();
    return limited(ValidationResult.pause(why), account)
        .withVoucherResult(result(Kind.PAYMENT_DUE, account, why));
  }

  /**
   * {@code answer} with the account's data limit, when it has one: a channel opened while its peer
   * had no credit has a limit of 0 in the ledger (nothing may be sent), which the engine would take
   * as no limit at all; it stays paused until credit gives it one.
   */
  private static ValidationResult limited(ValidationResult answer, PaidChannel account) {
    return account.dataLimit() > 0 ? answer.withDataLimit(account.dataLimit()) : answer;
  }

  private static RetrievalResult result(Kind kind, PaidChannel account, String reason) {
    return new RetrievalResult(
        kind, account.owed(), account.received(), account.dataLimit(), reason, null);
  }

  private static ValidationResult refuse(String reason) {
    return ValidationResult.reject(reason)
        .withVoucherResult(new RetrievalResult(Kind.REFUSED, 0, 0, 0, reason, null));
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
