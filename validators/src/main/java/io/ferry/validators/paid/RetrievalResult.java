package io.ferry.validators.paid;

import io.ferry.validators.signed.VoucherRefusal;

/**
 * What the responder tells the client, as a voucher result.
 *
 * @param kind what happened
 * @param owed the cumulative amount owed for the bytes sent so far (unseal price included)
 * @param received the cumulative amount the responder has been paid
 * @param dataLimit the channel's data limit after this answer (bytes)
 * @param reason a sentence for people, e.g. "underpaid: owed 6000, paid 5000"
 * @param refusal for {@link Kind#REFUSED} payments, why the voucher was refused; else null
 */
public record RetrievalResult(
    Kind kind, long owed, long received, long dataLimit, String reason, VoucherRefusal refusal) {

  /** The kinds of answer. */
  public enum Kind {
    /** The pull is accepted; data flows up to the data limit. */
    ACCEPTED,
    /** Pay {@code owed} (cumulative) to continue, or to finish when the transfer is done. */
    PAYMENT_DUE,
    /** The payment covered what was owed; data flows up to the new data limit. */
    PAYMENT_ACCEPTED,
    /** The payment was valid but short of {@code owed}; the channel stays paused. */
    UNDERPAID,
    /**
     * Paid up, but the peer's other channels hold all the credit the responder extends to it: the
     * channel stays paused, nothing to pay, until they pay or finish and the responder resumes it.
     */
    WAITING_FOR_CREDIT,
    /** The proposal or the payment voucher was refused; the channel fails. */
    REFUSED
  }

  public RetrievalResult {
    reason = reason == null ? "" : reason;
  }

  /** Whether the client is asked to pay. */
  public boolean asksForPayment() {
    return kind == Kind.PAYMENT_DUE || kind == Kind.UNDERPAID;
  }
}
