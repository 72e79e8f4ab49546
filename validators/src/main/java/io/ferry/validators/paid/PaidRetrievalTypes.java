package io.ferry.validators.paid;

import io.ferry.channels.spi.VoucherType;

/** The voucher and voucher-result type identifiers of paid retrieval. */
public final class PaidRetrievalTypes {
  private PaidRetrievalTypes() {}

  /** Opens a paid pull. */
  public static final VoucherType<RetrievalProposal> PROPOSAL =
      VoucherType.of("ferry/paid-retrieval/proposal/1", RetrievalProposal.class);

  /** Pays for data received. */
  public static final VoucherType<RetrievalPayment> PAYMENT =
      VoucherType.of("ferry/paid-retrieval/payment/1", RetrievalPayment.class);

  /** The responder's answers. */
  public static final VoucherType<RetrievalResult> RESULT =
      VoucherType.of("ferry/paid-retrieval/result/1", RetrievalResult.class);
}
