package io.ferry.validators.paid;

import io.ferry.channels.ChannelId;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The credit side of a responder's paid channels: how far a channel's data limit may go while the
 * other channels of its peer hold part of the peer's credit ({@link PeerCredit}). It knows which
 * channels may send (opened or restarted since this node started, and not ended), which wait for
 * credit ({@link CreditQueue}: they send nothing, so they count what they sent without a limit and
 * its margin) and which hold before a block that would cross their limit. The validator calls it
 * holding its ledger's lock.
 */
final class CreditLimits {
  private final ResponderLedger ledger;
  private final PeerCredit credit;
  private final CreditQueue waiting;

  /** Channels opened or restarted since this node started and not finished: they may send more. */
  private final Set<ChannelId> running = ConcurrentHashMap.newKeySet();

  /**
   * Channels whose sender holds before a block that would cross their limit, with that block's
   * size: their limit is raised to cover the block once what they sent is paid for (within the
   * peer's credit). Forgotten when data moves; after a restart the sender reports its hold again.
   */
  private final Map<ChannelId, Long> heldBefore = new ConcurrentHashMap<>();

  /**
   * @param waiting the channels waiting for credit, which {@link CreditTurns} keeps
   */
  CreditLimits(ResponderLedger ledger, PeerCredit credit, CreditQueue waiting) {
    this.ledger = ledger;
    this.credit = credit;
    this.waiting = waiting;
  }

  /** {@code channel} may send: it was opened, restarted or asked for credit on this node. */
  void runs(ChannelId channel) {
    running.add(channel);
  }

  boolean isRunning(ChannelId channel) {
    return running.contains(channel);
  }

  /** {@code channel}'s sender holds before a block of {@code block} bytes. */
  void holdsBefore(ChannelId channel, long block) {
    heldBefore.put(channel, block);
  }

  /** {@code channel}'s data moved: whatever it held before went. */
  void moved(ChannelId channel) {
    heldBefore.remove(channel);
  }

  /** {@code channel} ended (or finished sending): it sends nothing more. */
  void forget(ChannelId channel) {
    running.remove(channel);
    heldBefore.remove(channel);
  }

  /** Whether {@code account}'s sender holds before a block its limit does not cover. */
  boolean held(ChannelId channel, PaidChannel account) {
    Long block = heldBefore.get(channel);
    return block != null && account.bytesSent() + block > account.dataLimit();
  }

  /**
   * What {@code channel}'s peer may hold unpaid on its other channels. A channel waiting for credit
   * sends nothing: it counts what it sent, without the margin of a block a sender keeps.
   */
  long othersExposure(ChannelId channel) {
    return credit.exposureOf(
        ledger.unsettledOf(channel.initiator()),
        c -> running.contains(c) && !waiting.contains(c),
        channel);
  }

  /** What the other channels of {@code channel}'s peer sent and it has not paid for. */
  long othersDebt(ChannelId channel) {
    return credit.exposureOf(ledger.unsettledOf(channel.initiator()), c -> false, channel);
  }

  /**
   * The highest data limit {@code account} may have while the peer's other channels have {@code
   * others} between them.
   */
  long cap(PaidChannel account, long others) {
    return credit.limitCap(account, others);
  }

  /**
   * Grants ahead ({@link PaidChannel#grantAhead}) as far as the peer's credit allows, and not while
   * other channels of the peer wait for it.
   */
  PaidChannel grantAhead(ChannelId channel) {
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
  PaidChannel grantWithinCredit(ChannelId channel, PaidChannel account) {
    long block = heldBefore.getOrDefault(channel, 0L);
    PaidChannel next = account.grantUntil(Math.addExact(account.bytesSent(), Math.max(1, block)));
    long cap = credit.limitCap(account, othersExposure(channel));
    if (next.dataLimit() <= cap) {
      return next;
    }
    return next.withLimit(Math.max(cap, account.dataLimit()), next.intervals());
  }

  /** Why {@code channel} gets no (more) credit, its peer's other channels having {@code others}. */
  String exhausted(ChannelId channel, long others) {
    return "credit exhausted: peer "
        + channel.initiator()
        + " has "
        + others
        + " bytes unpaid or on credit across its other channels and this node extends at most "
        + credit.perPeer()
        + " bytes of credit to one peer; pay for those channels (or let them finish), then try"
        + " again";
  }
}
