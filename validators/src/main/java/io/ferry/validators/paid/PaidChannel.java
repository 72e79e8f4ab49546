package io.ferry.validators.paid;

/**
 * The responder's account of one paid channel. Immutable; the ledger folds its journal entries into
 * a new value.
 *
 * @param terms the terms the channel was opened with
 * @param bytesSent first-time bytes sent so far
 * @param dataLimit bytes the channel may send before the next payment is due
 * @param intervals how many payment intervals were granted (the next one is {@code
 *     terms.interval(intervals)} long)
 * @param received the cumulative amount paid (the largest valid voucher)
 * @param payments how many payment vouchers were credited
 * @param settled whether the channel completed with nothing owed
 * @param finished whether the channel sent all its data (its final payment may still be due)
 */
public record PaidChannel(
    PaidRetrievalTerms terms,
    long bytesSent,
    long dataLimit,
    long intervals,
    long received,
    long payments,
    boolean settled,
    boolean finished) {

  /** A new channel, its first interval granted. */
  static PaidChannel opened(PaidRetrievalTerms terms) {
    return new PaidChannel(terms, 0, terms.interval(0), 1, 0, 0, false, false);
  }

  /** The cumulative amount owed for what was sent. */
  public long owed() {
    return terms.owedFor(bytesSent);
  }

  /** What is owed and not paid yet. */
  public long outstanding() {
    return Math.max(0, owed() - received);
  }

  /** Whether the channel has sent all its data limit allows. */
  public boolean atLimit() {
    return bytesSent >= dataLimit;
  }

  /** Whether the up-front unseal price is still unpaid. */
  public boolean unsealDue() {
    return received < terms.unsealPrice();
  }

  /**
   * The channel after payment up to {@link #owed()}: when at its limit, the next intervals are
   * granted until the limit lies ahead of the bytes sent.
   */
  PaidChannel grantNextIntervals() {
    return grantUntil(Math.addExact(bytesSent, 1));
  }

  /**
   * The channel with the next intervals granted until its limit reaches at least {@code needed}
   * bytes: a channel held before a block that would cross its limit gets a limit that covers the
   * block ({@code needed} = bytes sent + the block), however small the intervals are.
   */
  PaidChannel grantUntil(long needed) {
    long limit = dataLimit;
    long granted = intervals;
    while (limit < needed) {
      limit = Math.addExact(limit, terms.interval(granted));
      granted++;
    }
    return new PaidChannel(terms, bytesSent, limit, granted, received, payments, settled, finished);
  }

  /**
   * Pay as you go: while what is both sent and paid for reaches past the middle of the last
   * interval granted, the next interval is granted too, so that a client paying as its data arrives
   * never meets the limit (and a free channel never stops at it). What the responder extends on
   * credit stays within half an interval plus the next one.
   */
  PaidChannel grantAhead() {
    long covered = Math.min(paidBytes(), bytesSent);
    long limit = dataLimit;
    long granted = intervals;
    while (covered >= limit - terms.interval(Math.max(0, granted - 1)) / 2) {
      limit = Math.addExact(limit, terms.interval(granted));
      granted++;
    }
    return new PaidChannel(terms, bytesSent, limit, granted, received, payments, settled, finished);
  }

  /** The bytes the payments received pay for (any number when bytes cost nothing). */
  private long paidBytes() {
    if (received < terms.unsealPrice()) {
      return 0;
    }
    return terms.pricePerByte() == 0
        ? Long.MAX_VALUE
        : (received - terms.unsealPrice()) / terms.pricePerByte();
  }

  PaidChannel withBytesSent(long bytes) {
    return new PaidChannel(
        terms, bytes, dataLimit, intervals, received, payments, settled, finished);
  }

  PaidChannel withPayment(long cumulative) {
    return new PaidChannel(
        terms,
        bytesSent,
        dataLimit,
        intervals,
        Math.max(received, cumulative),
        payments + 1,
        settled,
        finished);
  }

  PaidChannel withLimit(long limit, long granted) {
    return new PaidChannel(terms, bytesSent, limit, granted, received, payments, settled, finished);
  }

  PaidChannel asSettled() {
    return new PaidChannel(
        terms, bytesSent, dataLimit, intervals, received, payments, true, finished);
  }

  PaidChannel asFinished() {
    return new PaidChannel(
        terms, bytesSent, dataLimit, intervals, received, payments, settled, true);
  }

  /** Whether a payment is due now: at the limit or after the last byte, with something owed. */
  public boolean paymentDue() {
    return (atLimit() || finished) && outstanding() > 0;
  }
}
