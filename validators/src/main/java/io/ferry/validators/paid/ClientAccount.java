package io.ferry.validators.paid;

import io.ferry.channels.Status;

/**
 * The client's account of one paid channel. Immutable.
 *
 * @param terms the terms agreed to
 * @param reserved budget set aside for the channel in all
 * @param issued the largest cumulative amount signed in a voucher
 * @param acknowledged the largest cumulative amount the responder confirmed
 * @param lastNonce the last voucher nonce used (the next voucher uses {@code lastNonce + 1})
 * @param vouchers how many vouchers were issued
 * @param endedAs the terminal status the channel ended with, or null while it runs
 */
public record ClientAccount(
    PaidRetrievalTerms terms,
    long reserved,
    long issued,
    long acknowledged,
    long lastNonce,
    long vouchers,
    Status endedAs) {

  /** Whether the channel has ended. */
  public boolean ended() {
    return endedAs != null;
  }

  /**
   * What the channel has spent: while it runs, what the responder acknowledged; once ended,
   * everything signed (the responder holds those vouchers).
   */
  public long spent() {
    return ended() ? issued : acknowledged;
  }

  /** What the channel holds of the budget: its reservation while running, its spending after. */
  public long held() {
    return ended() ? issued : Math.max(reserved, issued);
  }

  ClientAccount withReserved(long total) {
    return new ClientAccount(
        terms, Math.max(reserved, total), issued, acknowledged, lastNonce, vouchers, endedAs);
  }

  ClientAccount withIssued(long nonce, long cumulative) {
    return new ClientAccount(
        terms, reserved, Math.max(issued, cumulative), acknowledged, nonce, vouchers + 1, endedAs);
  }

  ClientAccount withAcknowledged(long amount) {
    return new ClientAccount(
        terms, reserved, issued, Math.max(acknowledged, amount), lastNonce, vouchers, endedAs);
  }

  ClientAccount endedWith(Status status) {
    return new ClientAccount(terms, reserved, issued, acknowledged, lastNonce, vouchers, status);
  }
}
