package io.ferry.validators.paid;

import static io.ferry.validators.paid.PaidAnswers.paymentDue;
import static io.ferry.validators.paid.PaidAnswers.refuse;
import static io.ferry.validators.paid.PaidAnswers.result;

import io.ferry.channels.ChannelId;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.validators.paid.RetrievalResult.Kind;

/**
 * A paid pull the ledger knows asks to be opened again: restarted by either side, or opened again
 * after this node died between its ledger's write and the channel's. It continues where its account
 * stands, within its peer's credit as it is now. The validator calls it holding its ledger's lock.
 */
final class Reopenings {
  private final ResponderLedger ledger;
  private final CreditLimits limits;
  private final CreditTurns turns;

  Reopenings(ResponderLedger ledger, CreditLimits limits, CreditTurns turns) {
    this.ledger = ledger;
    this.limits = limits;
    this.turns = turns;
  }

  /** The answer to {@code request} for a channel whose account is {@code existing}. */
  ValidationResult reopen(ValidationRequest<RetrievalProposal> request, PaidChannel existing) {
    ChannelId channel = request.channelId();
    // A new request for a channel the ledger knows but that has moved nothing and been paid
    // nothing: the node died between its ledger's write and the channel's (issue 19, 3), and
    // the initiator asks again. Opening it again resets nothing; anything else is refused.
    boolean untouched = existing.bytesSent() == 0 && existing.payments() == 0;
    if (!request.isRestart() && !untouched) {
      return refuse("channel " + channel + " is already open");
    }
    if (!existing.terms().equals(request.voucher().terms())) {
      return refuse("a restart must keep the channel's terms");
    }
    return resumeAccounting(channel, caughtUp(channel, existing, request));
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
   * voucher answering it may both have been lost with the connection. Also the answer to a recheck
   * of a channel not validated since this node started (answered again without a validation).
   */
  ValidationResult resumeAccounting(ChannelId channel, PaidChannel account) {
    if (account.finished() && account.outstanding() > 0) {
      return paymentDue(account).withFinalization();
    }
    long others = limits.othersExposure(channel);
    long cap = limits.cap(account, others);
    if (!account.finished() && account.dataLimit() > cap) {
      long lowered = Math.max(cap, account.bytesSent());
      account = ledger.changeLimit(channel, a -> a.withLimit(lowered, a.intervals()));
    }
    limits.runs(channel);
    if (account.unsealDue() || account.paymentDue()) {
      return paymentDue(account);
    }
    if (!account.finished() && account.atLimit()) {
      // Paid up to its limit: it goes on when its peer's credit allows, in its turn.
      account = turns.grantInTurn(channel);
      if (account.atLimit()) {
        return turns.waitingForCredit(channel, account);
      }
    }
    if (!account.finished()) {
      // It may go on within its limit, but may still be paused from before the restart (waiting
      // for credit then, or before a block its limit did not cover, which this node no longer
      // knows of), and an accepted restart does not lift a pause: the recheck, in the channel's
      // turn after this answer, resumes it, and a block still beyond the limit is held again and
      // asked about (bench/chaos: a pull paused before a 1 MiB block, the provider killed, stayed
      // paused for good after its restart was accepted).
      turns.askAgain(channel);
    }
    return ValidationResult.accept()
        .withDataLimit(account.dataLimit())
        .withVoucherResult(result(Kind.ACCEPTED, account, "restarted"));
  }
}
