package io.ferry.channels.validation;

import io.ferry.channels.TypedVoucher;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.ValidationResult.Decision;

/**
 * A validation result as the engine records it: the decision plus the voucher result already
 * encoded, so it can go into the journal and on the wire without plug-in classes.
 *
 * @param decision what the validator decided
 * @param reason why (for rejections and pauses)
 * @param voucherResult the encoded voucher result, or null when there is none
 * @param dataLimit bytes before the responder pauses itself; {@link ValidationResult#NO_CHANGE}
 *     keeps the current limit, 0 removes it
 * @param requiresFinalization whether a final voucher is needed before completing
 */
public record Verdict(
    Decision decision,
    String reason,
    TypedVoucher voucherResult,
    long dataLimit,
    boolean requiresFinalization) {

  public Verdict {
    reason = reason == null ? "" : reason;
  }

  /** A rejection with a reason and no voucher result. */
  public static Verdict reject(String reason) {
    return new Verdict(Decision.REJECT, reason, null, ValidationResult.NO_CHANGE, false);
  }

  /** Whether the request may go ahead (possibly paused). */
  public boolean isAccepted() {
    return decision == Decision.ACCEPT || decision == Decision.PAUSE || decision == Decision.RESUME;
  }
}
