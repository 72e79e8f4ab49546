package io.ferry.channels.spi;

import java.util.Objects;

/**
 * A validator's answer.
 *
 * @param decision accept, reject, pause until a new voucher arrives, resume, or retry
 * @param reason why, for rejections (shown to both sides) and pauses; may be empty
 * @param voucherResult an object of a registered voucher-result type to send back, or null
 * @param dataLimit bytes the responder lets through before pausing itself; {@link #NO_CHANGE}
 *     leaves the current limit, 0 removes it
 * @param requiresFinalization whether the responder asks for a final voucher before completing
 */
public record ValidationResult(
    Decision decision,
    String reason,
    Object voucherResult,
    long dataLimit,
    boolean requiresFinalization) {

  /** Leave the channel's data limit as it is. */
  public static final long NO_CHANGE = -1;

  /** The possible answers. */
  public enum Decision {
    /** Go ahead (go-data-transfer: nil error). */
    ACCEPT,
    /** Refuse; the channel fails with the reason. */
    REJECT,
    /** Go ahead paused, or pause now, until a new voucher arrives (ErrPause). */
    PAUSE,
    /** Resume a channel paused for a voucher (ErrResume). */
    RESUME,
    /**
     * Neither accept nor reject yet: send the voucher result back and wait for another voucher
     * (ErrRetryValidation).
     */
    RETRY
  }

  public ValidationResult {
    Objects.requireNonNull(decision, "decision");
    reason = reason == null ? "" : reason;
    if (dataLimit < NO_CHANGE) {
      throw new IllegalArgumentException(
          "data limit must be >= 0 (or NO_CHANGE), was " + dataLimit);
    }
  }

  public static ValidationResult accept() {
    return new ValidationResult(Decision.ACCEPT, "", null, NO_CHANGE, false);
  }

  public static ValidationResult reject(String reason) {
    return new ValidationResult(Decision.REJECT, reason, null, NO_CHANGE, false);
  }

  public static ValidationResult pause(String reason) {
    return new ValidationResult(Decision.PAUSE, reason, null, NO_CHANGE, false);
  }

  public static ValidationResult resume() {
    return new ValidationResult(Decision.RESUME, "", null, NO_CHANGE, false);
  }

  public static ValidationResult retry(String reason) {
    return new ValidationResult(Decision.RETRY, reason, null, NO_CHANGE, false);
  }

  /** The same answer, carrying a voucher result back to the initiator. */
  public ValidationResult withVoucherResult(Object result) {
    return new ValidationResult(decision, reason, result, dataLimit, requiresFinalization);
  }

  /** The same answer, setting the data limit (bytes; 0 = none). */
  public ValidationResult withDataLimit(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("data limit must be >= 0, was " + bytes);
    }
    return new ValidationResult(decision, reason, voucherResult, bytes, requiresFinalization);
  }

  /** The same answer, asking for a final voucher before the channel completes. */
  public ValidationResult withFinalization() {
    return new ValidationResult(decision, reason, voucherResult, dataLimit, true);
  }

  /** Whether the request may go ahead (possibly paused). */
  public boolean isAccepted() {
    return decision == Decision.ACCEPT || decision == Decision.PAUSE || decision == Decision.RESUME;
  }
}
