package io.ferry.validators.paid;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.ValidationUpdates;
import java.util.Optional;

/**
 * The turns of a peer's paid-up channels at its credit: a channel that needs more than its limit
 * waits behind those of its peer that waited before it ({@link CreditQueue}), and credit that comes
 * back (a payment, a channel that ends) goes to them oldest first ({@link #wake}). A channel whose
 * turn came is asked again through the node ({@link ValidationUpdates#recheck}), which answers it
 * in the channel's own turn. The validator calls it holding its ledger's lock.
 */
final class CreditTurns {
  private final ResponderLedger ledger;
  private final CreditLimits limits;
  private final CreditQueue waiting;
  private final ValidationUpdates updates;

  /**
   * @param waiting the queue {@code limits} reads too (a waiting channel counts what it sent only)
   * @param updates where a channel whose turn came is said to be worth asking again
   */
  CreditTurns(
      ResponderLedger ledger, CreditLimits limits, CreditQueue waiting, ValidationUpdates updates) {
    this.ledger = ledger;
    this.limits = limits;
    this.waiting = waiting;
    this.updates = updates;
  }

  /** Whether {@code channel} waits for its peer's credit. */
  boolean waits(ChannelId channel) {
    return waiting.contains(channel);
  }

  /** Whether some channel of {@code peer} waits for its credit. */
  boolean anyWaiting(PeerId peer) {
    return waiting.anyOf(peer);
  }

  /**
   * Whether channels of {@code channel}'s peer wait for its credit, {@code channel} not among them.
   */
  boolean othersWait(ChannelId channel) {
    return waiting.anyOf(channel.initiator()) && !waiting.contains(channel);
  }

  /** {@code channel} ended: it waits no more. */
  void forget(ChannelId channel) {
    waiting.remove(channel);
  }

  /**
   * Asks the node to ask {@code channel} again: credit was found for it at once in a call whose
   * answer cannot lift a pause from before (a restart accepted while it waited for credit).
   */
  void askAgain(ChannelId channel) {
    updates.recheck(channel);
  }

  /**
   * A paid-up channel needs more than its limit: it waits behind the peer's channels that waited
   * before it, and the peer's credit goes to them in order ({@link #wake}). Answers its account
   * after: with a higher limit when its turn came, else at its limit, waiting.
   */
  PaidChannel grantInTurn(ChannelId channel) {
    // It asks, so it runs here: a channel whose data resumed without a new validation (after a
    // restart of this node) is not lost from the queue for want of one.
    limits.runs(channel);
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
   *
   * @param asking the channel whose call this is, or null
   */
  void wake(PeerId peer, ChannelId asking) {
    for (ChannelId channel : waiting.of(peer)) {
      Optional<PaidChannel> account = ledger.channel(channel);
      if (account.isEmpty()
          || account.get().finished()
          || account.get().outstanding() > 0
          || !limits.isRunning(channel)) {
        waiting.remove(channel); // no longer waiting for credit: its own calls decide
        continue;
      }
      PaidChannel next = limits.grantWithinCredit(channel, account.get());
      if (next.atLimit() || limits.held(channel, next)) {
        return;
      }
      ledger.changeLimit(channel, a -> limits.grantWithinCredit(channel, a));
      waiting.remove(channel);
      if (!channel.equals(asking)) {
        updates.recheck(channel);
      }
    }
  }

  /**
   * A paid-up channel at its limit whose peer has no credit left for it: it waits, paused, in the
   * peer's queue, and resumes when the credit comes back ({@link #wake}, {@link
   * PaidRetrievalValidator#onRecheck}). Nothing is asked of the client: it has paid what it owes.
   */
  ValidationResult waitingForCredit(ChannelId channel, PaidChannel account) {
    return PaidAnswers.waitingForCredit(
        account, limits.exhausted(channel, limits.othersExposure(channel)));
  }
}
