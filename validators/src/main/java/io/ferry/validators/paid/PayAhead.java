package io.ferry.validators.paid;

/**
 * When a client pays as its data arrives (pay as you go, as go-data-transfer's retrieval clients
 * do) instead of waiting for the responder to stop at its data limit and ask: once the data
 * received and not paid for reaches half of the payment interval it lies in. The responder grants
 * the next interval once the payments reach past the middle of the last one ({@link
 * PaidChannel#grantAhead}), so the data never stops; a request at the limit stays the fallback. The
 * client still pays only for bytes it has received.
 */
final class PayAhead {
  private PayAhead() {}

  /**
   * Whether to pay for {@code received} bytes now, {@code issued} having been signed so far.
   *
   * @param terms the channel's terms
   * @param issued the cumulative amount of the vouchers signed so far
   * @param received the bytes received so far
   */
  static boolean due(PaidRetrievalTerms terms, long issued, long received) {
    if (terms.pricePerByte() == 0 || issued < terms.unsealPrice()) {
      return false;
    }
    long paidBytes = (issued - terms.unsealPrice()) / terms.pricePerByte();
    long start = 0;
    long index = 0;
    while (start + terms.interval(index) <= paidBytes) {
      start += terms.interval(index);
      index++;
    }
    return received - paidBytes >= Math.max(1, terms.interval(index) / 2);
  }
}
