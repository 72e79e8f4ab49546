package io.ferry.validators.paid;

import io.ferry.validators.signed.SignedVoucher;
import java.util.Objects;

/**
 * A payment: a signed voucher of kind {@link #KIND} whose terms are a {@link PaymentClaim}.
 *
 * @param voucher the signed envelope
 */
public record RetrievalPayment(SignedVoucher voucher) {
  /** The signed-voucher kind of payments. */
  public static final String KIND = "ferry/paid-retrieval/payment/1";

  public RetrievalPayment {
    Objects.requireNonNull(voucher, "voucher");
  }

  /**
   * The claim inside a payment.
   *
   * @param cumulativeAmount everything paid on the channel so far, this payment included; a later
   *     voucher never claims less than an earlier one
   */
  public record PaymentClaim(long cumulativeAmount) {
    public PaymentClaim {
      if (cumulativeAmount < 0) {
        throw new IllegalArgumentException("amount must be >= 0, was " + cumulativeAmount);
      }
    }
  }
}
