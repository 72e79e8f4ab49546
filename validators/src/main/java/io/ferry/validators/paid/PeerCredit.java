package io.ferry.validators.paid;

import io.ferry.channels.ChannelId;
import java.util.Map;
import java.util.function.Predicate;

/**
 * How much a responder lets one counterparty take without paying, across all its channels: the
 * credit a peer cannot multiply by opening more channels (one per leaf of a file, say), by
 * restarting them or by walking away after the data arrived.
 *
 * <p>A channel's <em>exposure</em> is what it may have sent unpaid: for a channel still sending,
 * its data limit plus one block (a margin: the sender holds before a block that would cross its
 * limit, so none ends beyond it) minus the bytes its payments cover; for one that finished (or is
 * no longer running here), the bytes it sent minus those its payments cover. A new limit is granted
 * only while the peer's exposure stays within {@code perPeer}, so no block that would take a peer
 * past its credit is sent before it pays.
 *
 * @param perPeer the most bytes one peer may hold unpaid across its channels
 * @param largestBlock the largest block this node serves (kept as a margin in each running
 *     channel's exposure)
 */
public record PeerCredit(long perPeer, long largestBlock) {
  /** The largest block assumed when none is configured: the largest UnixFS chunk in common use. */
  static final long DEFAULT_LARGEST_BLOCK = 1 << 20;

  public PeerCredit {
    if (largestBlock <= 0) {
      throw new IllegalArgumentException("largest block must be > 0, was " + largestBlock);
    }
    if (perPeer <= largestBlock) {
      throw new IllegalArgumentException(
          "credit per peer ("
              + perPeer
              + " bytes) must be larger than the largest block ("
              + largestBlock
              + " bytes), or no channel could send anything");
    }
  }

  /**
   * The default for terms with {@code paymentInterval}: 16 MiB, or four intervals and a block when
   * that is more.
   */
  static PeerCredit defaultFor(long paymentInterval) {
    long four = Math.multiplyExact(4, Math.addExact(paymentInterval, DEFAULT_LARGEST_BLOCK));
    return new PeerCredit(Math.max(16L << 20, four), DEFAULT_LARGEST_BLOCK);
  }

  /**
   * What {@code account} may have sent without being paid for, in bytes.
   *
   * @param running whether the channel may still send (opened or restarted since this node started,
   *     and not finished)
   */
  long exposure(PaidChannel account, boolean running) {
    if (account.settled()) {
      return 0;
    }
    long reach =
        running && !account.finished()
            ? Math.max(saturatedAdd(account.dataLimit(), largestBlock), account.bytesSent())
            : account.bytesSent();
    return Math.max(0, reach - paidBytes(account));
  }

  /**
   * The highest data limit {@code account} may be given while the other channels of its peer have
   * {@code othersExposure} between them.
   */
  long limitCap(PaidChannel account, long othersExposure) {
    long room = perPeer - othersExposure - largestBlock;
    return saturatedAdd(paidBytes(account), room);
  }

  /** The bytes the channel's payments cover (beyond its unseal price). */
  static long paidBytes(PaidChannel account) {
    PaidRetrievalTerms terms = account.terms();
    if (terms.pricePerByte() == 0) {
      return account.received() >= terms.unsealPrice() ? Long.MAX_VALUE / 2 : 0;
    }
    return Math.max(0, account.received() - terms.unsealPrice()) / terms.pricePerByte();
  }

  /** The sum of the exposures of {@code accounts} except {@code excluded}. */
  long exposureOf(
      Map<ChannelId, PaidChannel> accounts, Predicate<ChannelId> running, ChannelId excluded) {
    long total = 0;
    for (Map.Entry<ChannelId, PaidChannel> e : accounts.entrySet()) {
      if (!e.getKey().equals(excluded)) {
        total = saturatedAdd(total, exposure(e.getValue(), running.test(e.getKey())));
      }
    }
    return total;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    if (((a ^ sum) & (b ^ sum)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return sum;
  }
}
